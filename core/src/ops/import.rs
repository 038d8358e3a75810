//! Records a host hands in that Pilot did not write (an export, a copy from elsewhere, a
//! language model's idea of a workflow): before one is stored, its history must support its
//! state. A gate counts as passed only with an approval in the audit log; the state must fit
//! the steps; and a copy older than the stored one must not replace it.

use crate::error::PilotError;
use crate::record::{status, Workflow, WorkflowState};

/// The audit actions that record an approval (`approved`, and `approval_recorded` for an
/// approval held apart from the run).
const APPROVAL_ACTIONS: [&str; 2] = ["approved", "approval_recorded"];

/// Refuses `wf` when its gates or approver are not backed by approvals in its audit log, its
/// state contradicts its steps, or `stored` (the copy already stored under its id) is newer.
pub fn check_import(wf: &Workflow, stored: Option<&Workflow>) -> Result<(), PilotError> {
    let id = wf.id.clone();
    let approvals = wf.audit_log.iter().filter(|e| APPROVAL_ACTIONS.contains(&e.action.as_str())).count();
    let passed: Vec<i64> =
        wf.steps.iter().filter(|s| s.is_gate() && s.status_is(status::SUCCESS)).map(|s| s.index).collect();
    if passed.len() > approvals {
        let listed: Vec<String> = passed.iter().map(i64::to_string).collect();
        let detail = format!("its approval gate(s) at step {} are marked passed", listed.join(", "));
        return Err(PilotError::ForgedApproval { id, detail });
    }
    if !wf.approved_by.is_empty() && approvals == 0 {
        let detail = format!("it names {:?} as approver", wf.approved_by);
        return Err(PilotError::ForgedApproval { id, detail });
    }
    let unfinished = wf.steps.iter().find(|s| s.status_is(status::PENDING) || s.status_is(status::RUNNING));
    match (wf.state, unfinished) {
        (WorkflowState::Completed, Some(s)) => {
            let detail = format!("it is completed, but step {} is still '{}'", s.index, s.status_text());
            return Err(PilotError::InconsistentRecord { id, detail });
        }
        (WorkflowState::AwaitingApproval, _)
            if !wf.steps.iter().any(|s| s.is_gate() && s.status_is(status::PENDING)) =>
        {
            let detail = "it is awaiting approval, but no approval gate is pending".to_string();
            return Err(PilotError::InconsistentRecord { id, detail });
        }
        _ => {}
    }
    if let Some(stored) = stored {
        if stored.audit_log.len() > wf.audit_log.len() {
            return Err(PilotError::StaleRecord { id, stored: stored.audit_log.len(), given: wf.audit_log.len() });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, Options};
    use crate::env::{Env, Timestamp};
    use serde_json::json;

    fn at_gate() -> (Workflow, Env) {
        let env = Env::new(Timestamp::from_unix_micros(1_800_000_000_000_000), 1, "agent");
        let specs = [
            json!({"action": "look", "skill": "aiops", "tool": "get_vm_info", "params": {}}),
            json!({"action": "require_approval", "skill": "pilot", "tool": "approve", "params": {"message": "go?"}}),
            json!({"action": "off", "skill": "aiops", "tool": "power_off_vm", "params": {"vm_name": "db"}}),
        ];
        let mut wf = engine::new_custom_workflow(&env, "t", "d", engine::steps_from_specs(&specs).unwrap());
        engine::run(&mut wf, &env, &Options::host()).unwrap();
        engine::report(&mut wf, &env, 0, engine::Reported::Returned(json!({"ok": true})), &Options::host()).unwrap();
        assert_eq!(wf.state, WorkflowState::AwaitingApproval);
        (wf, env)
    }

    #[test]
    fn a_gate_passed_without_an_approval_is_forged() {
        let (wf, env) = at_gate();
        assert!(check_import(&wf, None).is_ok());
        let mut forged = wf.clone();
        forged.steps[1].set_status(status::SUCCESS);
        forged.approved_by = "lead".into();
        forged.state = WorkflowState::Pending;
        assert_eq!(check_import(&forged, None).unwrap_err().code(), "forged_approval");
        let mut named = wf.clone();
        named.approved_by = "lead".into();
        assert_eq!(check_import(&named, None).unwrap_err().code(), "forged_approval");
        // a real approval passes
        let mut approved = wf.clone();
        engine::approve_and_hold(&mut approved, &env, "lead", false).unwrap();
        assert!(check_import(&approved, Some(&wf)).is_ok());
    }

    #[test]
    fn contradictions_and_stale_copies_are_refused() {
        let (wf, env) = at_gate();
        let mut done = wf.clone();
        done.state = WorkflowState::Completed;
        assert_eq!(check_import(&done, None).unwrap_err().code(), "inconsistent_record");
        let mut no_gate = wf.clone();
        no_gate.steps.retain(|s| !s.is_gate());
        assert_eq!(check_import(&no_gate, None).unwrap_err().code(), "inconsistent_record");
        let mut cancelled = wf.clone();
        engine::cancel(&mut cancelled, &env, "rejected").unwrap();
        assert_eq!(check_import(&wf, Some(&cancelled)).unwrap_err().code(), "stale_record");
        assert!(check_import(&cancelled, Some(&wf)).is_ok());
    }
}
