//! approve and reject: who may decide at a gate, then the decision.

use serde_json::{json, Value};

use super::undo::cancel_result;
use super::{load_existing, Act, Host};
use crate::env::Env;
use crate::error::PilotError;
use crate::pyfmt::py_repr_str;
use crate::record::WorkflowState;
use crate::safety::roles::{approval_refused, check_approver, ApproveMode};

/// Which separation-of-duties rule an approval is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApproverCheck<'a> {
    /// None (the Python server on stdio without vmware-policy roles, as upstream).
    Unchecked,
    /// A host's own mode (the npm package's `approveMode`).
    Mode(ApproveMode),
    /// vmware-policy roles: the caller's role and its approve mode, or `None` when the role
    /// cannot be used; `role_name` names it in the refusal.
    Role { role: Option<(&'a str, ApproveMode)>, role_name: &'a str },
}

/// An approval as a tool receives it.
#[derive(Debug, Clone, Copy)]
pub struct ApproveArgs<'a> {
    /// The name given by the caller ("" when none).
    pub approver: &'a str,
    /// The authenticated caller over a network transport, or `None` (stdio, a library call).
    pub caller: Option<&'a str>,
    pub check: ApproverCheck<'a>,
    pub acknowledge_not_executed: bool,
    /// Record the approval and stop (checkpoint `approved`), for an approver apart from the
    /// process that performs the steps.
    pub hold: bool,
}

/// approve: refused for a damaged record, a name other than the authenticated caller, or an
/// approver the separation-of-duties rule refuses ([`PilotError::ApprovalRefused`]); else the
/// host approves (and runs on, unless `hold`).
pub fn approve<H: Host>(host: &mut H, id: &str, a: ApproveArgs<'_>, env: &Env) -> Result<Value, PilotError> {
    // an embedder's stand-in object is approved unchecked, as upstream does, unless a rule
    // needs the record: then it is refused as unreadable
    let wf = match host.load(id)? {
        Some(wf) => Some(wf),
        None if host.stand_in() && a.check == ApproverCheck::Unchecked => None,
        None => return Err(super::missing(host, id)),
    };
    if let Some(payload) = wf.as_ref().and_then(|wf| super::unknown_status_refusal(wf, "approve")) {
        return Err(PilotError::RecordDamaged { payload });
    }
    let approver = approver_for_caller(a.approver, a.caller)?;
    if let Some(wf) = &wf {
        match a.check {
            ApproverCheck::Unchecked => {}
            ApproverCheck::Mode(mode) => check_approver(wf, &approver, mode)?,
            ApproverCheck::Role { role, role_name } => {
                if let Some(reason) = approval_refused(wf, &approver, role, role_name) {
                    let state = wf.state.as_str().into();
                    return Err(PilotError::ApprovalRefused { id: wf.id.clone(), state, reason });
                }
            }
        }
    }
    let act = Act::Approve { approver, acknowledge_not_executed: a.acknowledge_not_executed, hold: a.hold };
    host.act(wf, act, env)
}

/// Over a network transport the approver is the authenticated caller: another name is
/// refused. Without a caller the given name stands.
pub fn approver_for_caller(approver: &str, caller: Option<&str>) -> Result<String, PilotError> {
    let Some(caller) = caller else { return Ok(approver.to_string()) };
    if !approver.is_empty() && approver != caller {
        return Err(PilotError::ApproverNotCaller {
            payload: json!({
                "error": format!(
                    "approver {} is not the authenticated caller {}; over a network transport an approval is \
                     always recorded as the caller.",
                    py_repr_str(approver),
                    py_repr_str(caller)
                ),
                "hint": "Call approve again without 'approver', or have that person approve with their own token.",
            }),
        });
    }
    Ok(caller.to_string())
}

/// Rejects the pending gate: the workflow is cancelled, the audit log naming `rejecter` and
/// `reason`. Only a workflow awaiting approval can be rejected, and a rejecter must be named.
/// Never refused by the blast radius (stopping at a gate performs nothing); the radius in the
/// answer says what earlier steps left in place.
pub fn reject<H: Host>(host: &mut H, id: &str, rejecter: &str, reason: &str, env: &Env) -> Result<Value, PilotError> {
    let wf = load_existing(host, id)?;
    let state = wf.state.as_str().to_string();
    if wf.state != WorkflowState::AwaitingApproval {
        return Err(PilotError::NotAwaitingApproval { id: id.into(), state });
    }
    let rejecter = crate::pyfmt::py_strip(rejecter);
    if rejecter.is_empty() {
        return Err(PilotError::ApproverRequired { id: id.into(), state });
    }
    let radius = crate::safety::blast::cancel_blast_radius(&wf, true).to_value();
    let why = if reason.trim().is_empty() {
        format!("approval rejected by {rejecter}")
    } else {
        format!("approval rejected by {rejecter}: {reason}")
    };
    let answer = host.act(Some(wf), Act::Cancel { reason: why }, env)?;
    Ok(cancel_result(answer, radius))
}
