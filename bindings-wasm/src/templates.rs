//! Templates: the 15 built-ins, a host's custom ones, and a JSON Schema for each.

use pilot_core::host;
use pilot_core::templates::{self as t, TemplateSet};
use pilot_core::{Env, Workflow};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::convert::{from_js, record_js, to_js};
use crate::errors;

/// Custom templates: `[{document, fileName}]` (see `pilot_core::host::template_set_from_value`).
pub fn template_set(customs: &JsValue) -> Result<TemplateSet, JsValue> {
    host::template_set_from_value(&from_js(customs)?).map_err(|e| errors::to_js(&e))
}

/// `[{name, description, custom, signature, schema}]`, built-ins first.
#[wasm_bindgen(js_name = templates)]
pub fn templates(customs: JsValue) -> Result<JsValue, JsValue> {
    to_js(&host::template_listing(&template_set(&customs)?))
}

/// A workflow from template `name` with `args` (an object of named params).
pub fn instantiate(name: &str, args: &JsValue, customs: &JsValue, env: &Env) -> Result<Workflow, JsValue> {
    let set = template_set(customs)?;
    let a = match from_js(args)? {
        Value::Object(a) => a,
        Value::Null => Default::default(),
        _ => return Err(errors::invalid("template arguments are an object of named params")),
    };
    t::create_from_template(&set, name, &a, env).map_err(|e| errors::to_js(&e))
}

/// A new workflow record from a template (refusals throw `PilotError`).
#[wasm_bindgen(js_name = createFromTemplate)]
pub fn create_from_template(name: &str, args: JsValue, env: JsValue, customs: JsValue) -> Result<JsValue, JsValue> {
    let env = crate::engine::env_from(&env)?;
    record_js(&instantiate(name, &args, &customs, &env)?)
}

#[wasm_bindgen(js_name = parseYaml)]
pub fn parse_yaml(text: &str) -> Result<JsValue, JsValue> {
    to_js(&t::parse_yaml(text).map_err(|e| errors::invalid(&e))?)
}
