//! Python's way of printing values, where it leaks into observable text or stored bytes.
//!
//! Upstream is Python: its messages interpolate `str()` and `repr()` of caller values, its
//! database column is `json.dumps(..., default=str)` and its MCP text is pydantic-core's
//! `to_json(indent=2)`. Byte compatibility needs the same output from Rust (spec §11.1-2).

mod encode;
mod float;
mod int;
mod repr;
mod truth;

pub use encode::{to_db_json, to_mcp_text, DbFormatter};
pub use float::{py_float_repr, py_round, pydantic_float};
pub use int::{parse_py_int, PyInt};
pub use repr::{py_repr, py_repr_str, py_repr_str_list, py_str, py_strip, py_type_name};
pub use truth::is_truthy;
