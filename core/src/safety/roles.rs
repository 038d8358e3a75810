//! Separation of duties at approval (spec §3.6): a role's `approve` mode — `none`, `any`,
//! `others` — decides whether a caller may approve a workflow. The host supplies the
//! caller's role (vmware-policy does it in the Python wheel); the rule is here.

use crate::error::PilotError;
use crate::record::{Workflow, WorkflowState};

/// A role's approval mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApproveMode {
    None,
    Any,
    Others,
}

impl ApproveMode {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "none" => Some(ApproveMode::None),
            "any" => Some(ApproveMode::Any),
            "others" => Some(ApproveMode::Others),
            _ => None,
        }
    }
}

/// Why `caller` (with `role`, or no usable role) may not approve `wf`, or `None`. The
/// reason names the rule; hosts add how to get the approval done.
pub fn approval_refused(
    wf: &Workflow,
    caller: &str,
    role: Option<(&str, ApproveMode)>,
    role_name: &str,
) -> Option<String> {
    let Some((name, mode)) = role else {
        return Some(format!(
            "role '{role_name}' cannot be used on this server; an operator can run 'vmware-audit roles check' there to see why"
        ));
    };
    match mode {
        ApproveMode::Any => None,
        ApproveMode::None => Some(format!("role '{name}' may not approve workflows (approve: none)")),
        ApproveMode::Others => {
            if wf.created_by.is_empty() {
                Some(format!(
                    "role '{name}' may only approve workflows others created (approve: others), and this one \
                     was created before Pilot recorded creators, so that cannot be checked"
                ))
            } else if wf.created_by == caller {
                Some(format!("role '{name}' may not approve a workflow its own token created ({caller})"))
            } else if wf.authors.iter().any(|a| a == caller) {
                Some(format!(
                    "role '{name}' may not approve a workflow whose steps its own token wrote (a draft it \
                     edited or confirmed, or a template it saved) ({caller})"
                ))
            } else {
                None
            }
        }
    }
}

/// Separation of duties for hosts without named roles (the npm package's `approveMode`): may
/// `approver`, approving with `mode`, approve `wf`? Checked only where an approval could be
/// given: the engine's own refusals (not awaiting approval, no approver named) come first, as
/// they name the real problem.
pub fn check_approver(wf: &Workflow, approver: &str, mode: ApproveMode) -> Result<(), PilotError> {
    let approver = crate::pyfmt::py_strip(approver);
    if wf.state != WorkflowState::AwaitingApproval || approver.is_empty() {
        return Ok(());
    }
    // names are compared as people read them: "Ana" is ana
    let same = |who: &str| crate::pyfmt::py_strip(who).to_lowercase() == approver.to_lowercase();
    let reason = match mode {
        ApproveMode::Any => return Ok(()),
        ApproveMode::None => "this Pilot lets nobody approve (approveMode 'none'); approve it where approvals are \
                              allowed"
            .to_string(),
        ApproveMode::Others if wf.created_by.is_empty() => "separation of duties (approveMode 'others') needs to \
             know who created a workflow, and this one was created before Pilot recorded creators; approve it \
             where approveMode is 'any', after checking who planned it"
            .to_string(),
        ApproveMode::Others if same(&wf.created_by) => format!(
            "{approver} created it, and separation of duties (approveMode 'others') needs someone else's approval; \
             ask a person who neither created nor edited it"
        ),
        ApproveMode::Others if wf.authors.iter().any(|a| same(a)) => format!(
            "{approver} wrote some of its steps (a draft edited or confirmed, or a template saved), and separation \
             of duties (approveMode 'others') needs someone else's approval; ask a person who neither created nor \
             edited it"
        ),
        ApproveMode::Others => return Ok(()),
    };
    Err(PilotError::ApprovalRefused { id: wf.id.clone(), state: wf.state.as_str().into(), reason })
}

/// The sentence hosts append to a role refusal.
pub const APPROVAL_REFUSED_ADVICE: &str = "Ask someone whose role may approve (approve: any, or \
approve: others for a workflow they neither created nor edited) to approve it.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::new_custom_workflow;
    use crate::env::{Env, Timestamp};

    fn wf(created_by: &str, authors: &[&str]) -> Workflow {
        let env = Env::new(Timestamp::from_unix_micros(0), 1, created_by);
        let mut w = new_custom_workflow(&env, "t", "d", vec![]);
        w.authors = authors.iter().map(|a| a.to_string()).collect();
        w
    }

    #[test]
    fn approve_modes_truth_table() {
        let me = "token:alice";
        let cases: [(&str, &[&str], Option<ApproveMode>, bool); 9] = [
            ("token:bob", &[], Some(ApproveMode::Any), true),
            (me, &[], Some(ApproveMode::Any), true),
            ("token:bob", &[], Some(ApproveMode::None), false),
            ("token:bob", &[], Some(ApproveMode::Others), true),
            (me, &[], Some(ApproveMode::Others), false),
            ("token:bob", &[me], Some(ApproveMode::Others), false),
            ("", &[], Some(ApproveMode::Others), false),
            ("token:bob", &["token:carol"], Some(ApproveMode::Others), true),
            ("token:bob", &[], None, false),
        ];
        for (creator, authors, mode, allowed) in cases {
            let w = wf(creator, authors);
            let refused = approval_refused(&w, me, mode.map(|m| ("ops", m)), "ops");
            assert_eq!(refused.is_none(), allowed, "{creator} {authors:?} {mode:?}: {refused:?}");
        }
        let w = wf(me, &[]);
        let why = approval_refused(&w, me, Some(("ops", ApproveMode::Others)), "ops").unwrap();
        assert!(why.contains("role 'ops'") && why.contains("token:alice"), "{why}");
        assert_eq!(ApproveMode::parse("others"), Some(ApproveMode::Others));
        assert_eq!(ApproveMode::parse("sometimes"), None);
    }
}
