//! create_workflow_from_template, run_workflow, approve, rollback, cancel_workflow.

use serde_json::{json, Map, Value};

use crate::env::Env;
use crate::pyfmt::py_repr_str;
use crate::record::{Workflow, WorkflowState};
use crate::safety::blast::{cancel_blast_radius, rollback_blast_radius};
use crate::safety::gate::{gate_refusal, gate_violations, is_custom_workflow, RefusalText, GATE_FINDING_KINDS};
use crate::safety::review::review;

/// `create_workflow_from_template`'s answer.
pub fn template_created_response(wf: &Workflow) -> Value {
    json!({
        "workflow_id": wf.id,
        "workflow_type": wf.workflow_type,
        "state": wf.state.as_str(),
        "steps": super::authoring::steps_summary(wf),
        "params": wf.params,
        "message": format!("Workflow created and saved. Call run_workflow('{}') to run it.", wf.id),
    })
}

/// The answer when the params do not bind to the template's parameters.
pub fn bind_error_response(workflow_type: &str, message: &str, signature: &str) -> Value {
    json!({
        "error": format!("create_workflow_from_template('{workflow_type}'): {message}."),
        "hint": format!(
            "{workflow_type} takes {signature}. Add the missing params or fix the misspelt ones, then call \
             create_workflow_from_template again."
        ),
    })
}

/// The hint that goes with any other template error.
pub fn template_error_hint() -> &'static str {
    "Check workflow_type and params; list_workflows() shows every template."
}

/// What `run_workflow` decided before running.
#[derive(Debug, Clone, PartialEq)]
pub enum RunCheck {
    /// Refused, with upstream's answer; the record is unchanged.
    Refused(Value),
    /// Run it. `forced`: the caller's `force=True` overrode blocking findings of a built-in
    /// template, and the record now says so in its audit log (save it).
    Go { forced: bool },
}

/// `run_workflow`'s checks, in upstream's order: a cancelled workflow is terminal; only a
/// pending (or crashed, running) workflow runs; a custom workflow's missing approval gate is
/// refused even with `force`; a built-in template's blocking review findings are refused
/// unless `force`, which is written to the audit log.
pub fn run_check(wf: &mut Workflow, force: bool, env: &Env) -> RunCheck {
    if let Some(refusal) = unknown_status_refusal(wf, "run") {
        return RunCheck::Refused(refusal);
    }
    let id = wf.id.clone();
    match wf.state {
        WorkflowState::Cancelled => {
            return RunCheck::Refused(json!({
                "error": format!(
                    "Workflow '{id}' is CANCELLED and cannot be run: its approval was rejected or it was \
                     cancelled, and a cancelled workflow is terminal. Create a new plan instead."
                ),
                "state": "cancelled",
            }))
        }
        WorkflowState::Pending | WorkflowState::Running => {}
        other => return RunCheck::Refused(json!({"error": format!("Workflow '{id}' cannot be run (state: {other})")})),
    }
    let report = review(wf);
    let findings: Vec<Value> = report["findings"].as_array().cloned().unwrap_or_default();
    let kind_of = |f: &Value| f["kind"].as_str().unwrap_or_default().to_string();
    let gate_findings: Vec<Value> =
        findings.iter().filter(|f| GATE_FINDING_KINDS.contains(&kind_of(f).as_str())).cloned().collect();
    if is_custom_workflow(wf) {
        let violations = gate_violations(wf);
        if !violations.is_empty() {
            let text = RefusalText {
                verb: "run",
                retry: "cancel_workflow this one and create_workflow the corrected steps (a confirmed workflow's \
                        steps are frozen)",
                extra: "force=True does not override this for a custom workflow: the approval gate is itself the \
                        human consent force would stand in for.",
                ..Default::default()
            };
            let Value::Object(mut payload) = gate_refusal(&wf.workflow_type, &violations, &text) else {
                return RunCheck::Refused(Value::Null);
            };
            let k = violations[0].step_index;
            payload.insert("blocking_findings".into(), Value::Array(gate_findings));
            payload.insert(
                "hint".into(),
                Value::from(format!(
                    "Add a require_approval step (skill 'pilot', tool 'approve') before step {k}; force=True \
                     cannot stand in for it on a custom workflow."
                )),
            );
            return RunCheck::Refused(Value::Object(payload));
        }
    }
    let blocking: Vec<Value> = findings
        .into_iter()
        .filter(|f| {
            matches!(
                kind_of(f).as_str(),
                "ungated_destructive" | "ungated_unclassified" | "destructive_in_parallel_group"
            )
        })
        .collect();
    if blocking.is_empty() {
        return RunCheck::Go { forced: false };
    }
    if !force {
        return RunCheck::Refused(json!({
            "error": format!(
                "Refusing to run workflow '{id}': review found {} blocking safety finding(s) — destructive or \
                 unclassifiable steps with no require_approval gate before them, or destructive steps inside a \
                 parallel group.",
                blocking.len()
            ),
            "blocking_findings": blocking,
            "hint": "Fix the workflow — put a require_approval step before the destructive operations, or take \
                     them out of the parallel group — with update_draft or create_workflow; or run again with \
                     force=True once a human has explicitly agreed (a forced run is audited in the workflow's log).",
        }));
    }
    let listed: Vec<String> =
        blocking.iter().map(|f| format!("{}@step{}", kind_of(f), f["step_index"].as_i64().unwrap_or(-1))).collect();
    wf.log(
        env,
        "forced_run",
        format!("force=True bypassed {} blocking review finding(s): {}", blocking.len(), listed.join(", ")),
    );
    RunCheck::Go { forced: true }
}

/// The refusal for running or approving a record with a step status Pilot does not know (a
/// damaged or hand-edited row), or `None`. Run and approve pass steps over by status, so such
/// a step would be skipped silently; rollback and cancel refuse it through their blast
/// radius. Ours: vmware-pilot 2.4.0 runs on past it.
pub fn unknown_status_refusal(wf: &Workflow, verb: &str) -> Option<Value> {
    let odd: Vec<String> = wf
        .steps
        .iter()
        .filter(|s| !s.is_known_status())
        .take(8)
        .map(|s| {
            let shown: String = crate::pyfmt::py_repr(&s.status).chars().take(42).collect();
            format!("step {} ({shown})", s.index)
        })
        .collect();
    if odd.is_empty() {
        return None;
    }
    Some(json!({
        "error": format!(
            "Refusing to {verb} workflow '{}': {} — a step status Pilot does not know, so the record is damaged \
             and Pilot cannot tell what ran. Nothing was changed. get_workflow_status shows the record; create a \
             new workflow for what is left.",
            wf.id,
            odd.join(", ")
        ),
        "workflow_id": wf.id,
        "state": wf.state.as_str(),
    }))
}

/// Over a network transport the approver is the authenticated caller: another name is
/// refused. Without a caller (stdio) the given name stands.
pub fn approver_for_caller(approver: &str, caller: Option<&str>) -> Result<String, Value> {
    let Some(caller) = caller else { return Ok(approver.to_string()) };
    if !approver.is_empty() && approver != caller {
        return Err(json!({
            "error": format!(
                "approver {} is not the authenticated caller {}; over a network transport an approval is \
                 always recorded as the caller.",
                py_repr_str(approver),
                py_repr_str(caller)
            ),
            "hint": "Call approve again without 'approver', or have that person approve with their own token.",
        }));
    }
    Ok(caller.to_string())
}

fn preview(id: &str, radius: Value, hint: &str) -> Value {
    json!({"action": "preview", "workflow_id": id, "blast_radius": radius, "hint": hint})
}

/// `rollback` without `confirm`: the blast radius, nothing changed.
pub fn rollback_preview(wf: &Workflow, acknowledge_unknown_effects: bool) -> Value {
    preview(
        &wf.id,
        rollback_blast_radius(wf, acknowledge_unknown_effects),
        "Nothing was rolled back. Show blast_radius to the user; to roll back, call again with confirm=True \
         once they have explicitly decided.",
    )
}

/// `cancel_workflow` without `confirm`: the blast radius, nothing changed.
pub fn cancel_preview(wf: &Workflow, acknowledge_unknown_effects: bool) -> Value {
    preview(
        &wf.id,
        cancel_blast_radius(wf, acknowledge_unknown_effects),
        "Nothing was cancelled. Show blast_radius to the user (left_in_place stays applied — rollback reverses \
         what can be reversed); to cancel, call again with confirm=True once they have explicitly decided.",
    )
}

fn with(result: Value, extra: &[(&str, Value)]) -> Value {
    let mut m = match result {
        Value::Object(m) => m,
        other => {
            let mut m = Map::new();
            m.insert("result".into(), other);
            m
        }
    };
    for (k, v) in extra {
        m.insert((*k).into(), v.clone());
    }
    Value::Object(m)
}

/// `rollback` with `confirm`: the engine's result, labelled, with the radius measured before.
pub fn rollback_result(result: Value, radius: Value) -> Value {
    if result.get("error").is_some() && result.get("rollback_results").is_none() {
        return with(result, &[("blast_radius", radius)]);
    }
    let action = if result.get("outcome").and_then(Value::as_str) == Some("failed") {
        "rollback_incomplete"
    } else {
        "rolled_back"
    };
    with(result, &[("action", Value::from(action)), ("blast_radius", radius)])
}

/// `cancel_workflow` with `confirm`: the engine's result, labelled, with the radius.
pub fn cancel_result(result: Value, radius: Value) -> Value {
    if result.get("error").is_some() {
        return with(result, &[("blast_radius", radius)]);
    }
    with(result, &[("action", Value::from("cancelled")), ("blast_radius", radius)])
}
