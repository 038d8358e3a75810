//! review_workflow, get_workflow_status, list_workflows helpers.

use serde_json::{json, Value};

use crate::record::{status, Workflow};

/// The not-found answer every tool gives.
pub fn not_found(id: &str) -> Value {
    json!({"error": format!("Workflow '{id}' not found")})
}

/// The status a page or an agent shows: the record as it stands (no outcome — the MCP tool
/// answers exactly that, as upstream), with what a reader would otherwise work out from the
/// steps: `pending_gate` (the index of the approval gate waiting for a decision, or null),
/// `shown_gate` (that gate, else the last one decided), `steps_done` (steps that ran or were
/// performed and acknowledged).
pub fn status_response(wf: &Workflow) -> Value {
    let Value::Object(mut m) = wf.to_value() else { return Value::Null };
    let gates = || wf.steps.iter().filter(|s| s.is_gate());
    let pending = gates().find(|s| s.status_is(status::PENDING)).map(|s| s.index);
    let shown = pending.or_else(|| gates().rfind(|s| !s.status_is(status::PENDING)).map(|s| s.index));
    let done = wf.steps.iter().filter(|s| s.status_is(status::SUCCESS) || s.status_is(status::REPORTED_DONE)).count();
    m.insert("pending_gate".into(), json!(pending));
    m.insert("shown_gate".into(), json!(shown));
    m.insert("steps_done".into(), json!(done));
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, Options, Reported};
    use crate::env::{Env, Timestamp};

    #[test]
    fn the_status_says_which_gate_is_pending_and_which_to_show() {
        let env = Env::new(Timestamp::from_unix_micros(1_800_000_000_000_000), 1, "agent");
        let gate =
            json!({"action": "require_approval", "skill": "pilot", "tool": "approve", "params": {"message": "?"}});
        let look = json!({"action": "look", "skill": "aiops", "tool": "get_vm_info", "params": {}});
        let specs = [look.clone(), gate.clone(), look, gate];
        let mut wf = engine::new_custom_workflow(&env, "t", "d", engine::steps_from_specs(&specs).unwrap());
        let s = status_response(&wf);
        assert_eq!(
            (s["pending_gate"].clone(), s["shown_gate"].clone(), s["steps_done"].clone()),
            (json!(1), json!(1), json!(0))
        );
        engine::run(&mut wf, &env, &Options::host()).unwrap();
        engine::report(&mut wf, &env, 0, Reported::Returned(json!({})), &Options::host()).unwrap();
        engine::approve(&mut wf, &env, "lead", false, &Options::host()).unwrap();
        engine::report(&mut wf, &env, 2, Reported::Returned(json!({})), &Options::host()).unwrap();
        let s = status_response(&wf);
        assert_eq!(
            (s["pending_gate"].clone(), s["shown_gate"].clone(), s["steps_done"].clone()),
            (json!(3), json!(3), json!(3))
        );
        engine::cancel(&mut wf, &env, "no").unwrap();
        let s = status_response(&wf);
        assert_eq!(
            (s["pending_gate"].clone(), s["shown_gate"].clone()),
            (Value::Null, json!(3)),
            "the gate rejected last"
        );
        assert_eq!(s["id"], json!(wf.id), "the record itself is all there");
    }
}
