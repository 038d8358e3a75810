//! Approving a gate (spec §2.6), then running on to the next checkpoint.

use serde_json::{Map, Value};

use super::run::{dispatch_refusal, run_in, settle};
use super::text;
use super::tx::finish;
use super::tx::Tx;
use super::{Checkpoint, Options, Transition};
use crate::env::Env;
use crate::error::PilotError;
use crate::record::{status, Workflow, WorkflowState};

/// Approves the pending gate as `approver` and continues the run.
///
/// Steps before the gate that were handed out and never executed (agent mode) are refused
/// unless `acknowledge_not_executed`: then they become `reported_done` — performed by the
/// caller, not by Pilot — and are never handed out again. Every refusal happens before the
/// record changes.
pub fn approve(
    wf: &mut Workflow,
    env: &Env,
    approver: &str,
    acknowledge_not_executed: bool,
    opts: &Options,
) -> Result<Transition, PilotError> {
    let mut tx = record_approval(wf, env, approver, acknowledge_not_executed, opts)?;
    // The record is still awaiting_approval, a legal start state: run on from here. The
    // handed-out steps are reported_done by now, so the dispatcher check passes them.
    let ran = run_in(&mut tx, opts, false)?;
    Ok(settle(tx, ran))
}

/// Approves the pending gate and stops there (checkpoint [`Checkpoint::Approved`]): the
/// workflow goes back to `pending` with the gate approved, and whoever performs the steps
/// continues it with [`super::run`]. For approvals given apart from the process that runs
/// the workflow (an approval page): nothing is dispatched or handed out by the approver.
pub fn approve_and_hold(
    wf: &mut Workflow,
    env: &Env,
    approver: &str,
    acknowledge_not_executed: bool,
) -> Result<Transition, PilotError> {
    let mut tx = record_approval(wf, env, approver, acknowledge_not_executed, &Options::agent())?;
    tx.wf.state = WorkflowState::Pending;
    tx.log("approval_recorded", "Approved; waiting for the next run to continue".to_string());
    Ok(finish(tx, Checkpoint::Approved))
}

/// The approval itself, checked and written: every refusal comes before any change.
fn record_approval<'a>(
    wf: &'a mut Workflow,
    env: &'a Env,
    approver: &str,
    acknowledge_not_executed: bool,
    opts: &Options,
) -> Result<Tx<'a>, PilotError> {
    let (id, state) = (wf.id.clone(), wf.state.as_str().to_string());
    if wf.state != WorkflowState::AwaitingApproval {
        return Err(PilotError::NotAwaitingApproval { id, state });
    }
    let approver = crate::pyfmt::py_strip(approver);
    if approver.is_empty() {
        return Err(PilotError::ApproverRequired { id, state });
    }
    let gate = wf.steps.iter().position(|s| s.is_gate() && s.status_is(status::PENDING));
    let unrun: Vec<usize> = match gate {
        None => Vec::new(),
        Some(g) => {
            let gate_index = wf.steps[g].index;
            (0..wf.steps.len())
                .filter(|&p| wf.steps[p].index < gate_index && wf.steps[p].status_is(status::NOT_EXECUTED))
                .collect()
        }
    };
    if !unrun.is_empty() && !acknowledge_not_executed {
        let steps = unrun.iter().map(|&p| wf.steps[p].step_ref()).collect();
        return Err(PilotError::UnrunBeforeGate { id, state, steps });
    }
    if opts.has_dispatcher() {
        if let Some(refusal) = dispatch_refusal(wf, opts, &unrun, gate) {
            return Err(refusal);
        }
    }

    let mut tx = Tx::new(wf, env);
    tx.wf.approved_by = approver.to_string();
    tx.log("approved", format!("Approved by {approver}"));
    let acknowledged: Vec<i64> = unrun.iter().map(|&p| tx.wf.steps[p].index).collect();
    for &p in &unrun {
        let s = tx.step(p);
        s.set_status(status::REPORTED_DONE);
        let mut reason = Map::new();
        reason.insert("reason".into(), Value::from(text::reported_done_reason(approver)));
        s.result = Value::Object(reason);
    }
    if !unrun.is_empty() {
        let listed: Vec<String> = acknowledged.iter().map(i64::to_string).collect();
        tx.log(
            "approved_over_unexecuted_steps",
            format!("{approver} acknowledged steps [{}] as performed outside Pilot", listed.join(", ")),
        );
    }
    if let Some(g) = gate {
        let now = tx.now();
        let s = tx.step(g);
        s.set_status(status::SUCCESS);
        let mut result = Map::new();
        result.insert("approved_by".into(), Value::from(approver));
        if !acknowledged.is_empty() {
            result.insert("acknowledged_not_executed".into(), Value::from(acknowledged));
        }
        s.result = Value::Object(result);
        s.completed_at = now;
    }
    Ok(tx)
}
