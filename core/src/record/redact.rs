//! Secrets never reach storage (spec §1.7): every object key whose lower-cased name is one
//! of thirteen sensitive names has its value replaced by `***`, at any depth.

use serde_json::{Map, Value};

/// What a redacted secret is stored as.
pub const REDACTED: &str = "***";

const SENSITIVE_KEYS: [&str; 13] = [
    "password",
    "passwd",
    "pwd",
    "token",
    "secret",
    "api_key",
    "apikey",
    "authorization",
    "bearer",
    "private_key",
    "credential",
    "credentials",
    "kubeconfig",
];

/// Exact match after lower-casing: `Password` is sensitive, `db_password` is not.
pub fn is_sensitive_key(key: &str) -> bool {
    if key.len() > 13 {
        return false;
    }
    let lower = key.to_lowercase();
    SENSITIVE_KEYS.contains(&lower.as_str())
}

/// A deep copy of `v` with every sensitive key's value masked.
pub fn redact_value(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, item)| {
                    let masked = if is_sensitive_key(k) { Value::from(REDACTED) } else { redact_value(item) };
                    (k.clone(), masked)
                })
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact_value).collect()),
        other => other.clone(),
    }
}

/// The first sensitive key (depth first, in key order) whose value is exactly `***` — a
/// secret lost to a restart that must not be dispatched. A non-sensitive `***` is fine.
pub fn first_redacted_secret(v: &Value) -> Option<String> {
    match v {
        Value::Object(map) => first_redacted_secret_in(map),
        Value::Array(items) => items.iter().find_map(first_redacted_secret),
        _ => None,
    }
}

/// [`first_redacted_secret`] of an object's entries.
pub fn first_redacted_secret_in(map: &Map<String, Value>) -> Option<String> {
    for (k, item) in map {
        if is_sensitive_key(k) && item.as_str() == Some(REDACTED) {
            return Some(k.clone());
        }
        if let Some(found) = first_redacted_secret(item) {
            return Some(found);
        }
    }
    None
}

/// Puts back, into a copy just read from storage, the secrets an older in-process copy of
/// the same workflow still holds: wherever storage has `***` under a sensitive key and the
/// old copy has a real value at the same place (same step, same tool). Nothing else is
/// taken from the old copy.
pub fn restore_secrets(fresh: &mut super::Workflow, stale: &super::Workflow) {
    fn walk(fresh: &mut Value, stale: &Value) {
        match (fresh, stale) {
            (Value::Object(f), Value::Object(s)) => restore_map(f, s),
            (Value::Array(f), Value::Array(s)) => f.iter_mut().zip(s).for_each(|(a, b)| walk(a, b)),
            _ => {}
        }
    }
    fn restore_map(f: &mut Map<String, Value>, s: &Map<String, Value>) {
        for (k, v) in f.iter_mut() {
            let Some(old) = s.get(k) else { continue };
            if is_sensitive_key(k) {
                if v.as_str() == Some(REDACTED) && old.as_str() != Some(REDACTED) {
                    *v = old.clone();
                }
            } else {
                walk(v, old);
            }
        }
    }
    restore_map(&mut fresh.params, &stale.params);
    for (f, s) in fresh.steps.iter_mut().zip(&stale.steps) {
        if f.tool == s.tool && f.index == s.index {
            restore_map(&mut f.params, &s.params);
            restore_map(&mut f.rollback_params, &s.rollback_params);
        }
    }
}

/// Only the secrets of a record: a copy that keeps, of every params and rollback_params map,
/// just the paths that lead to a sensitive key holding a real value (array positions are
/// kept with `null` in between), and of each step just what [`restore_secrets`] matches on.
/// `None` when the record holds no secret. A store keeps this instead of a whole record to
/// give secrets back to a copy read again from storage.
pub fn secrets_only(wf: &super::Workflow) -> Option<super::Workflow> {
    fn value(v: &Value) -> Option<Value> {
        match v {
            Value::Object(m) => map(m).map(Value::Object),
            Value::Array(items) => {
                let kept: Vec<Option<Value>> = items.iter().map(value).collect();
                kept.iter()
                    .any(Option::is_some)
                    .then(|| Value::Array(kept.into_iter().map(|x| x.unwrap_or(Value::Null)).collect()))
            }
            _ => None,
        }
    }
    fn map(m: &Map<String, Value>) -> Option<Map<String, Value>> {
        let mut out = Map::new();
        for (k, v) in m {
            if is_sensitive_key(k) {
                if v.as_str() != Some(REDACTED) {
                    out.insert(k.clone(), v.clone());
                }
            } else if let Some(inner) = value(v) {
                out.insert(k.clone(), inner);
            }
        }
        (!out.is_empty()).then_some(out)
    }
    let mut found = false;
    let mut skeleton = super::Workflow {
        id: wf.id.clone(),
        workflow_type: String::new(),
        state: wf.state,
        steps: Vec::with_capacity(wf.steps.len()),
        params: map(&wf.params).inspect(|_| found = true).unwrap_or_default(),
        created_at: String::new(),
        updated_at: String::new(),
        approved_by: String::new(),
        diff_report: Map::new(),
        audit_log: Vec::new(),
        blocked_reason: String::new(),
        rollback_results: Vec::new(),
        created_by: String::new(),
        authors: Vec::new(),
    };
    for step in &wf.steps {
        let mut s = super::WorkflowStep::new(step.index, "", "", "", Map::new());
        s.tool = step.tool.clone();
        if let Some(p) = map(&step.params) {
            s.params = p;
            found = true;
        }
        if let Some(p) = map(&step.rollback_params) {
            s.rollback_params = p;
            found = true;
        }
        skeleton.steps.push(s);
    }
    found.then_some(skeleton)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exact_names_only() {
        assert!(is_sensitive_key("Password"));
        assert!(is_sensitive_key("KUBECONFIG"));
        assert!(!is_sensitive_key("db_password"));
        assert!(!is_sensitive_key("apiToken"));
        let v = json!({"a": {"password": {"nested": 1}, "b": [{"token": 5}]}, "client_secret": "x"});
        assert_eq!(redact_value(&v), json!({"a": {"password": "***", "b": [{"token": "***"}]}, "client_secret": "x"}));
    }

    #[test]
    fn a_skeleton_of_secrets_gives_them_back() {
        use crate::record::{load::workflow_from_value, Workflow};
        let wf: Workflow = workflow_from_value(json!({
            "id": "wf-1", "workflow_type": "t", "state": "pending", "created_at": "", "updated_at": "",
            "params": {"token": "tok", "plain": 1},
            "steps": [
                {"index": 0, "action": "a", "skill": "aiops", "tool": "t0", "params": {"x": 1}},
                {"index": 1, "action": "a", "skill": "aiops", "tool": "t1",
                 "params": {"list": [{"a": 1}, {"password": "p"}], "pwd": "***"},
                 "rollback_params": {"creds": {"secret": "s"}}}
            ]
        }))
        .unwrap();
        let skeleton = secrets_only(&wf).expect("secrets found");
        assert_eq!(skeleton.steps[0].params, Map::new());
        assert_eq!(Value::Object(skeleton.steps[1].params.clone()), json!({"list": [null, {"password": "p"}]}));
        let mut fresh = workflow_from_value(serde_json::from_str(&wf.to_db_json()).unwrap()).unwrap();
        assert_ne!(fresh, wf);
        restore_secrets(&mut fresh, &skeleton);
        assert_eq!(fresh, wf);
        let mut plain = wf.clone();
        plain.params.remove("token");
        plain.steps.truncate(1);
        assert!(secrets_only(&plain).is_none());
    }

    #[test]
    fn finds_lost_secrets() {
        assert_eq!(first_redacted_secret(&json!({"x": "***"})), None);
        assert_eq!(first_redacted_secret(&json!({"a": [{"Password": "***"}]})), Some("Password".to_string()));
        assert_eq!(first_redacted_secret(&json!({"password": "real"})), None);
    }
}
