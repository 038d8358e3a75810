//! Cancelling a workflow (spec §2.9): terminal, nothing runs afterwards, nothing is undone.

use super::tx::finish;
use super::tx::Tx;
use super::{Checkpoint, Transition};
use crate::env::Env;
use crate::error::PilotError;
use crate::record::{status, Workflow, WorkflowState};

/// Moves a non-terminal workflow to `cancelled`. Pending steps (gates too) are skipped;
/// steps handed out (`not_executed`) keep that status, since the caller may have performed
/// them.
pub fn cancel(wf: &mut Workflow, env: &Env, reason: &str) -> Result<Transition, PilotError> {
    if wf.state.is_terminal() {
        return Err(PilotError::CancelTerminal { id: wf.id.clone(), state: wf.state.as_str().into() });
    }
    let reason = crate::pyfmt::py_strip(reason);
    let mut tx = Tx::new(wf, env);
    tx.wf.state = WorkflowState::Cancelled;
    tx.wf.blocked_reason = if reason.is_empty() { "cancelled".into() } else { reason.into() };
    tx.log("cancelled", if reason.is_empty() { "no reason given" } else { reason });
    for p in 0..tx.wf.steps.len() {
        if tx.wf.steps[p].status_is(status::PENDING) {
            tx.step(p).set_status(status::SKIPPED);
        }
    }
    Ok(finish(tx, Checkpoint::Cancelled))
}
