//! The two JSON encoders upstream's bytes come from (spec "Conventions").
//!
//! * the database `data` column: Python `json.dumps(obj, default=str)` — one line, `", "` and
//!   `": "` separators, every non-ASCII character escaped (`ensure_ascii`), floats as repr;
//! * MCP tool text: pydantic-core `to_json(obj, indent=2)` — two-space indent, non-ASCII raw,
//!   floats in pydantic's form.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

use super::float::{py_float_repr, pydantic_float};

/// `json.dumps` with Python's defaults.
#[derive(Default)]
pub struct DbFormatter;

impl Formatter for DbFormatter {
    fn write_f64<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        w.write_all(py_float_repr(value).as_bytes())
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(w, value as f64)
    }

    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        // serde_json has already escaped quotes, backslashes and C0 controls; Python's
        // ensure_ascii also escapes DEL and everything above it, astral chars as surrogates.
        let bytes = fragment.as_bytes();
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if c.is_ascii() && c != '\u{7f}' {
                continue;
            }
            w.write_all(&bytes[start..i])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(w, "\\u{:04x}", unit)?;
            }
            start = i + c.len_utf8();
        }
        w.write_all(&bytes[start..])
    }

    fn begin_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
}

/// pydantic-core's `to_json(indent=2)`: serde_json's pretty printer with pydantic floats.
struct McpFormatter<'a>(PrettyFormatter<'a>);

impl Formatter for McpFormatter<'_> {
    fn write_f64<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        w.write_all(pydantic_float(value).as_bytes())
    }
    fn write_f32<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(w, value as f64)
    }
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

fn encode_with<T: Serialize + ?Sized, F: Formatter>(value: &T, formatter: F) -> String {
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    // Serialising our own types and serde_json values into a Vec cannot fail: every map key
    // is a string and the writer never errors. Fall back to an empty object all the same.
    if value.serialize(&mut ser).is_err() {
        return "{}".to_string();
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The text upstream writes into the `data` column (`json.dumps(..., default=str)`).
pub fn to_db_json<T: Serialize + ?Sized>(value: &T) -> String {
    encode_with(value, DbFormatter)
}

/// The text of an MCP tool result (`pydantic_core.to_json(obj, indent=2)`).
pub fn to_mcp_text<T: Serialize + ?Sized>(value: &T) -> String {
    encode_with(value, McpFormatter(PrettyFormatter::with_indent(b"  ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn db_json_is_python_json_dumps() {
        let v = json!({"a": "é→\u{7f}\n\"", "b": [1, 2.0, 1e-5, null, true], "c": {}, "d": "😀"});
        assert_eq!(
            to_db_json(&v),
            r#"{"a": "\u00e9\u2192\u007f\n\"", "b": [1, 2.0, 1e-05, null, true], "c": {}, "d": "\ud83d\ude00"}"#
        );
    }

    #[test]
    fn mcp_text_is_pydantic_pretty() {
        let v = json!({"a": "é", "b": [], "c": {}, "d": [1, {"x": 1e-5}]});
        assert_eq!(
            to_mcp_text(&v),
            "{\n  \"a\": \"é\",\n  \"b\": [],\n  \"c\": {},\n  \"d\": [\n    1,\n    {\n      \"x\": 0.00001\n    }\n  ]\n}"
        );
    }
}
