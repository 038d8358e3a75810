//! Float formatting: Python `repr(float)` and pydantic-core's JSON form.

/// Shortest round-trip digits of a finite, non-zero `x` and its decimal point position
/// (`0.0015` → ("15", -2)): the value is `0.<digits> × 10^decpt`.
fn shortest(x: f64) -> (String, i32) {
    // Rust's `{:e}` prints the shortest representation that round-trips, like Python repr.
    let s = format!("{:e}", x.abs());
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    (digits, exp + 1)
}

fn fixed(digits: &str, decpt: i32) -> String {
    let n = digits.len() as i32;
    if decpt <= 0 {
        format!("0.{}{}", "0".repeat((-decpt) as usize), digits)
    } else if decpt < n {
        format!("{}.{}", &digits[..decpt as usize], &digits[decpt as usize..])
    } else {
        format!("{}{}.0", digits, "0".repeat((decpt - n) as usize))
    }
}

fn scientific(digits: &str, decpt: i32, pad_exponent: bool) -> String {
    let exp = decpt - 1;
    let mantissa = if digits.len() > 1 { format!("{}.{}", &digits[..1], &digits[1..]) } else { digits.to_string() };
    let sign = if exp < 0 { "-" } else { "+" };
    if pad_exponent {
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{mantissa}e{sign}{}", exp.abs())
    }
}

fn special(x: f64) -> Option<String> {
    if x.is_nan() {
        Some("NaN".into())
    } else if x.is_infinite() {
        Some(if x > 0.0 { "Infinity".into() } else { "-Infinity".into() })
    } else if x == 0.0 {
        Some(if x.is_sign_negative() { "-0.0".into() } else { "0.0".into() })
    } else {
        None
    }
}

/// Python `repr(x)` for a float (also what `json.dumps` writes): `5.0`, `1e-05`, `1e+16`.
/// Non-finite values print as `json.dumps` writes them (`NaN`, `Infinity`).
pub fn py_float_repr(x: f64) -> String {
    if let Some(s) = special(x) {
        return s;
    }
    let (digits, decpt) = shortest(x);
    let body = if -4 < decpt && decpt <= 16 { fixed(&digits, decpt) } else { scientific(&digits, decpt, true) };
    if x < 0.0 {
        format!("-{body}")
    } else {
        body
    }
}

/// pydantic-core's float text (MCP tool results): like Python repr, except that small
/// exponents stay fixed one place further (`0.00001`) and are not zero-padded (`1e-6`).
pub fn pydantic_float(x: f64) -> String {
    if let Some(s) = special(x) {
        return s;
    }
    let (digits, decpt) = shortest(x);
    let body = if -5 < decpt && decpt <= 16 { fixed(&digits, decpt) } else { scientific(&digits, decpt, false) };
    if x < 0.0 {
        format!("-{body}")
    } else {
        body
    }
}

/// Python's `round(x, ndigits)`: correctly rounded on the exact binary value, ties to even.
pub fn py_round(x: f64, ndigits: usize) -> f64 {
    if !x.is_finite() {
        return x;
    }
    // Rust's fixed-precision formatting rounds the exact decimal expansion of the binary
    // value, half to even — the same answer Python's round() gives.
    format!("{:.*}", ndigits, x).parse().unwrap_or(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_repr_matches() {
        let cases = [
            (5.0, "5.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1e-5, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (0.0001, "0.0001"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (-0.0, "-0.0"),
            (3.14e-10, "3.14e-10"),
            (12345.678, "12345.678"),
            (-2.5, "-2.5"),
            (1e100, "1e+100"),
            (9999000000000000.0, "9999000000000000.0"),
        ];
        for (x, want) in cases {
            assert_eq!(py_float_repr(x), want, "{x}");
        }
    }

    #[test]
    fn pydantic_matches() {
        let cases = [
            (1e-5, "0.00001"),
            (2.5e-5, "0.000025"),
            (1e-6, "1e-6"),
            (1.5e-7, "1.5e-7"),
            (1e16, "1e+16"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.00015, "0.00015"),
            (5.0, "5.0"),
        ];
        for (x, want) in cases {
            assert_eq!(pydantic_float(x), want, "{x}");
        }
    }

    #[test]
    fn round_is_python_round() {
        assert_eq!(py_round(0.6000000000000001, 1), 0.6);
        assert_eq!(py_round(6.65, 1), 6.7); // 6.65 is 6.6500000000000003552...
        assert_eq!(py_round(0.25, 1), 0.2); // exact tie goes to even
        assert_eq!(py_round(10.25, 1), 10.2);
    }
}
