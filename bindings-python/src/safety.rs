//! Safety rules, catalog and encoders for the Python modules (review, approval_gate,
//! lifecycle_gate, reversibility, templates._gated, renames, models).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use serde_json::Value;

use pilot_core::safety::{blast, gate, gated, names, reversibility, review, roles};

use crate::convert::{map_to_py, to_json, to_map, to_py};
use crate::model::{read_step, Record};

#[pyfunction]
pub fn review_workflow<'py>(py: Python<'py>, wf: Record) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &review::review(&wf.0))
}

#[pyfunction]
#[pyo3(signature = (skill, tool, action = None, catalog = None))]
pub fn classify_step(
    skill: &Bound<'_, PyAny>,
    tool: &Bound<'_, PyAny>,
    action: Option<&Bound<'_, PyAny>>,
    catalog: Option<&Bound<'_, PyAny>>,
) -> PyResult<(String, String)> {
    let text = |v: Option<&Bound<'_, PyAny>>| -> PyResult<String> {
        match v {
            Some(x) if x.is_truthy()? => Ok(x.str()?.to_string()),
            _ => Ok(String::new()),
        }
    };
    let catalog = catalog.map(to_json).transpose()?;
    let (tier, reason) =
        review::classify_step_in(catalog.as_ref(), &text(Some(skill))?, &text(Some(tool))?, &text(action)?);
    Ok((tier.as_str().to_string(), reason))
}

type Violation = (i64, String, String, String, String);

#[pyfunction]
pub fn gate_violations(wf: Record) -> Vec<Violation> {
    gate::gate_violations(&wf.0).into_iter().map(|v| (v.step_index, v.skill, v.tool, v.kind, v.reason)).collect()
}

#[pyfunction]
#[pyo3(signature = (name, violations, verb, source = String::new(), retry = String::new(), extra = String::new()))]
pub fn gate_refusal<'py>(
    py: Python<'py>,
    name: &str,
    violations: Vec<Violation>,
    verb: &str,
    source: String,
    retry: String,
    extra: String,
) -> PyResult<Bound<'py, PyAny>> {
    let vs: Vec<gate::GateViolation> = violations
        .into_iter()
        .map(|(step_index, skill, tool, kind, reason)| gate::GateViolation { step_index, skill, tool, kind, reason })
        .collect();
    let text = gate::RefusalText { verb, source: &source, retry: &retry, extra: &extra };
    to_py(py, &gate::gate_refusal(name, &vs, &text))
}

#[pyfunction]
pub fn gate_step_for<'py>(py: Python<'py>, v: Violation) -> PyResult<Bound<'py, PyAny>> {
    let (step_index, skill, tool, kind, reason) = v;
    to_py(py, &gate::gate_step_for(&gate::GateViolation { step_index, skill, tool, kind, reason }))
}

#[pyfunction]
pub fn is_custom(wf: Record) -> bool {
    gate::is_custom_workflow(&wf.0)
}

#[pyfunction]
pub fn acts(params: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(match to_json(params)? {
        Value::Object(m) => gate::acts(&m),
        _ => false,
    })
}

#[pyfunction]
pub fn truthy_flag(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(gate::truthy_flag(&to_json(v)?))
}

#[pyfunction]
#[pyo3(signature = (wf, acknowledge_unknown_effects = false))]
pub fn rollback_blast_radius<'py>(
    py: Python<'py>,
    wf: Record,
    acknowledge_unknown_effects: bool,
) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &blast::rollback_blast_radius(&wf.0, acknowledge_unknown_effects).to_value())
}

#[pyfunction]
#[pyo3(signature = (wf, acknowledge_unknown_effects = false))]
pub fn cancel_blast_radius<'py>(
    py: Python<'py>,
    wf: Record,
    acknowledge_unknown_effects: bool,
) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &blast::cancel_blast_radius(&wf.0, acknowledge_unknown_effects).to_value())
}

#[pyfunction]
pub fn radius_refusal<'py>(
    py: Python<'py>,
    verb: &str,
    wf: Record,
    radius: &Bound<'py, PyAny>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let r = blast::radius_refusal(verb, &wf.0, &blast::BlastRadius::from_value(&to_json(radius)?));
    r.map(|v| to_py(py, &v)).transpose()
}

#[pyfunction]
pub fn unreadable<'py>(py: Python<'py>, workflow_id: &str, exc_class: &str, verb: &str) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &blast::unreadable(workflow_id, exc_class, verb))
}

#[pyfunction]
pub fn redact_preview<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    to_py(obj.py(), &blast::redact_preview(&to_json(obj)?))
}

#[pyfunction]
pub fn is_secret_name(key: &Bound<'_, PyAny>) -> bool {
    key.extract::<String>().map(|k| blast::is_secret_name(&k)).unwrap_or(false)
}

#[pyfunction]
pub fn leaves_behind(step: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(reversibility::leaves_behind(&read_step(step, "step")?))
}

#[pyfunction]
pub fn is_read_only(step: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(reversibility::is_read_only(&read_step(step, "step")?))
}

#[pyfunction]
pub fn notes() -> (&'static str, &'static str) {
    (reversibility::NOT_REVERSIBLE_NOTE, reversibility::OUTSIDE_PILOT_NOTE)
}

#[pyfunction]
pub fn gated_tools() -> Vec<(String, Vec<String>)> {
    gated::gated_tools().clone()
}

#[pyfunction]
pub fn confirmed_params<'py>(skill: &str, tool: &str, params: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let m = to_map(params, "params")?;
    Ok(map_to_py(params.py(), &gated::confirmed_params(skill, tool, &m))?.into_any())
}

#[pyfunction]
pub fn refuse_caller_decision(skill: &str, tool: &str, params: &Bound<'_, PyAny>, place: &str) -> PyResult<()> {
    let m = to_map(params, "params")?;
    gated::refuse_caller_decision(skill, tool, &m, place).map_err(PyValueError::new_err)
}

#[pyfunction]
pub fn current_tool_name(skill: &str, tool: &str) -> String {
    pilot_core::catalog::current_tool_name(skill, tool)
}

#[pyfunction]
pub fn skill_catalog(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    to_py(py, pilot_core::catalog::skill_catalog())
}

#[pyfunction]
pub fn catalog_risk(skill: &Bound<'_, PyAny>, tool: &Bound<'_, PyAny>) -> String {
    let s = skill.extract::<String>().unwrap_or_default();
    let t = tool.extract::<String>().unwrap_or_default();
    pilot_core::catalog::catalog_risk(&s, &t).to_string()
}

#[pyfunction]
pub fn catalog_risk_in(catalog: &Bound<'_, PyAny>, skill: &str, tool: &str) -> PyResult<String> {
    Ok(pilot_core::catalog::catalog_risk_in(&to_json(catalog)?, skill, tool))
}

#[pyfunction]
pub fn rename_table(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let d = pyo3::types::PyDict::new(py);
    for (server, pairs) in pilot_core::catalog::rename_table() {
        let inner = pyo3::types::PyDict::new(py);
        for (old, new) in pairs {
            inner.set_item(old, new)?;
        }
        d.set_item(server, inner)?;
    }
    Ok(d.into_any())
}

/// Why `caller` may not approve: `mode` is the role's approve mode (`none`, `any`,
/// `others`), or None when the role cannot be used.
#[pyfunction]
#[pyo3(signature = (wf, caller, role_name, mode = None))]
pub fn approval_refused(wf: Record, caller: &str, role_name: &str, mode: Option<&str>) -> Option<String> {
    let parsed = mode.and_then(roles::ApproveMode::parse).map(|m| (role_name, m));
    roles::approval_refused(&wf.0, caller, parsed, role_name)
}

#[pyfunction]
pub fn approval_refused_advice() -> &'static str {
    roles::APPROVAL_REFUSED_ADVICE
}

#[pyfunction]
pub fn template_name_problem(name: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    match name.extract::<String>() {
        Ok(n) => Ok(names::template_name_problem(&n)),
        Err(_) => Ok(Some(format!("Invalid workflow name {}: a template name must be a string", name.repr()?))),
    }
}

#[pyfunction]
pub fn redact_for_persistence<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    to_py(obj.py(), &pilot_core::record::redact_value(&to_json(obj)?))
}

#[pyfunction]
pub fn first_redacted_secret(obj: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    Ok(pilot_core::record::first_redacted_secret(&to_json(obj)?))
}

#[pyfunction]
pub fn is_sensitive_key(key: &Bound<'_, PyAny>) -> bool {
    key.extract::<String>().map(|k| pilot_core::record::is_sensitive_key(&k)).unwrap_or(false)
}

/// MCP tool text (pydantic's `to_json(indent=2)`).
#[pyfunction]
pub fn to_mcp_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(pilot_core::pyfmt::to_mcp_text(&to_json(obj)?))
}

/// Python's `json.dumps(obj, default=str)`.
#[pyfunction]
pub fn to_db_json(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(pilot_core::pyfmt::to_db_json(&to_json(obj)?))
}

#[pyfunction]
pub fn new_workflow_id(py: Python<'_>) -> String {
    crate::env::env(py, "").new_workflow_id()
}
