//! The environment the host supplies to the core: the real clock, fresh entropy, the caller.
//! Called at every step, so it asks Python as little as it can: the local UTC offset once an
//! hour (workflow ids use local time, as upstream's), the OS's randomness once per process.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use pilot_core::{Env, Timestamp};
use pyo3::prelude::*;

/// `(hour since the epoch, that hour's local UTC offset)`.
static OFFSET: Mutex<Option<(i64, i32)>> = Mutex::new(None);
/// `(process id, seed)`: re-seeded after a fork, so that parent and child never share ids.
static SEED: Mutex<Option<(u32, u64)>> = Mutex::new(None);
static COUNTER: AtomicU64 = AtomicU64::new(0);

fn local_offset(py: Python<'_>, secs: i64) -> i32 {
    let hour = secs.div_euclid(3600);
    if let Ok(guard) = OFFSET.lock() {
        if let Some((h, off)) = *guard {
            if h == hour {
                return off;
            }
        }
    }
    let off = py
        .import("time")
        .and_then(|t| t.call_method1("localtime", (secs,)))
        .and_then(|lt| lt.getattr("tm_gmtoff"))
        .and_then(|o| o.extract::<i32>())
        .unwrap_or(0);
    if let Ok(mut guard) = OFFSET.lock() {
        *guard = Some((hour, off));
    }
    off
}

/// Now, with this machine's local UTC offset.
pub fn now(py: Python<'_>) -> Timestamp {
    let micros = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or(0);
    Timestamp { unix_micros: micros, utc_offset_secs: local_offset(py, micros / 1_000_000) }
}

fn os_random(py: Python<'_>) -> u64 {
    py.import("os")
        .and_then(|os| os.call_method1("urandom", (8,)))
        .and_then(|b| b.extract::<Vec<u8>>())
        .map(|b| b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x)))
        .unwrap_or_else(|_| now(py).unix_micros as u64)
}

/// splitmix64: spreads a counter over 64 bits.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Fresh entropy for ids: the OS's randomness, read once per process, spread by a counter.
fn entropy(py: Python<'_>) -> u64 {
    let pid = std::process::id();
    let seed = {
        let cached = SEED.lock().ok().and_then(|g| *g).filter(|(p, _)| *p == pid);
        match cached {
            Some((_, s)) => s,
            None => {
                let s = os_random(py);
                if let Ok(mut g) = SEED.lock() {
                    *g = Some((pid, s));
                }
                s
            }
        }
    };
    mix(seed ^ mix(COUNTER.fetch_add(1, Ordering::Relaxed)))
}

pub fn env(py: Python<'_>, caller: &str) -> Env {
    Env::new(now(py), entropy(py), caller)
}
