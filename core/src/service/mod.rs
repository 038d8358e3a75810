//! What Pilot's tools do around the engine: the checks, refusals and answer shapes of the 13
//! MCP tools (spec §5), over a record the host loaded. The host does the I/O (load, save,
//! YAML files, vmware-policy) and calls these; Python's MCP server and the npm package share
//! them, so a rule is written once.

mod authoring;
mod lifecycle;
mod query;

pub use authoring::{
    confirm_draft, confirmed_response, create_custom_workflow, custom_created_response, design_response,
    draft_not_found_or_state, update_draft_response, yaml_steps_for_template,
};
pub use lifecycle::{
    approver_for_caller, bind_error_response, cancel_preview, cancel_result, rollback_preview, rollback_result,
    run_check, template_created_response, template_error_hint, unknown_status_refusal, RunCheck,
};
pub use query::{not_found, status_response};
