//! Step references (spec §2.5): a string param `__from_step_N__` takes step N's whole result,
//! `__from_step_N__:key` one key of it. Every way a reference can be wrong is a teaching
//! error that fails the step holding it.

use serde_json::{Map, Value};

use crate::error::PilotError;
use crate::pyfmt::{parse_py_int, py_repr_str_list, py_type_name};
use crate::record::{status, WorkflowStep};

const PREFIX: &str = "__from_step_";

/// `text[12:-2]` with Python slice semantics (empty when the string is too short).
fn middle(text: &str) -> &str {
    let start = PREFIX.len();
    let end = text.len().saturating_sub(2);
    if end <= start {
        ""
    } else {
        text.get(start..end).unwrap_or("")
    }
}

fn resolve_one(reference: &str, steps: &[WorkflowStep], current: i64) -> Result<Value, PilotError> {
    let (index_text, key) = if reference.ends_with("__") {
        (middle(reference), None)
    } else {
        match reference.split_once(':') {
            Some((ref_part, key)) if ref_part.ends_with("__") => (middle(ref_part), Some(key)),
            _ => return Err(PilotError::RefMalformed { reference: reference.into() }),
        }
    };
    let parsed = parse_py_int(index_text)
        .ok_or_else(|| PilotError::RefNotInteger { reference: reference.into(), index_text: index_text.into() })?;
    let len = steps.len() as i64;
    let idx = match parsed.value {
        Some(i) if i >= 0 && i < len => i,
        _ => return Err(PilotError::RefOutOfRange { reference: reference.into(), index: parsed.text, last: len - 1 }),
    };
    if idx >= current {
        return Err(PilotError::RefForward { reference: reference.into(), index: idx, current });
    }
    let source = &steps[idx as usize];
    if source.status_is(status::REPORTED_DONE) {
        return Err(PilotError::RefOutsidePilot { reference: reference.into(), index: idx, tool: source.tool.clone() });
    }
    if !source.status_is(status::SUCCESS) {
        return Err(PilotError::RefNotSuccess {
            reference: reference.into(),
            index: idx,
            tool: source.tool.clone(),
            status: source.status_text(),
        });
    }
    let Some(key) = key else {
        return Ok(source.result.clone());
    };
    match &source.result {
        Value::Object(m) => m.get(key).cloned().ok_or_else(|| {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            keys.truncate(12);
            PilotError::RefMissingKey {
                reference: reference.into(),
                index: idx,
                tool: source.tool.clone(),
                key: key.into(),
                keys: py_repr_str_list(&keys),
            }
        }),
        other => Err(PilotError::RefNotADict {
            reference: reference.into(),
            index: idx,
            tool: source.tool.clone(),
            key: key.into(),
            type_name: py_type_name(other).into(),
        }),
    }
}

fn resolve_value(v: &Value, steps: &[WorkflowStep], current: i64) -> Result<Value, PilotError> {
    match v {
        Value::Object(m) => Ok(Value::Object(resolve_params(m, steps, current)?)),
        Value::Array(items) => {
            Ok(Value::Array(items.iter().map(|i| resolve_value(i, steps, current)).collect::<Result<_, _>>()?))
        }
        Value::String(s) if s.starts_with(PREFIX) => resolve_one(s, steps, current),
        other => Ok(other.clone()),
    }
}

/// `params` with every reference replaced by the result it names. `current` is the index
/// of the step about to run (its own index for a forward call, index + 1 for its undo, which
/// may read its own step's result).
pub fn resolve_params(
    params: &Map<String, Value>,
    steps: &[WorkflowStep],
    current: i64,
) -> Result<Map<String, Value>, PilotError> {
    params.iter().map(|(k, v)| Ok((k.clone(), resolve_value(v, steps, current)?))).collect()
}

/// The indices of the steps `params` refers to (well-formed references only).
pub fn referenced_indices(params: &Map<String, Value>) -> Vec<i64> {
    fn walk(v: &Value, out: &mut Vec<i64>) {
        match v {
            Value::Object(m) => m.values().for_each(|i| walk(i, out)),
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            Value::String(s) if s.starts_with(PREFIX) => {
                let text =
                    if s.ends_with("__") { middle(s) } else { s.split_once(':').map(|(r, _)| middle(r)).unwrap_or("") };
                if let Some(i) = parse_py_int(text).and_then(|p| p.value) {
                    out.push(i);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    params.values().for_each(|v| walk(v, &mut out));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn steps() -> Vec<WorkflowStep> {
        let mut a = WorkflowStep::new(0, "plan", "aiops", "create_vm_plan", Map::new());
        a.set_status("success");
        a.result = json!({"plan_id": "p-1", "b": 2, "a": 1});
        let mut b = WorkflowStep::new(1, "x", "aiops", "power_on_vm", Map::new());
        b.set_status("failed");
        let mut c = WorkflowStep::new(2, "y", "aiops", "power_on_vm", Map::new());
        c.set_status("reported_done");
        let mut d = WorkflowStep::new(3, "z", "monitor", "get_alarms", Map::new());
        d.set_status("success");
        d.result = json!("text");
        vec![a, b, c, d]
    }

    fn one(r: &str, current: i64) -> Result<Value, PilotError> {
        let params = json!({"x": r});
        resolve_params(params.as_object().unwrap(), &steps(), current).map(|m| m["x"].clone())
    }

    #[test]
    fn resolves() {
        assert_eq!(one("__from_step_0__:plan_id", 4).unwrap(), json!("p-1"));
        assert_eq!(one("__from_step_0__", 4).unwrap(), json!({"plan_id": "p-1", "b": 2, "a": 1}));
        assert_eq!(one("__from_step_ 0 __:plan_id", 4).unwrap(), json!("p-1"));
        let nested = json!({"ops": [{"id": "__from_step_0__:plan_id"}], "n": 5});
        let out = resolve_params(nested.as_object().unwrap(), &steps(), 4).unwrap();
        assert_eq!(Value::Object(out), json!({"ops": [{"id": "p-1"}], "n": 5}));
    }

    #[test]
    fn every_error() {
        let code = |r: &str, c: i64| one(r, c).unwrap_err().code();
        assert_eq!(code("__from_step_0", 4), "ref_malformed");
        assert_eq!(code("__from_step_x__", 4), "ref_not_integer");
        assert_eq!(code("__from_step___", 4), "ref_not_integer");
        assert_eq!(code("__from_step_9__", 4), "ref_out_of_range");
        assert_eq!(code("__from_step_-1__", 4), "ref_out_of_range");
        assert_eq!(code("__from_step_0__", 0), "ref_forward");
        assert_eq!(code("__from_step_2__", 3), "ref_outside_pilot");
        assert_eq!(code("__from_step_1__", 3), "ref_not_success");
        assert_eq!(code("__from_step_0__:nope", 4), "ref_missing_key");
        assert_eq!(code("__from_step_3__:k", 4), "ref_not_a_dict");
        let msg = one("__from_step_9__", 4).unwrap_err().to_string();
        assert!(msg.contains("points to step 9, but this workflow has steps 0..3"), "{msg}");
        let msg = one("__from_step_0__:nope", 4).unwrap_err().to_string();
        assert!(msg.contains("returned no 'nope' (its keys: ['a', 'b', 'plan_id'])"), "{msg}");
        let msg = one("__from_step_3__:k", 4).unwrap_err().to_string();
        assert!(msg.contains("returned str, not a dict"), "{msg}");
        let msg = one("__from_step_1__", 3).unwrap_err().to_string();
        assert!(msg.contains("status 'failed'"), "{msg}");
        let msg = one("__from_step_2__", 3).unwrap_err().to_string();
        assert!(msg.contains("outside Pilot") && !msg.contains("cancel_workflow"), "{msg}");
    }
}
