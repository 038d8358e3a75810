//! Custom workflows from step lists, and drafts (spec §2.10, §5.4-5.7): a draft is designed
//! (goal only), edited, then confirmed into a runnable `pending` workflow. The approval-gate
//! rule that confirmation enforces lives in `safety`.

use serde_json::{Map, Value};

use super::tx::Tx;
use crate::env::Env;
use crate::error::PilotError;
use crate::record::{Changes, Workflow, WorkflowState, WorkflowStep};

fn invalid(message: String) -> PilotError {
    PilotError::InvalidArgument { message }
}

fn spec_str(spec: &Map<String, Value>, key: &str, default: &str, i: usize) -> Result<String, PilotError> {
    match spec.get(key) {
        None => Ok(default.to_string()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(invalid(format!(
            "step {i}: '{key}' must be a string, not {} — every step needs action, skill, tool \
             (strings) and params (an object)",
            crate::pyfmt::py_type_name(other)
        ))),
    }
}

fn spec_map(spec: &Map<String, Value>, key: &str, i: usize) -> Result<Map<String, Value>, PilotError> {
    match spec.get(key) {
        None => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(other) => Err(invalid(format!(
            "step {i}: '{key}' must be an object of params, not {}",
            crate::pyfmt::py_type_name(other)
        ))),
    }
}

/// Steps from caller step objects, numbered by position. Defaults: action `step_<i>`,
/// skill and tool `unknown`, empty params, no rollback. Other keys (`index`, `group_id`...)
/// are ignored; pre-2.0 tool names are translated.
pub fn steps_from_specs(specs: &[Value]) -> Result<Vec<WorkflowStep>, PilotError> {
    specs
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let Value::Object(spec) = v else {
                return Err(invalid(format!(
                    "step {i} must be an object with action, skill, tool and params, not {}",
                    crate::pyfmt::py_type_name(v)
                )));
            };
            let step = WorkflowStep::new(
                i as i64,
                spec_str(spec, "action", &format!("step_{i}"), i)?,
                spec_str(spec, "skill", "unknown", i)?,
                spec_str(spec, "tool", "unknown", i)?,
                spec_map(spec, "params", i)?,
            );
            Ok(step.with_rollback(spec_str(spec, "rollback_tool", "", i)?, spec_map(spec, "rollback_params", i)?))
        })
        .collect()
}

/// A custom workflow (`create_workflow`): type `name`, state `pending`, params
/// `{"description", "custom": true}`.
pub fn new_custom_workflow(env: &Env, name: &str, description: &str, steps: Vec<WorkflowStep>) -> Workflow {
    let mut params = Map::new();
    params.insert("description".into(), Value::from(description));
    params.insert("custom".into(), Value::Bool(true));
    Workflow::new(env, name, WorkflowState::Pending, steps, params)
}

/// A new draft that records only the goal (`design_workflow`): type `custom_draft`, no steps.
pub fn design_draft(env: &Env, goal: &str, constraints: &str) -> Workflow {
    let mut params = Map::new();
    params.insert("goal".into(), Value::from(goal));
    params.insert("constraints".into(), Value::from(constraints));
    params.insert("custom".into(), Value::Bool(true));
    let mut wf = Workflow::new(env, "custom_draft", WorkflowState::Draft, Vec::new(), params);
    wf.log(env, "draft_created", format!("Goal: {goal}"));
    wf
}

fn require_draft(wf: &Workflow) -> Result<(), PilotError> {
    if wf.state != WorkflowState::Draft {
        return Err(PilotError::NotADraft { id: wf.id.clone(), state: wf.state.as_str().into() });
    }
    Ok(())
}

/// Edits a draft (`update_draft`): a non-empty name renames it, a non-empty description
/// replaces `params.description`, `steps` (when given) replace every step. The caller is
/// recorded among the authors.
pub fn update_draft(
    wf: &mut Workflow,
    env: &Env,
    name: &str,
    description: &str,
    steps: Option<&[Value]>,
) -> Result<Changes, PilotError> {
    require_draft(wf)?;
    let new_steps = steps.map(steps_from_specs).transpose()?;
    let mut tx = Tx::new(wf, env);
    if !name.is_empty() {
        tx.wf.workflow_type = name.to_string();
    }
    if !description.is_empty() {
        tx.wf.params.insert("description".into(), Value::from(description));
    }
    if let Some(new_steps) = new_steps {
        let n = new_steps.len();
        tx.wf.steps = new_steps;
        tx.changes.all = true;
        tx.log("steps_updated", format!("{n} steps"));
    }
    tx.wf.with_author(&env.caller);
    // the name, params and authors are record-level fields a delta does not carry: a draft
    // edit is written whole (drafts are small)
    tx.changes.all = true;
    Ok(tx.changes)
}

/// Confirms a draft into a runnable `pending` workflow (`confirm_draft`). Refuses a
/// non-draft, a draft with no steps, and one that breaks the approval-gate rule (a step that
/// could change the estate with no `require_approval` before it): it stays a draft.
pub fn confirm_draft(wf: &mut Workflow, env: &Env) -> Result<Changes, PilotError> {
    require_draft(wf)?;
    if wf.steps.is_empty() {
        return Err(PilotError::DraftHasNoSteps { id: wf.id.clone(), state: wf.state.as_str().into() });
    }
    let violations = crate::safety::gate::gate_violations(wf);
    if !violations.is_empty() {
        let retry = format!("update_draft('{}', steps=[...]) and confirm_draft again", wf.id);
        let text = crate::safety::gate::RefusalText { verb: "confirm", retry: &retry, ..Default::default() };
        let payload = crate::safety::gate::gate_refusal(&wf.workflow_type, &violations, &text);
        return Err(PilotError::ApprovalGate { payload });
    }
    let mut tx = Tx::new(wf, env);
    tx.wf.state = WorkflowState::Pending;
    let n = tx.wf.steps.len();
    tx.log("draft_confirmed", format!("Confirmed with {n} steps"));
    if tx.wf.with_author(&env.caller) {
        tx.changes.all = true; // authors is not in a delta
    }
    Ok(tx.changes)
}
