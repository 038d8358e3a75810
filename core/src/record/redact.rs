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
    fn finds_lost_secrets() {
        assert_eq!(first_redacted_secret(&json!({"x": "***"})), None);
        assert_eq!(first_redacted_secret(&json!({"a": [{"Password": "***"}]})), Some("Password".to_string()));
        assert_eq!(first_redacted_secret(&json!({"password": "real"})), None);
    }
}
