//! JavaScript values ⇄ JSON values: plain objects and arrays, never JS `Map`s.

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::JsValue;

/// A JS value as JSON (`undefined` reads as null).
pub fn from_js(v: &JsValue) -> Result<Value, JsValue> {
    if v.is_undefined() {
        return Ok(Value::Null);
    }
    serde_wasm_bindgen::from_value(v.clone()).map_err(|e| crate::errors::invalid(&format!("not JSON data: {e}")))
}

/// Any serialisable value as a plain JS value.
pub fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| crate::errors::invalid(&format!("cannot return this value: {e}")))
}

pub fn str_field(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}
