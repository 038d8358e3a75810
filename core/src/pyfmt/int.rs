//! Python `int(text)` for the index part of a step reference (spec §2.5): surrounding
//! whitespace, one sign and `_` between digits are accepted; anything else is not an int.

/// An integer as Python would print it, with its value when it fits in an i64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyInt {
    /// Python's printing of the value: no leading zeros, no underscores, `-` when negative.
    pub text: String,
    /// The value, or `None` when it does not fit in an i64 (it is then out of any range).
    pub value: Option<i64>,
}

pub fn parse_py_int(raw: &str) -> Option<PyInt> {
    let s = super::py_strip(raw);
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
        return None;
    }
    if !body.chars().all(|c| c.is_ascii_digit() || c == '_') {
        return None;
    }
    let digits: String = body.chars().filter(|c| *c != '_').collect();
    let trimmed = digits.trim_start_matches('0');
    let magnitude = if trimmed.is_empty() { "0" } else { trimmed };
    let text = if negative && magnitude != "0" { format!("-{magnitude}") } else { magnitude.to_string() };
    let value = text.parse::<i64>().ok();
    Some(PyInt { text, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_python_accepts() {
        assert_eq!(parse_py_int(" 1 ").unwrap().value, Some(1));
        assert_eq!(parse_py_int("+2").unwrap().value, Some(2));
        assert_eq!(parse_py_int("-1").unwrap().value, Some(-1));
        assert_eq!(parse_py_int("1_0").unwrap().value, Some(10));
        assert_eq!(parse_py_int("007").unwrap().text, "7");
        assert_eq!(parse_py_int("-0").unwrap().text, "0");
        let big = parse_py_int("99999999999999999999999").unwrap();
        assert_eq!(big.value, None);
        assert_eq!(big.text, "99999999999999999999999");
    }

    #[test]
    fn refuses_what_python_refuses() {
        for bad in ["", " ", "x", "1.0", "_1", "1_", "1__0", "--1", "0x1", "1e3", "+"] {
            assert!(parse_py_int(bad).is_none(), "{bad:?}");
        }
    }
}
