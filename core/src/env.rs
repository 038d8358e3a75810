//! What the host supplies to every transition: the time, fresh randomness for ids, and who
//! is calling. The core never reads a clock, a random source or the OS user itself, so the
//! same inputs always give the same record, to the byte.

/// A moment as the host's clock read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    /// Microseconds since 1970-01-01T00:00:00Z.
    pub unix_micros: i64,
    /// The host's local UTC offset at that moment, in seconds (workflow ids use local time).
    pub utc_offset_secs: i32,
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    micro: u32,
}

fn civil(micros: i64) -> Civil {
    let secs = micros.div_euclid(1_000_000);
    let micro = micros.rem_euclid(1_000_000) as u32;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400) as u32;
    let (year, month, day) = civil_from_days(days);
    Civil { year, month, day, hour: sod / 3600, minute: sod / 60 % 60, second: sod % 60, micro }
}

impl Timestamp {
    pub fn from_unix_micros(unix_micros: i64) -> Self {
        Timestamp { unix_micros, utc_offset_secs: 0 }
    }

    /// Python's `datetime.now(tz=timezone.utc).isoformat()`: microseconds are omitted when
    /// they are zero, exactly as Python does.
    pub fn iso_utc(&self) -> String {
        let c = civil(self.unix_micros);
        let mut s = format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", c.year, c.month, c.day, c.hour, c.minute, c.second);
        if c.micro != 0 {
            s.push_str(&format!(".{:06}", c.micro));
        }
        s.push_str("+00:00");
        s
    }

    /// Local time as `%Y%m%d-%H%M%S` (workflow ids, default baseline names).
    pub fn local_compact(&self) -> String {
        let local = self.unix_micros.saturating_add(i64::from(self.utc_offset_secs) * 1_000_000);
        let c = civil(local);
        format!("{:04}{:02}{:02}-{:02}{:02}{:02}", c.year, c.month, c.day, c.hour, c.minute, c.second)
    }
}

/// Everything a transition takes from the host besides the record and the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Env {
    pub now: Timestamp,
    /// Fresh randomness for a new workflow id (the host's CSPRNG; only the low 24 bits are
    /// used, as upstream uses six hex digits of a UUID4).
    pub entropy: u64,
    /// Who is calling: `token:<name>` for an authenticated network caller, else the OS user;
    /// empty when unknown. Recorded as `created_by` and among `authors`.
    pub caller: String,
}

impl Env {
    pub fn new(now: Timestamp, entropy: u64, caller: impl Into<String>) -> Self {
        Env { now, entropy, caller: caller.into() }
    }

    /// `wf-YYYYMMDD-HHMMSS-xxxxxx`, local time plus six lower-case hex digits.
    pub fn new_workflow_id(&self) -> String {
        format!("wf-{}-{:06x}", self.now.local_compact(), self.entropy & 0xFF_FFFF)
    }

    pub fn iso_now(&self) -> String {
        self.now.iso_utc()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_like_python() {
        // 2026-11-21T22:15:11.123456Z
        let t = Timestamp::from_unix_micros(1_795_299_311_123_456);
        assert_eq!(t.iso_utc(), "2026-11-21T22:15:11.123456+00:00");
        let whole = Timestamp::from_unix_micros(1_795_299_311_000_000);
        assert_eq!(whole.iso_utc(), "2026-11-21T22:15:11+00:00");
        assert_eq!(Timestamp::from_unix_micros(0).iso_utc(), "1970-01-01T00:00:00+00:00");
        let before = Timestamp::from_unix_micros(-1);
        assert_eq!(before.iso_utc(), "1969-12-31T23:59:59.999999+00:00");
    }

    #[test]
    fn ids_use_local_time() {
        let env = Env::new(Timestamp { unix_micros: 1_795_299_311_000_000, utc_offset_secs: 3600 }, 0xabcdef12, "root");
        assert_eq!(env.new_workflow_id(), "wf-20261121-231511-cdef12");
    }
}
