//! JavaScript values ⇄ JSON values, through JSON text: one `JSON.stringify`/`JSON.parse` and
//! one string copy across the boundary, much faster for whole records than walking them
//! value by value. Plain objects and arrays only; functions and `undefined` members are
//! dropped as JSON drops them.

use js_sys::JSON;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::JsValue;

/// A JS value as JSON (`undefined` reads as null).
pub fn from_js(v: &JsValue) -> Result<Value, JsValue> {
    if v.is_undefined() {
        return Ok(Value::Null);
    }
    let text = JSON::stringify(v)
        .map_err(|_| crate::errors::invalid("not JSON data (a BigInt, or an object that refers to itself?)"))?;
    let Some(text) = text.as_string() else {
        return Ok(Value::Null); // a lone function or symbol
    };
    let mut value = serde_json::from_str(&text).map_err(|e| crate::errors::invalid(&format!("not JSON data: {e}")))?;
    unsafe_integers_as_floats(&mut value);
    Ok(value)
}

/// A JS number is a double: one past 2^53 was a float where it came from (vmware-pilot writes
/// `1e+16`, not `10000000000000000`), so it is read back as one. Smaller whole numbers read
/// as integers; a Python `2.0` that crossed as a JS object comes back `2` — the text path
/// (`storedText`, `saveText`) keeps such rows byte for byte.
fn unsafe_integers_as_floats(v: &mut Value) {
    const SAFE: f64 = 9_007_199_254_740_991.0;
    match v {
        Value::Number(n) if !n.is_f64() => {
            if let Some(f) = n.as_f64().filter(|f| f.abs() > SAFE) {
                if let Some(x) = serde_json::Number::from_f64(f) {
                    *v = Value::Number(x);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(unsafe_integers_as_floats),
        Value::Object(m) => m.values_mut().for_each(unsafe_integers_as_floats),
        _ => {}
    }
}

/// Any serialisable value as a plain JS value.
pub fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    let text =
        serde_json::to_string(v).map_err(|e| crate::errors::invalid(&format!("cannot return this value: {e}")))?;
    parse(&text)
}

/// An answer (transition, refusal, preview, status) as JS sees it: its prose in JavaScript's
/// words (`pilot.run(id)`, `{confirm: true}`), its data untouched (`pilot_core::error::speak_answer`).
pub fn answer_js(mut v: Value) -> Result<JsValue, JsValue> {
    pilot_core::error::speak_answer(&mut v, pilot_core::error::Dialect::JavaScript);
    to_js(&v)
}

/// JSON text we produced, as a JS value.
pub fn parse(text: &str) -> Result<JsValue, JsValue> {
    JSON::parse(text).map_err(|_| crate::errors::invalid("internal: produced JSON that JavaScript cannot parse"))
}

/// A record as JS sees it (the live record, secrets included: it stays in the host process).
pub fn record_js(wf: &pilot_core::Workflow) -> Result<JsValue, JsValue> {
    to_js(&pilot_core::record::Live(wf))
}

pub fn str_field(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}
