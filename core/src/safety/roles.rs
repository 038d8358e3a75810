//! Separation of duties at approval (spec §3.6): a role's `approve` mode — `none`, `any`,
//! `others` — decides whether a caller may approve a workflow. The host supplies the
//! caller's role (vmware-policy does it in the Python wheel); the rule is here.

use crate::record::Workflow;

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
        ApproveMode::None => Some(format!(
            "role '{name}' may not approve workflows (approve: none)"
        )),
        ApproveMode::Others => {
            if wf.created_by.is_empty() {
                Some(format!(
                    "role '{name}' may only approve workflows others created (approve: others), and this one \
                     was created before Pilot recorded creators, so that cannot be checked"
                ))
            } else if wf.created_by == caller {
                Some(format!(
                    "role '{name}' may not approve a workflow its own token created ({caller})"
                ))
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

/// The sentence hosts append to a role refusal.
pub const APPROVAL_REFUSED_ADVICE: &str = "Ask someone whose role may approve (approve: any, or \
approve: others for a workflow they neither created nor edited) to approve it.";
