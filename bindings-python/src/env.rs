//! The environment the host supplies to the core: the real clock, fresh entropy, the caller.

use std::time::{SystemTime, UNIX_EPOCH};

use pilot_core::{Env, Timestamp};
use pyo3::prelude::*;

/// Now, with this machine's local UTC offset (workflow ids use local time, as upstream's).
pub fn now(py: Python<'_>) -> Timestamp {
    let micros = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or(0);
    let offset = py
        .import("time")
        .and_then(|t| t.call_method1("localtime", (micros / 1_000_000,)))
        .and_then(|lt| lt.getattr("tm_gmtoff"))
        .and_then(|o| o.extract::<i32>())
        .unwrap_or(0);
    Timestamp { unix_micros: micros, utc_offset_secs: offset }
}

fn entropy(py: Python<'_>) -> u64 {
    py.import("os")
        .and_then(|os| os.call_method1("urandom", (8,)))
        .and_then(|b| b.extract::<Vec<u8>>())
        .map(|b| b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x)))
        .unwrap_or_else(|_| now(py).unix_micros as u64)
}

pub fn env(py: Python<'_>, caller: &str) -> Env {
    Env::new(now(py), entropy(py), caller)
}
