//! The core's errors as JS `Error`s carrying the stable `code` (the JS wrapper turns them into
//! `PilotError` instances).

use js_sys::{Error, Reflect};
use pilot_core::error::{speak, Dialect};
use pilot_core::PilotError;
use wasm_bindgen::JsValue;

fn error(code: &str, message: &str, details: Option<JsValue>) -> JsValue {
    let e = Error::new(message);
    e.set_name("PilotError");
    let _ = Reflect::set(&e, &"code".into(), &code.into());
    if let Some(d) = details {
        let _ = Reflect::set(&e, &"details".into(), &d);
    }
    e.into()
}

/// `e` as a thrown JS error; `details` is upstream's answer (refusal payload). Both speak
/// JavaScript: the core's prose names `pilot.rollback(id, {confirm: true})`, not
/// `confirm=True`; the code is the same in every host.
pub fn to_js(e: &PilotError) -> JsValue {
    let details = crate::convert::answer_js(e.to_response()).ok();
    error(e.code(), &speak(&e.to_string(), Dialect::JavaScript), details)
}

/// A bad argument from the JS side (not JSON, wrong shape).
pub fn invalid(message: &str) -> JsValue {
    error("invalid_argument", message, None)
}
