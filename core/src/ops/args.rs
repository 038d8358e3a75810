//! Arguments as callers send them (a language model sends numbers where ids belong, objects
//! where lists belong): each is checked here, once, for every host, and a wrong one is
//! refused with `invalid_argument`, naming the parameter, what it takes and what it got.

use serde_json::{Map, Value};

use crate::error::PilotError;

pub(crate) fn invalid(message: impl Into<String>) -> PilotError {
    PilotError::InvalidArgument { message: message.into() }
}

/// How a value is described in a refusal: its JSON type and a short sample.
pub fn described(v: &Value) -> String {
    let kind = match v {
        Value::Null => return "null".into(),
        Value::Bool(b) => return format!("the boolean {b}"),
        Value::Number(n) => return format!("the number {n}"),
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    let text = v.to_string();
    let sample: String = text.chars().take(40).collect();
    let more = if sample.len() < text.len() { "…" } else { "" };
    format!("{kind} ({sample}{more})")
}

/// A workflow id: a non-empty string.
pub fn id_arg(v: &Value, param: &str) -> Result<String, PilotError> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Ok(s.clone()),
        Value::String(_) => {
            Err(invalid(format!("{param} is empty: pass the workflow's id as a string (list_workflows shows them)")))
        }
        other => Err(invalid(format!(
            "{param} is a workflow id, a string such as 'wf-1a2b3c4d' (list_workflows shows them), not {}",
            described(other)
        ))),
    }
}

/// A step list: an array of step objects, or `None` when absent (keep the steps).
pub fn steps_arg(v: &Value) -> Result<Option<Vec<Value>>, PilotError> {
    match v {
        Value::Null => Ok(None),
        Value::Array(list) => Ok(Some(list.clone())),
        other => Err(invalid(format!(
            "steps is an array of step objects ({{action, skill, tool, params, ...}}), not {}",
            described(other)
        ))),
    }
}

/// A text argument; absent means empty.
pub(crate) fn text_arg(args: &Map<String, Value>, key: &str) -> Result<String, PilotError> {
    text_value(args.get(key).unwrap_or(&Value::Null), key)
}

/// A text parameter `param` (null: empty), for hosts that pass parameters one by one.
pub fn text_value(v: &Value, param: &str) -> Result<String, PilotError> {
    match v {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        other => Err(invalid(format!("{param} is a string, not {}", described(other)))),
    }
}

/// A yes/no argument; absent means no.
pub(crate) fn flag_arg(args: &Map<String, Value>, key: &str) -> Result<bool, PilotError> {
    match args.get(key).unwrap_or(&Value::Null) {
        Value::Null => Ok(false),
        Value::Bool(b) => Ok(*b),
        other => Err(invalid(format!("{key} is true or false, not {}", described(other)))),
    }
}

/// An object argument (a template's params); absent means empty.
pub(crate) fn object_arg(args: &Map<String, Value>, key: &str) -> Result<Map<String, Value>, PilotError> {
    match args.get(key).unwrap_or(&Value::Null) {
        Value::Null => Ok(Map::new()),
        Value::Object(m) => Ok(m.clone()),
        other => Err(invalid(format!("{key} is an object of named params, not {}", described(other)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrong_types_are_named() {
        let e = id_arg(&json!(42), "workflow_id").unwrap_err();
        assert_eq!(e.code(), "invalid_argument");
        assert!(e.to_string().contains("workflow_id") && e.to_string().contains("the number 42"), "{e}");
        assert!(id_arg(&json!({}), "id").unwrap_err().to_string().contains("an object"));
        assert_eq!(id_arg(&json!("wf-1"), "id").unwrap(), "wf-1");
        assert_eq!(steps_arg(&Value::Null).unwrap(), None);
        let e = steps_arg(&json!({"0": {}})).unwrap_err();
        assert!(e.to_string().contains("steps is an array") && e.to_string().contains("an object"), "{e}");
        let args = json!({"hold": "yes", "name": 3}).as_object().cloned().unwrap();
        assert_eq!(flag_arg(&args, "hold").unwrap_err().code(), "invalid_argument");
        assert!(text_arg(&args, "name").unwrap_err().to_string().contains("name is a string"));
        assert_eq!(text_arg(&args, "absent").unwrap(), "");
    }
}
