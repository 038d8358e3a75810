//! create_workflow, design_workflow, update_draft, confirm_draft.

use serde_json::{json, Map, Value};

use crate::engine;
use crate::env::Env;
use crate::error::PilotError;
use crate::record::{Workflow, WorkflowState};
use crate::safety::gate::{gate_refusal, gate_violations, GateViolation, RefusalText};

/// A custom workflow from caller step objects (`create_workflow`), refused — nothing to save
/// — when a step needs an approval gate before it and has none.
pub fn create_custom_workflow(
    env: &Env,
    name: &str,
    description: &str,
    steps: &[Value],
) -> Result<Workflow, PilotError> {
    let built = engine::steps_from_specs(steps)?;
    let wf = engine::new_custom_workflow(env, name, description, built);
    let violations = gate_violations(&wf);
    if !violations.is_empty() {
        let text = RefusalText {
            verb: "save",
            retry: "call create_workflow again with the corrected steps",
            ..Default::default()
        };
        return Err(PilotError::ApprovalGate { payload: gate_refusal(name, &violations, &text) });
    }
    Ok(wf)
}

fn step_summaries(wf: &Workflow, with_rollback: bool) -> Value {
    Value::Array(
        wf.steps
            .iter()
            .map(|s| {
                let mut m = Map::new();
                m.insert("index".into(), Value::from(s.index));
                m.insert("action".into(), Value::from(s.action.clone()));
                m.insert("skill".into(), Value::from(s.skill.clone()));
                m.insert("tool".into(), Value::from(s.tool.clone()));
                if with_rollback {
                    m.insert("has_rollback".into(), Value::Bool(!s.rollback_tool.is_empty()));
                }
                Value::Object(m)
            })
            .collect(),
    )
}

pub(crate) fn steps_summary(wf: &Workflow) -> Value {
    step_summaries(wf, false)
}

/// `create_workflow`'s answer.
pub fn custom_created_response(wf: &Workflow, saved_as_template: bool) -> Value {
    json!({
        "workflow_id": wf.id,
        "workflow_type": wf.workflow_type,
        "state": wf.state.as_str(),
        "steps": steps_summary(wf),
        "saved_as_template": saved_as_template,
        "message": format!("Custom workflow created. Call run_workflow('{}') to run it.", wf.id),
    })
}

/// `design_workflow`: a draft recording only the goal, and the answer telling the agent to
/// design the steps.
pub fn design_response(wf: &Workflow) -> Value {
    json!({
        "workflow_id": wf.id,
        "state": "draft",
        "goal": wf.params.get("goal").cloned().unwrap_or(Value::from("")),
        "constraints": wf.params.get("constraints").cloned().unwrap_or(Value::from("")),
        "available_skills": crate::catalog::catalog_skill_names(),
        "next_step": "Design the workflow's steps now: get_skill_catalog() lists the tools each step may \
                      use; add the steps with update_draft(), then call confirm_draft() once the user has \
                      approved them.",
    })
}

/// The refusal of a draft tool for a missing or non-draft workflow, if any.
pub fn draft_not_found_or_state(id: &str, wf: Option<&Workflow>) -> Option<Value> {
    match wf {
        None => Some(super::not_found(id)),
        Some(w) if w.state != WorkflowState::Draft => {
            Some(PilotError::NotADraft { id: id.into(), state: w.state.as_str().into() }.to_response())
        }
        _ => None,
    }
}

/// update_draft: a draft's name, description or whole step list replaced (refused for a
/// missing or non-draft workflow, or steps that are not a list of step objects); the edit
/// is saved and the answer lists the gate violations still to fix.
pub fn update_draft<H: super::Host>(
    host: &mut H,
    id: &str,
    name: &str,
    description: &str,
    steps: &Value,
    env: &Env,
) -> Result<Value, PilotError> {
    let steps = super::steps_arg(steps)?;
    let mut wf = super::load_existing(host, id)?;
    let changes = engine::update_draft(&mut wf, env, name, description, steps.as_deref())?;
    host.save(&wf, &changes)?;
    Ok(update_draft_response(&wf))
}

/// `update_draft`'s answer: the steps, the gate violations still to fix (a draft may be saved
/// without its gates while it is designed) and what to do next.
pub fn update_draft_response(wf: &Workflow) -> Value {
    let violations = gate_violations(wf);
    let message = match violations.first() {
        None => {
            "Draft updated. Show it to the user for review, and call confirm_draft() once they approve.".to_string()
        }
        Some(first) => format!(
            "Draft updated, but confirm_draft will refuse it: {} step(s) that could change the estate have no \
             require_approval gate before them (first: step {}, {}.{}). Insert {{\"action\": \"require_approval\", \
             \"skill\": \"pilot\", \"tool\": \"approve\", \"params\": {{\"message\": \"...\"}}}} before step {}, then \
             update_draft again.",
            violations.len(),
            first.step_index,
            first.skill,
            first.tool,
            first.step_index
        ),
    };
    json!({
        "workflow_id": wf.id,
        "workflow_type": wf.workflow_type,
        "state": "draft",
        "steps": step_summaries(wf, true),
        "approval_gate_violations": violations.iter().map(GateViolation::to_value).collect::<Vec<_>>(),
        "message": message,
    })
}

/// `confirm_draft` on a loaded draft: refusals (upstream's shapes) or the confirmed record.
pub fn confirm_draft(wf: &mut Workflow, env: &Env) -> Result<(), Value> {
    match engine::confirm_draft(wf, env) {
        Ok(_) => Ok(()),
        Err(PilotError::DraftHasNoSteps { .. }) => {
            Err(json!({"error": "Cannot confirm a draft with no steps. Call update_draft() first to add them."}))
        }
        Err(PilotError::NotADraft { id, state }) => {
            Err(json!({"error": format!("Workflow '{id}' is not a draft (state: {state})")}))
        }
        Err(e) => Err(e.to_response()),
    }
}

/// `confirm_draft`'s answer.
pub fn confirmed_response(wf: &Workflow, saved_as_template: bool) -> Value {
    json!({
        "workflow_id": wf.id,
        "workflow_type": wf.workflow_type,
        "state": "pending",
        "steps_count": wf.steps.len(),
        "saved_as_template": saved_as_template,
        "message": format!("Workflow confirmed. Call run_workflow('{}') to run it.", wf.id),
    })
}

/// The steps a confirmed draft saves as a YAML template: action, skill, tool, params, and the
/// rollback pair only when there is a rollback tool.
pub fn yaml_steps_for_template(wf: &Workflow) -> Value {
    Value::Array(
        wf.steps
            .iter()
            .map(|s| {
                let mut m = Map::new();
                m.insert("action".into(), Value::from(s.action.clone()));
                m.insert("skill".into(), Value::from(s.skill.clone()));
                m.insert("tool".into(), Value::from(s.tool.clone()));
                m.insert("params".into(), Value::Object(s.params.clone()));
                if !s.rollback_tool.is_empty() {
                    m.insert("rollback_tool".into(), Value::from(s.rollback_tool.clone()));
                    m.insert("rollback_params".into(), Value::Object(s.rollback_params.clone()));
                }
                Value::Object(m)
            })
            .collect(),
    )
}
