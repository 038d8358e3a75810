//! Templates: the 15 built-ins, a host's custom ones, and a JSON Schema for each.

use pilot_core::templates::{self as t, CustomFile, TemplateSet};
use pilot_core::{Env, Workflow};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use crate::convert::{from_js, record_js, str_field, to_js};
use crate::errors;

/// Custom templates: `[{document, fileName}]`, `document` a parsed object or YAML text (the
/// format of `~/.vmware/workflows/*.yaml`: `{{var}}` placeholders in step params). A document
/// that cannot be a template is refused, naming the file.
pub fn template_set(customs: &JsValue) -> Result<TemplateSet, JsValue> {
    let list = match from_js(customs)? {
        Value::Null => Vec::new(),
        Value::Array(a) => a,
        _ => return Err(errors::invalid("custom templates are an array of {document, fileName}")),
    };
    let mut templates = Vec::new();
    for item in list {
        let file = str_field(&item, "fileName");
        let doc = match item.get("document") {
            Some(Value::String(text)) => t::parse_yaml(text).map_err(|e| errors::invalid(&format!("{file}: {e}")))?,
            Some(v) => v.clone(),
            None => Value::Null,
        };
        match t::custom_template(doc, &file, &file) {
            CustomFile::Template(tpl) => templates.push(*tpl),
            // vmware-pilot 2.4.0 logs a warning and skips such a file; a host handing documents
            // over explicitly is told instead, so that no template goes missing unnoticed
            CustomFile::Skipped(why) => return Err(errors::invalid(&format!("{file}: {why}"))),
        }
    }
    Ok(TemplateSet::with_customs(templates))
}

/// `[{name, description, custom, signature, schema}]`, built-ins first.
#[wasm_bindgen(js_name = templates)]
pub fn templates(customs: JsValue) -> Result<JsValue, JsValue> {
    let set = template_set(&customs)?;
    let list: Vec<Value> = set
        .iter()
        .map(|tpl| {
            json!({"name": tpl.name, "description": tpl.description, "custom": tpl.source.is_some(),
                   "signature": tpl.signature(), "schema": tpl.params_schema()})
        })
        .collect();
    to_js(&list)
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
