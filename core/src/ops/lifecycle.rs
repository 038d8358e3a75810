//! create_workflow_from_template's answers.

use serde_json::{json, Value};

use crate::record::Workflow;

/// `create_workflow_from_template`'s answer.
pub fn template_created_response(wf: &Workflow) -> Value {
    json!({
        "workflow_id": wf.id,
        "workflow_type": wf.workflow_type,
        "state": wf.state.as_str(),
        "steps": super::authoring::steps_summary(wf),
        "params": wf.params,
        "message": format!("Workflow created and saved. Call run_workflow('{}') to run it.", wf.id),
    })
}

/// The answer when the params do not bind to the template's parameters.
pub fn bind_error_response(workflow_type: &str, message: &str, signature: &str) -> Value {
    json!({
        "error": format!("create_workflow_from_template('{workflow_type}'): {message}."),
        "hint": format!(
            "{workflow_type} takes {signature}. Add the missing params or fix the misspelt ones, then call \
             create_workflow_from_template again."
        ),
    })
}
