//! Secrets never reach storage (spec §1.7, widened; see docs/redaction.md): the value of
//! every object key that names a secret becomes `***` at any depth ([`key`]), and
//! credentials written inside any string value are masked in place ([`text`]).

mod key;
mod text;

use serde_json::{Map, Value};

pub use key::{is_sensitive_key, UPSTREAM as UPSTREAM_SENSITIVE_KEYS};
pub(crate) use text::mask_credentials;

/// What a redacted secret is stored as.
pub const REDACTED: &str = "***";

/// A deep copy of `v` with every sensitive key's value masked, and every credential
/// inside a string.
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
        Value::String(s) => Value::String(mask_credentials(s).into_owned()),
        other => other.clone(),
    }
}

/// The first key (depth first, in key order) that lost its secret to a restart and must
/// not be dispatched: a sensitive key whose value is exactly `***`, or any key whose
/// string (or a string in its list) holds a masked credential such as `Bearer ***`. A
/// non-sensitive `***` is fine. A bare string outside any object names no key: `None`.
pub fn first_redacted_secret(v: &Value) -> Option<String> {
    lost(v, None)
}

/// [`first_redacted_secret`] of an object's entries.
pub fn first_redacted_secret_in(map: &Map<String, Value>) -> Option<String> {
    map.iter().find_map(|(k, item)| {
        if is_sensitive_key(k) && item.as_str() == Some(REDACTED) {
            return Some(k.clone());
        }
        lost(item, Some(k))
    })
}

fn lost(v: &Value, key: Option<&str>) -> Option<String> {
    match v {
        Value::Object(map) => first_redacted_secret_in(map),
        Value::Array(items) => items.iter().find_map(|item| lost(item, key)),
        Value::String(s) if text::has_masked_credential(s) => key.map(str::to_owned),
        _ => None,
    }
}

/// Puts back, into a copy just read from storage, the secrets an older in-process copy of
/// the same workflow still holds: wherever storage has `***` under a sensitive key and the
/// old copy has a real value at the same place (same step, same tool), and wherever a
/// string of storage is the old copy's string with its credentials masked. Nothing else is
/// taken from the old copy.
pub fn restore_secrets(fresh: &mut super::Workflow, stale: &super::Workflow) {
    fn walk(fresh: &mut Value, stale: &Value) {
        match (fresh, stale) {
            (Value::Object(f), Value::Object(s)) => restore_map(f, s),
            (Value::Array(f), Value::Array(s)) => f.iter_mut().zip(s).for_each(|(a, b)| walk(a, b)),
            (Value::String(f), Value::String(s)) if f != s && mask_credentials(s) == f.as_str() => f.clone_from(s),
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
/// just the paths that lead to a sensitive key holding a real value or to a string with a
/// credential in it (array positions are
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
            Value::String(s) if matches!(mask_credentials(s), std::borrow::Cow::Owned(_)) => Some(v.clone()),
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
    fn keys_and_strings_are_masked_at_any_depth() {
        let v = json!({
            "a": {"password": {"nested": 1}, "b": [{"token": 5}, "curl -H 'Authorization: Bearer abc.def.ghi'"]},
            "client_secret": "x", "secret_name": "db-creds", "n": 1,
            "url": "https://admin:hunter22@vc.local/sdk",
        });
        assert_eq!(
            redact_value(&v),
            json!({
                "a": {"password": "***", "b": [{"token": "***"}, "curl -H 'Authorization: Bearer ***'"]},
                "client_secret": "***", "secret_name": "db-creds", "n": 1,
                "url": "https://admin:***@vc.local/sdk",
            })
        );
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
        let found = |v: Value| first_redacted_secret(&v);
        assert_eq!(found(json!({"x": "***"})), None);
        assert_eq!(found(json!({"a": [{"Password": "***"}]})), Some("Password".to_string()));
        assert_eq!(found(json!({"password": "real"})), None);
        // the wider key rule guards too
        assert_eq!(found(json!({"host": "vc", "dbPassword": "***"})), Some("dbPassword".to_string()));
        assert_eq!(found(json!({"AWS_SECRET_ACCESS_KEY": "***"})), Some("AWS_SECRET_ACCESS_KEY".to_string()));
        assert_eq!(found(json!({"secret_name": "***", "token_count": "***"})), None);
        // masked credentials inside strings, under any key, in lists too
        assert_eq!(found(json!({"header": "Authorization: Bearer ***"})), Some("header".to_string()));
        assert_eq!(found(json!({"h": ["x", "basic ***"]})), Some("h".to_string()));
        assert_eq!(found(json!({"dsn": "postgres://app:***@db/app"})), Some("dsn".to_string()));
        assert_eq!(found(json!({"header": "Authorization: Bearer abc.def.ghi"})), None);
        assert_eq!(found(json!({"note": "*** @ noon", "stars": "Bearer ****"})), None);
        assert_eq!(found(json!("Bearer ***")), None);
        // the dispatch guard refuses such a step after a restart
        let map = json!({"url": "https://u:***@h"}).as_object().cloned().unwrap();
        assert_eq!(first_redacted_secret_in(&map), Some("url".to_string()));
    }

    #[test]
    fn masked_strings_come_back_from_the_old_copy() {
        use crate::record::{load::workflow_from_value, Workflow};
        let wf: Workflow = workflow_from_value(json!({
            "id": "wf-2", "workflow_type": "t", "state": "pending", "created_at": "", "updated_at": "",
            "params": {"dsn": "postgres://app:hunter22@db/app", "note": "Bearer abc.def.ghi"},
            "steps": [{"index": 0, "action": "a", "skill": "aiops", "tool": "t0",
                       "params": {"headers": ["Accept: */*", "Authorization: Basic dXNlcjpwYXNzd29yZA=="],
                                  "dbPassword": "pw", "plain": "x"}}]
        }))
        .unwrap();
        let mut fresh = workflow_from_value(serde_json::from_str(&wf.to_db_json()).unwrap()).unwrap();
        assert_eq!(fresh.params["dsn"], "postgres://app:***@db/app");
        assert_eq!(first_redacted_secret_in(&fresh.steps[0].params), Some("headers".to_string()));
        let skeleton = secrets_only(&wf).expect("secrets found");
        assert_eq!(
            Value::Object(skeleton.steps[0].params.clone()),
            json!({"headers": [null, "Authorization: Basic dXNlcjpwYXNzd29yZA=="], "dbPassword": "pw"})
        );
        restore_secrets(&mut fresh, &skeleton);
        assert_eq!(fresh, wf);
        // a string that differs for another reason is not taken from the old copy
        let mut edited = workflow_from_value(serde_json::from_str(&wf.to_db_json()).unwrap()).unwrap();
        edited.params.insert("dsn".into(), Value::from("postgres://other:***@db/app"));
        restore_secrets(&mut edited, &wf);
        assert_eq!(edited.params["dsn"], "postgres://other:***@db/app");
    }
}
