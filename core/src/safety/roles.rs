//! Separation of duties at approval (spec §3.6): a role's `approve` mode — `none`, `any`,
//! `others` — decides whether a caller may approve a workflow. The host supplies the
//! caller's role (vmware-policy does it in the Python wheel); the rule is here.

use crate::error::PilotError;
use crate::record::{Workflow, WorkflowState};
use crate::safety::identity::{identity_key, same_identity, IdentityRefusal};

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

/// How a name on the workflow (its creator, an author) that is not another person's compares
/// with the approver's.
enum Seen {
    /// The approver, spelt some other way ("Alice", "ａｌｉｃｅ").
    Same,
    /// A name that reads like the approver's ("b0b" for "bob").
    LookAlike,
    /// A name that cannot be compared: hidden characters, mixed scripts.
    Unreadable(IdentityRefusal),
}

/// Compares `name` from the workflow with the approver, whose key is `key`, by the one identity
/// rule of [`crate::safety::identity`]; `None` for another person.
fn seen(name: &str, approver: &str, key: &str) -> Option<Seen> {
    match identity_key(name) {
        Err(why) => Some(Seen::Unreadable(why)),
        Ok(k) if k == key => Some(Seen::Same),
        Ok(_) if same_identity(name, approver) => Some(Seen::LookAlike),
        Ok(_) => None,
    }
}

/// The first of the workflow's creator (`true`) and authors that is not another person.
fn first_seen<'w>(wf: &'w Workflow, approver: &str, key: &str) -> Option<(&'w str, bool, Seen)> {
    let creator = std::iter::once((wf.created_by.as_str(), true));
    let authors = wf.authors.iter().map(|a| (a.as_str(), false));
    creator.chain(authors).find_map(|(name, is_creator)| Some((name, is_creator, seen(name, approver, key)?)))
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
    if mode == ApproveMode::None {
        return Some(format!("role '{name}' may not approve workflows (approve: none)"));
    }
    // an approval is recorded under this name, so even 'any' wants one without hidden tricks
    let key = match identity_key(caller) {
        Ok(key) => key,
        Err(why) => return Some(format!("the approver name {caller:?} cannot be checked: {why}")),
    };
    if mode == ApproveMode::Any {
        return None;
    }
    if wf.created_by.is_empty() {
        return Some(format!(
            "role '{name}' may only approve workflows others created (approve: others), and this one \
             was created before Pilot recorded creators, so that cannot be checked"
        ));
    }
    let (who, is_creator, seen) = first_seen(wf, caller, &key)?;
    Some(match (seen, is_creator) {
        (Seen::Same, true) => format!("role '{name}' may not approve a workflow its own token created ({caller})"),
        (Seen::Same, false) => format!(
            "role '{name}' may not approve a workflow whose steps its own token wrote (a draft it \
             edited or confirmed, or a template it saved) ({caller})"
        ),
        (Seen::LookAlike, true) => format!(
            "role '{name}' may not approve a workflow created by a name that reads like its own token's \
             ({who} looks like {caller})"
        ),
        (Seen::LookAlike, false) => format!(
            "role '{name}' may not approve a workflow whose steps were written by a name that reads like its \
             own token's ({who} looks like {caller})"
        ),
        (Seen::Unreadable(why), _) => format!(
            "role '{name}' may only approve workflows others created or edited (approve: others), and the \
             name {who:?} recorded on this one cannot be compared: {}",
            why.why()
        ),
    })
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
    let refuse = |reason: String| {
        Err(PilotError::ApprovalRefused { id: wf.id.clone(), state: wf.state.as_str().into(), reason })
    };
    if mode == ApproveMode::None {
        return refuse(
            "this Pilot lets nobody approve (approveMode 'none'); approve it where approvals are allowed".into(),
        );
    }
    // names are compared as people read them ("Ana" is ana), by the rule in `safety::identity`; the
    // approval is recorded under this name, so even 'any' wants one without hidden tricks
    let key = match identity_key(approver) {
        Ok(key) => key,
        Err(why) => return refuse(format!("the approver name {approver:?} cannot be checked: {why}")),
    };
    if mode == ApproveMode::Any {
        return Ok(());
    }
    if wf.created_by.is_empty() {
        return refuse(
            "separation of duties (approveMode 'others') needs to know who created a workflow, and this one was \
             created before Pilot recorded creators; approve it where approveMode is 'any', after checking who \
             planned it"
                .into(),
        );
    }
    let Some((who, is_creator, seen)) = first_seen(wf, approver, &key) else {
        return Ok(());
    };
    // "alice" for the same name, "alice (a look-alike of a1ice)" for a name that reads like it
    let named = |who: &str, look_alike: bool| {
        if look_alike {
            format!("{who} (a look-alike of {approver})")
        } else {
            approver.to_string()
        }
    };
    refuse(match (seen, is_creator) {
        (Seen::Unreadable(why), _) => format!(
            "separation of duties (approveMode 'others') needs to compare the approver with the people who \
             created and edited a workflow, and the name {who:?} recorded on this one cannot be compared: {}; \
             approve it where approveMode is 'any', after checking who planned it",
            why.why()
        ),
        (seen, true) => format!(
            "{} created it, and separation of duties (approveMode 'others') needs someone else's approval; \
             ask a person who neither created nor edited it",
            named(who, matches!(seen, Seen::LookAlike))
        ),
        (seen, false) => format!(
            "{} wrote some of its steps (a draft edited or confirmed, or a template saved), and separation \
             of duties (approveMode 'others') needs someone else's approval; ask a person who neither created nor \
             edited it",
            named(who, matches!(seen, Seen::LookAlike))
        ),
    })
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

    /// Awaiting approval, as `check_approver` needs.
    fn awaiting(created_by: &str, authors: &[&str]) -> Workflow {
        let mut w = wf(created_by, authors);
        w.state = WorkflowState::AwaitingApproval;
        w
    }

    fn refusal(w: &Workflow, approver: &str, mode: ApproveMode) -> Option<String> {
        match check_approver(w, approver, mode) {
            Ok(()) => None,
            Err(PilotError::ApprovalRefused { reason, .. }) => Some(reason),
            Err(other) => panic!("{other:?}"),
        }
    }

    /// (creator, spellings of the creator that must not approve)
    const SAME_PERSON: [(&str, &[&str]); 3] = [
        ("alice", &["alice", "alice\u{200b}", "\u{430}lice", "ａｌｉｃｅ", " Alice ", "ALICE", "\u{202e}alice"]),
        ("jos\u{e9}", &["jose\u{301}", "JOSÉ"]),
        ("strau\u{df}", &["STRAUSS", "Strauss"]),
    ];

    #[test]
    fn creators_cannot_approve_under_another_spelling() {
        for (creator, spellings) in SAME_PERSON {
            let w = awaiting(creator, &[]);
            for approver in spellings {
                let why = refusal(&w, approver, ApproveMode::Others);
                assert!(why.is_some(), "{creator:?} approved as {approver:?}");
            }
            assert_eq!(refusal(&w, "bob", ApproveMode::Others), None, "{creator:?}");
            // the same spellings as authors
            let w = awaiting("carol", &["dave", creator]);
            for approver in spellings {
                assert!(refusal(&w, approver, ApproveMode::Others).is_some(), "{creator:?} as {approver:?}");
            }
            assert_eq!(refusal(&w, "bob", ApproveMode::Others), None);
        }
        let w = awaiting("alice", &[]);
        let why = refusal(&w, " Alice ", ApproveMode::Others).unwrap();
        assert!(why.starts_with("Alice created it"), "{why}");
        let why = refusal(&awaiting("carol", &["ALICE"]), "alice", ApproveMode::Others).unwrap();
        assert!(why.starts_with("alice wrote some of its steps"), "{why}");
    }

    #[test]
    fn approver_names_with_hidden_characters_are_refused_in_every_mode() {
        let w = awaiting("carol", &[]);
        for mode in [ApproveMode::Any, ApproveMode::Others] {
            let why = refusal(&w, "bob\u{200b}", mode).unwrap();
            assert!(why.starts_with("the approver name \"bob\\u{200b}\" cannot be checked"), "{why}");
            assert!(why.contains("U+200B ZERO WIDTH SPACE"), "{why}");
            let why = refusal(&w, "b\u{3bf}b", mode).unwrap();
            assert!(why.contains("mixes Latin and Greek"), "{why}");
            assert_eq!(refusal(&w, "bob", mode), None);
        }
        assert!(refusal(&w, "bob\u{200b}", ApproveMode::None).unwrap().contains("approveMode 'none'"));
        // the engine's own refusals come first
        assert_eq!(refusal(&wf("carol", &[]), "bob\u{200b}", ApproveMode::Any), None);
        assert_eq!(refusal(&w, "  ", ApproveMode::Any), None);
    }

    #[test]
    fn look_alikes_and_unreadable_records_are_refused() {
        let w = awaiting("bob0", &[]);
        let why = refusal(&w, "BOBO", ApproveMode::Others).unwrap();
        assert!(why.starts_with("bob0 (a look-alike of BOBO) created it"), "{why}");
        // a creator recorded with a hidden character cannot be told apart from the approver
        let w = awaiting("alice\u{200b}", &[]);
        let why = refusal(&w, "bob", ApproveMode::Others).unwrap();
        assert!(why.contains("cannot be compared: the name contains an invisible character"), "{why}");
        assert_eq!(refusal(&w, "bob", ApproveMode::Any), None);
        let why = approval_refused(&w, "token:bob", Some(("ops", ApproveMode::Others)), "ops").unwrap();
        assert!(why.contains("role 'ops'") && why.contains("cannot be compared"), "{why}");
    }

    #[test]
    fn role_tokens_cannot_approve_under_another_spelling() {
        let others = Some(("ops", ApproveMode::Others));
        let callers = [
            "token:alice",
            "TOKEN:ALICE",
            "token:ａｌｉｃｅ",
            " token:Alice ",
            "token:alice\u{200b}",
            "token:\u{430}lice",
            "token:alic\u{435}",
        ];
        for caller in callers {
            let why = approval_refused(&wf("token:alice", &[]), caller, others, "ops");
            assert!(why.is_some(), "approved as {caller:?}");
            let why = approval_refused(&wf("token:carol", &["token:alice"]), caller, others, "ops");
            assert!(why.is_some(), "approved as an author, {caller:?}");
        }
        for (creator, spellings) in SAME_PERSON {
            for approver in spellings {
                let (creator, caller) = (format!("token:{creator}"), format!("token:{}", approver.trim()));
                let why = approval_refused(&wf(&creator, &[]), &caller, others, "ops");
                assert!(why.is_some(), "{creator:?} approved as {caller:?}");
            }
        }
        assert_eq!(approval_refused(&wf("token:alice", &[]), "token:bob", others, "ops"), None);
        let why = approval_refused(&wf("token:alice", &[]), "token:ALICE", others, "ops").unwrap();
        assert!(why.contains("its own token created (token:ALICE)"), "{why}");
        let why = approval_refused(&wf("token:carol", &["token:alice"]), "Token:Alice", others, "ops").unwrap();
        assert!(why.contains("wrote") && why.contains("Token:Alice"), "{why}");
        // 'any' still wants a name without hidden characters
        let any = Some(("ops", ApproveMode::Any));
        let why = approval_refused(&wf("token:alice", &[]), "token:bob\u{2060}", any, "ops").unwrap();
        assert!(why.contains("WORD JOINER"), "{why}");
        assert_eq!(approval_refused(&wf("token:alice", &[]), "token:alice", any, "ops"), None);
    }
}
