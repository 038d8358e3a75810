//! Explicit, best-effort rollback (spec §2.8): successful steps are undone in reverse order
//! by their rollback tools. Nothing rolls back on its own.

use serde_json::{Map, Value};

use super::classify::{classify, Reported, Verdict};
use super::refs::resolve_params;
use super::text;
use super::tx::finish;
use super::tx::Tx;
use super::{Checkpoint, DispatchRequest, Mode, Options, Transition};
use crate::env::Env;
use crate::error::PilotError;
use crate::record::{first_redacted_secret_in, status, undo_entry, UndoEntry, UndoStatus, Workflow, WorkflowState};
use crate::safety::reversibility::{is_read_only, leaves_behind};

fn entry(step: i64, tool: &str, status: UndoStatus) -> Map<String, Value> {
    undo_entry(step, tool, status)
}

/// Starts a rollback. Agent mode finishes it in this call (an undo Pilot cannot dispatch is
/// a failed entry); host mode returns the first undo to dispatch.
pub fn rollback(wf: &mut Workflow, env: &Env, opts: &Options) -> Result<Transition, PilotError> {
    if matches!(
        wf.state,
        WorkflowState::Draft | WorkflowState::Completed | WorkflowState::RollingBack | WorkflowState::Cancelled
    ) {
        return Err(PilotError::RollbackBadState { id: wf.id.clone(), state: wf.state.as_str().into() });
    }
    let mut tx = Tx::new(wf, env);
    tx.wf.state = WorkflowState::RollingBack;
    tx.log("rollback_started", "");
    tx.changes.rollback_results = true;
    let mut results = Vec::new();
    for s in tx.wf.steps.iter().filter(|s| s.status_is(status::PARTIALLY_ROLLED_BACK)) {
        let mut e = entry(s.index, &s.rollback_tool, UndoStatus::Partial);
        e.insert("reason".into(), Value::from(text::EARLIER_PARTIAL_REASON));
        e.insert("left_behind".into(), Value::from(leaves_behind(s)));
        results.push(Value::Object(e));
    }
    tx.wf.rollback_results = results;
    let len = tx.wf.steps.len();
    let checkpoint = walk_down(&mut tx, opts, len);
    Ok(finish_rollback(tx, checkpoint))
}

fn finish_rollback(tx: Tx, checkpoint: Checkpoint) -> Transition {
    let error = match checkpoint {
        Checkpoint::RolledBack { incomplete: true } => {
            let broken: Vec<(i64, String, String)> = tx
                .wf
                .rollback_results
                .iter()
                .filter(|r| UndoEntry(r).status().leaves_doubt())
                .map(|r| {
                    (
                        r.get("step").and_then(Value::as_i64).unwrap_or(-1),
                        r.get("tool").map(crate::pyfmt::py_str).unwrap_or_default(),
                        r.get("status").map(crate::pyfmt::py_str).unwrap_or_default(),
                    )
                })
                .collect();
            Some(text::rollback_incomplete(&broken))
        }
        _ => None,
    };
    let mut t = finish(tx, checkpoint);
    t.error = error;
    t
}

fn push(tx: &mut Tx, e: Map<String, Value>) {
    tx.changes.rollback_results = true;
    tx.wf.rollback_results.push(Value::Object(e));
}

fn undo_failed(tx: &mut Tx, index: i64, rollback_tool: &str, message: String) {
    let mut e = entry(index, rollback_tool, UndoStatus::Failed);
    e.insert("error".into(), Value::from(message.clone()));
    push(tx, e);
    tx.log("rollback_failed", format!("Step {index}: {rollback_tool} → {message}"));
}

/// Undoes successful steps below position `below`, highest first, until an undo must be
/// dispatched or none is left.
fn walk_down(tx: &mut Tx, opts: &Options, below: usize) -> Checkpoint {
    let mut pos = below;
    while pos > 0 {
        pos -= 1;
        let step = &tx.wf.steps[pos];
        if !step.status_is(status::SUCCESS) {
            continue;
        }
        let (index, skill, tool, rb) = (step.index, step.skill.clone(), step.tool.clone(), step.rollback_tool.clone());
        if rb.is_empty() {
            // A gate records a decision and a catalog read changes nothing.
            if !step.is_gate() && !is_read_only(step) {
                let mut e = entry(index, &tool, UndoStatus::NotReversible);
                e.insert("reason".into(), Value::from(text::not_reversible_reason(&tool)));
                push(tx, e);
            }
            continue;
        }
        if opts.mode == Mode::Agent {
            undo_failed(tx, index, &rb, text::no_dispatch_failure(&skill, &rb));
            continue;
        }
        let params = match resolve_params(&step.rollback_params, &tx.wf.steps, index + 1) {
            Ok(p) => p,
            Err(e) => {
                undo_failed(tx, index, &rb, e.to_string());
                continue;
            }
        };
        if let Some(key) = first_redacted_secret_in(&params) {
            undo_failed(tx, index, &rb, PilotError::RedactedSecret { index, key }.to_string());
            continue;
        }
        // Write-ahead: the undo is in flight until its result is reported. Should the
        // process die now, the record shows the step running and this entry unknown.
        let group_id = step.group_id.clone();
        tx.step(pos).set_status(status::RUNNING);
        let mut e = entry(index, &rb, UndoStatus::InFlight);
        e.insert("error".into(), Value::from(text::UNDO_IN_FLIGHT));
        push(tx, e);
        return Checkpoint::Dispatch(vec![DispatchRequest { index, skill, tool: rb, params, group_id, undo: true }]);
    }
    tx.wf.state = WorkflowState::Failed;
    let incomplete = tx.wf.rollback_results.iter().any(|r| UndoEntry(r).status().leaves_doubt());
    if incomplete {
        tx.wf.blocked_reason = "rollback_failed".into();
    }
    tx.log("rollback_completed", "");
    Checkpoint::RolledBack { incomplete }
}

/// Whether the running step at `pos` is an undo in flight (not a forward dispatch).
pub(crate) fn undo_in_flight(wf: &Workflow, pos: usize) -> bool {
    wf.state == WorkflowState::RollingBack
        && wf
            .rollback_results
            .last()
            .map(UndoEntry)
            .is_some_and(|e| e.step() == Some(wf.steps[pos].index) && e.status() == UndoStatus::InFlight)
}

/// Records the result of an undo and continues the rollback.
pub(crate) fn report_undo(
    wf: &mut Workflow,
    env: &Env,
    pos: usize,
    reported: Reported,
    opts: &Options,
) -> Result<Transition, PilotError> {
    let mut tx = Tx::new(wf, env);
    tx.wf.rollback_results.pop();
    tx.changes.rollback_results = true;
    let (index, skill, rb) = {
        let s = &tx.wf.steps[pos];
        (s.index, s.skill.clone(), s.rollback_tool.clone())
    };
    match classify(&reported, &skill, &rb) {
        Verdict::Unknown { message, .. } => {
            tx.step(pos).set_status(status::INTERRUPTED);
            let mut e = entry(index, &rb, UndoStatus::Unknown);
            e.insert("error".into(), Value::from(message.clone()));
            push(&mut tx, e);
            tx.log("rollback_unknown", format!("Step {index}: {rb} → {message}"));
        }
        Verdict::Failed { message, .. } => {
            // still `success`: a later rollback tries this undo again
            tx.step(pos).set_status(status::SUCCESS);
            undo_failed(&mut tx, index, &rb, message);
        }
        Verdict::Success(result) => {
            let left = leaves_behind(&tx.wf.steps[pos]);
            let partial = !left.is_empty();
            tx.step(pos).set_status(if partial { status::PARTIALLY_ROLLED_BACK } else { status::ROLLED_BACK });
            let label = if partial { UndoStatus::Partial } else { UndoStatus::Success };
            let label_text = label.as_str().to_string();
            let mut e = entry(index, &rb, label);
            e.insert("result".into(), result);
            if partial {
                e.insert("left_behind".into(), Value::from(left));
            }
            push(&mut tx, e);
            tx.log("rollback_step", format!("Step {index}: {rb} → {label_text}"));
        }
    }
    let checkpoint = walk_down(&mut tx, opts, pos);
    Ok(finish_rollback(tx, checkpoint))
}
