//! run_workflow: its checks, in upstream's order, then the run.

use serde_json::{json, Value};

use super::{load_existing, Act, Host};
use crate::env::Env;
use crate::error::PilotError;
use crate::record::{Changes, Workflow, WorkflowState};
use crate::safety::gate::{gate_refusal, gate_violations, is_custom_workflow, RefusalText};
use crate::safety::review::review_findings;

/// run_workflow: refused as [`run_check`] says, else run by the host. A forced run's audit
/// entry is saved before the run starts.
pub fn run<H: Host>(host: &mut H, id: &str, force: bool, env: &Env) -> Result<Value, PilotError> {
    let mut wf = load_existing(host, id)?;
    let audit_before = wf.audit_log.len();
    if run_check(&mut wf, force, env)? {
        host.save(&wf, &Changes::since(audit_before))?;
    }
    host.act(Some(wf), Act::Run, env)
}

/// `run_workflow`'s checks: a damaged record is refused; a cancelled workflow is terminal;
/// only a pending (or crashed, running) workflow runs; a custom workflow's missing approval
/// gate is refused even with `force`; a built-in template's blocking review findings are
/// refused unless `force`. `Ok(true)`: forced past findings, and the record's audit log now
/// says so (store it).
pub fn run_check(wf: &mut Workflow, force: bool, env: &Env) -> Result<bool, PilotError> {
    if let Some(payload) = unknown_status_refusal(wf, "run") {
        return Err(PilotError::RecordDamaged { payload });
    }
    let (id, state) = (wf.id.clone(), wf.state.as_str().to_string());
    match wf.state {
        WorkflowState::Cancelled => return Err(PilotError::RunCancelled { id, state }),
        WorkflowState::Pending | WorkflowState::Running => {}
        _ => return Err(PilotError::RunBadState { id, state }),
    }
    let findings = review_findings(wf);
    if is_custom_workflow(wf) {
        let violations = gate_violations(wf);
        if let Some(first) = violations.first() {
            let text = RefusalText {
                verb: "run",
                retry: "cancel_workflow this one and create_workflow the corrected steps (a confirmed workflow's \
                        steps are frozen)",
                extra: "force=True does not override this for a custom workflow: the approval gate is itself the \
                        human consent force would stand in for.",
                ..Default::default()
            };
            let mut payload = gate_refusal(&wf.workflow_type, &violations, &text);
            if let Value::Object(m) = &mut payload {
                let gate: Vec<Value> =
                    findings.iter().filter(|f| f.kind.is_gate_kind()).map(|f| f.to_value()).collect();
                m.insert("blocking_findings".into(), Value::Array(gate));
                m.insert(
                    "hint".into(),
                    Value::from(format!(
                        "Add a require_approval step (skill 'pilot', tool 'approve') before step {}; force=True \
                         cannot stand in for it on a custom workflow.",
                        first.step_index
                    )),
                );
            }
            return Err(PilotError::GateMissing { payload });
        }
    }
    let blocking: Vec<_> = findings.iter().filter(|f| f.kind.blocks_run()).collect();
    if blocking.is_empty() {
        return Ok(false);
    }
    if !force {
        return Err(PilotError::ReviewBlocked {
            payload: json!({
                "error": format!(
                    "Refusing to run workflow '{id}': review found {} blocking safety finding(s) — destructive or \
                     unclassifiable steps with no require_approval gate before them, or destructive steps inside \
                     a parallel group.",
                    blocking.len()
                ),
                "blocking_findings": blocking.iter().map(|f| f.to_value()).collect::<Vec<_>>(),
                "hint": "Fix the workflow — put a require_approval step before the destructive operations, or \
                         take them out of the parallel group — with update_draft or create_workflow; or run again \
                         with force=True once a human has explicitly agreed (a forced run is audited in the \
                         workflow's log).",
            }),
        });
    }
    let listed: Vec<String> = blocking.iter().map(|f| format!("{}@step{}", f.kind.as_str(), f.step_index)).collect();
    wf.log(
        env,
        "forced_run",
        format!("force=True bypassed {} blocking review finding(s): {}", blocking.len(), listed.join(", ")),
    );
    Ok(true)
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
            let shown: String = crate::pyfmt::py_repr(&s.status.to_value()).chars().take(42).collect();
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
