//! Templates: the 15 built-ins, a host's custom ones, and a JSON Schema for each.

use pilot_core::host;
use pilot_core::templates as t;
use wasm_bindgen::prelude::*;

use crate::convert::{from_js, to_js};
use crate::errors;

/// `[{name, description, custom, signature, schema}]`, built-ins first; `customs` as
/// `pilot_core::host::template_set_from_value` takes them.
#[wasm_bindgen(js_name = templates)]
pub fn templates(customs: JsValue) -> Result<JsValue, JsValue> {
    let set = host::template_set_from_value(&from_js(&customs)?).map_err(|e| errors::to_js(&e))?;
    to_js(&host::template_listing(&set))
}

#[wasm_bindgen(js_name = parseYaml)]
pub fn parse_yaml(text: JsValue) -> Result<JsValue, JsValue> {
    let text = pilot_core::ops::text_value(&from_js(&text)?, "text").map_err(|e| errors::to_js(&e))?;
    to_js(&t::parse_yaml(&text).map_err(|e| errors::invalid(&e))?)
}
