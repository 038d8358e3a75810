//! Companion tools that only act when called with `confirm=True` (spec §3.7). Templates pass
//! `confirm: true` to exactly these, after an approval step.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::pyfmt::py_repr_str_list;

const GATED_JSON: &str = include_str!("../../../templates/catalog/gated-tools.json");

/// The keys through which a caller can tell a gated tool to act or hold.
pub const DECISION_KEYS: [&str; 3] = ["confirm", "confirmed", "dry_run"];
/// Deprecated spellings of `confirm` that templates never send.
pub const LEGACY_CONFIRM_KEYS: [&str; 2] = ["confirmed", "dry_run"];

/// skill → gated tools, in the data file's order.
pub fn gated_tools() -> &'static Vec<(String, Vec<String>)> {
    static TABLE: OnceLock<Vec<(String, Vec<String>)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let v: Value = serde_json::from_str(GATED_JSON).unwrap_or(Value::Null);
        v.get("tools")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(skill, tools)| {
                        let list = tools
                            .as_array()
                            .map(|a| a.iter().filter_map(|t| t.as_str().map(String::from)).collect())
                            .unwrap_or_default();
                        (skill.clone(), list)
                    })
                    .collect()
            })
            .unwrap_or_default()
    })
}

fn index() -> &'static HashMap<String, Vec<String>> {
    static INDEX: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    INDEX.get_or_init(|| gated_tools().iter().cloned().collect())
}

/// True when `skill.tool` previews unless called with `confirm=True`. Only a leading
/// `vmware-` is dropped from the skill (no other spelling is normalised here).
pub fn is_gated(skill: &str, tool: &str) -> bool {
    let key = skill.strip_prefix("vmware-").unwrap_or(skill);
    index().get(key).is_some_and(|tools| tools.iter().any(|t| t == tool))
}

/// A copy of `params` that makes a gated tool act: the legacy aliases dropped and
/// `confirm: true` set (last, unless `confirm` was already a key). Ungated tools get an
/// unchanged copy: `confirm` is not a parameter they have.
pub fn confirmed_params(skill: &str, tool: &str, params: &Map<String, Value>) -> Map<String, Value> {
    if !is_gated(skill, tool) {
        return params.clone();
    }
    let mut out: Map<String, Value> = params
        .iter()
        .filter(|(k, _)| !LEGACY_CONFIRM_KEYS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.insert("confirm".into(), Value::Bool(true));
    out
}

/// For steps a caller supplies (`baseline_remediate`): params of a gated tool that already
/// decide act-or-hold are refused — Pilot sends `confirm=True` itself after its gate, and
/// turning a caller's `dry_run=True` into a change would betray them.
pub fn refuse_caller_decision(skill: &str, tool: &str, params: &Map<String, Value>, place: &str) -> Result<(), String> {
    if !is_gated(skill, tool) {
        return Ok(());
    }
    let mut decided: Vec<&str> = DECISION_KEYS.iter().copied().filter(|k| params.contains_key(*k)).collect();
    decided.sort();
    if decided.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{place}: {skill}:{tool} params carry {}. Pilot sends confirm=True to {tool} itself, \
         after the workflow's approval step (that step is the human decision). Drop those keys \
         and call create_workflow_from_template again; to see what {tool} would change without \
         changing it, call that tool directly without confirm.",
        py_repr_str_list(&decided)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn table_and_rules() {
        let n: usize = gated_tools().iter().map(|(_, t)| t.len()).sum();
        assert_eq!(n, 60);
        assert!(is_gated("vmware-aiops", "power_off_vm"));
        assert!(!is_gated("vmware_aiops", "power_off_vm"));
        assert!(!is_gated("aiops", "power_on_vm"));
        let p = json!({"a": 1, "dry_run": true, "confirmed": 1}).as_object().unwrap().clone();
        assert_eq!(Value::Object(confirmed_params("aiops", "delete_vm", &p)), json!({"a": 1, "confirm": true}));
        let q = json!({"confirm": false, "b": 2}).as_object().unwrap().clone();
        assert_eq!(Value::Object(confirmed_params("aiops", "delete_vm", &q)), json!({"confirm": true, "b": 2}));
        assert_eq!(Value::Object(confirmed_params("aiops", "power_on_vm", &p)), Value::Object(p.clone()));
        let err = refuse_caller_decision("aiops", "delete_vm", &p, "where").unwrap_err();
        assert!(err.starts_with("where: aiops:delete_vm params carry ['confirmed', 'dry_run']"), "{err}");
        assert!(refuse_caller_decision("aiops", "power_on_vm", &p, "w").is_ok());
    }
}
