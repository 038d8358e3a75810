//! review_workflow, get_workflow_status, list_workflows helpers.

use serde_json::{json, Value};

use crate::record::Workflow;

/// The not-found answer every tool gives.
pub fn not_found(id: &str) -> Value {
    json!({"error": format!("Workflow '{id}' not found")})
}

/// `get_workflow_status`: the record as it stands (no outcome).
pub fn status_response(wf: &Workflow) -> Value {
    wf.to_value()
}
