//! The host environment in a JS runtime: `Date` for the time and the local offset,
//! `Math.random` for the six hex digits of a new id, the caller the host names.

use pilot_core::{Env, Timestamp};

pub fn env(caller: &str) -> Env {
    let millis = js_sys::Date::now();
    let offset_minutes = js_sys::Date::new_0().get_timezone_offset();
    let entropy = (js_sys::Math::random() * 16_777_216.0) as u64;
    Env::new(
        Timestamp { unix_micros: (millis * 1000.0) as i64, utc_offset_secs: (-offset_minutes * 60.0) as i32 },
        entropy,
        caller,
    )
}
