//! `vmware_pilot._native`: the vmware-pilot core for the Python package. Thin: it converts
//! types, supplies the host's clock and entropy, and maps errors; every rule is the core's.

use pyo3::prelude::*;

mod convert;
mod dispatch;
mod engine;
mod env;
mod errors;
mod model;
mod ops;
mod records;
mod records_api;
mod safety;
mod service;
mod templates;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<engine::Session>()?;
    m.add_class::<records::Secrets>()?;
    m.add_class::<templates::PyTemplateSet>()?;
    m.add("WorkflowConflictError", py.get_type::<errors::WorkflowConflictError>())?;
    m.add("ApprovalGateError", py.get_type::<errors::ApprovalGateError>())?;
    m.add_function(wrap_pyfunction!(model::register, m)?)?;
    // the core's tables, for upstream's public names that hold them (never copied in Python)
    m.add("KNOWN_STEP_STATUSES", pilot_core::record::status::KNOWN.to_vec())?;
    m.add("UPSTREAM_SENSITIVE_KEYS", pilot_core::record::UPSTREAM_SENSITIVE_KEYS.to_vec())?;
    for f in [
        wrap_pyfunction!(records::from_dict, m)?,
        wrap_pyfunction!(records::from_json, m)?,
        wrap_pyfunction!(records::secrets_of, m)?,
        wrap_pyfunction!(records::render_row, m)?,
        wrap_pyfunction!(records::to_dict, m)?,
        wrap_pyfunction!(engine::resolve_step_refs, m)?,
        wrap_pyfunction!(engine::returned_failure, m)?,
        wrap_pyfunction!(safety::review_workflow, m)?,
        wrap_pyfunction!(safety::classify_step, m)?,
        wrap_pyfunction!(safety::gate_violations, m)?,
        wrap_pyfunction!(safety::gate_refusal, m)?,
        wrap_pyfunction!(safety::gate_step_for, m)?,
        wrap_pyfunction!(safety::is_custom, m)?,
        wrap_pyfunction!(safety::acts, m)?,
        wrap_pyfunction!(safety::truthy_flag, m)?,
        wrap_pyfunction!(safety::rollback_blast_radius, m)?,
        wrap_pyfunction!(safety::cancel_blast_radius, m)?,
        wrap_pyfunction!(safety::radius_refusal, m)?,
        wrap_pyfunction!(safety::unreadable, m)?,
        wrap_pyfunction!(safety::redact_preview, m)?,
        wrap_pyfunction!(safety::is_secret_name, m)?,
        wrap_pyfunction!(safety::leaves_behind, m)?,
        wrap_pyfunction!(safety::is_read_only, m)?,
        wrap_pyfunction!(safety::notes, m)?,
        wrap_pyfunction!(safety::gated_tools, m)?,
        wrap_pyfunction!(safety::confirmed_params, m)?,
        wrap_pyfunction!(safety::refuse_caller_decision, m)?,
        wrap_pyfunction!(safety::current_tool_name, m)?,
        wrap_pyfunction!(safety::skill_catalog, m)?,
        wrap_pyfunction!(safety::catalog_risk, m)?,
        wrap_pyfunction!(safety::catalog_risk_in, m)?,
        wrap_pyfunction!(safety::rename_table, m)?,
        wrap_pyfunction!(safety::approval_refused, m)?,
        wrap_pyfunction!(safety::approval_refused_advice, m)?,
        wrap_pyfunction!(safety::template_name_problem, m)?,
        wrap_pyfunction!(safety::redact_for_persistence, m)?,
        wrap_pyfunction!(safety::first_redacted_secret, m)?,
        wrap_pyfunction!(safety::is_sensitive_key, m)?,
        wrap_pyfunction!(safety::to_mcp_text, m)?,
        wrap_pyfunction!(safety::to_db_json, m)?,
        wrap_pyfunction!(safety::new_workflow_id, m)?,
        wrap_pyfunction!(templates::builtin_names, m)?,
        wrap_pyfunction!(templates::builtin_listing, m)?,
        wrap_pyfunction!(templates::custom_listing, m)?,
        wrap_pyfunction!(templates::parse_yaml, m)?,
        wrap_pyfunction!(templates::substitute, m)?,
        wrap_pyfunction!(templates::aiops_change, m)?,
        wrap_pyfunction!(templates::require_guest_username, m)?,
    ] {
        m.add_function(f)?;
    }
    // the MCP tools' checks and answers live in a submodule: `_native.service`
    let svc = PyModule::new(py, "service")?;
    for f in [
        wrap_pyfunction!(service::create_custom, &svc)?,
        wrap_pyfunction!(service::custom_created, &svc)?,
        wrap_pyfunction!(service::design, &svc)?,
        wrap_pyfunction!(service::design_response, &svc)?,
        wrap_pyfunction!(service::draft_refusal, &svc)?,
        wrap_pyfunction!(service::confirm_draft, &svc)?,
        wrap_pyfunction!(service::confirmed, &svc)?,
        wrap_pyfunction!(service::yaml_steps, &svc)?,
        wrap_pyfunction!(service::template_created, &svc)?,
        wrap_pyfunction!(service::bind_error, &svc)?,
    ] {
        svc.add_function(f)?;
    }
    m.add_submodule(&svc)?;
    dispatch::register(m)?;
    records_api::register(m)?;
    ops::register(m)?;
    Ok(())
}
