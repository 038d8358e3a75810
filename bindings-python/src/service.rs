//! The MCP tools' checks and answers (the core's `service` module) for `vmware_pilot.mcp_server`.

use pyo3::prelude::*;
use serde_json::Value;

use pilot_core::{engine, ops as service};

use crate::convert::{to_json, to_py};
use crate::errors::to_py_err;
use crate::model::{new_workflow, read_workflow, write_back, Record};
use pilot_core::record::Changes;

fn steps_list(steps: &Bound<'_, PyAny>) -> PyResult<Vec<Value>> {
    match to_json(steps)? {
        Value::Array(a) => Ok(a),
        _ => Err(pyo3::exceptions::PyTypeError::new_err("steps must be a list of step dicts")),
    }
}

#[pyfunction]
pub fn create_custom<'py>(
    py: Python<'py>,
    name: &str,
    description: &str,
    steps: &Bound<'py, PyAny>,
    caller: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let env = crate::env::env(py, caller);
    let wf =
        service::create_custom_workflow(&env, name, description, &steps_list(steps)?).map_err(|e| to_py_err(py, e))?;
    new_workflow(py, &wf)
}

#[pyfunction]
pub fn custom_created<'py>(py: Python<'py>, wf: Record, saved_as_template: bool) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &service::custom_created_response(&wf.0, saved_as_template))
}

#[pyfunction]
pub fn design<'py>(py: Python<'py>, goal: &str, constraints: &str, caller: &str) -> PyResult<Bound<'py, PyAny>> {
    let env = crate::env::env(py, caller);
    new_workflow(py, &engine::design_draft(&env, goal, constraints))
}

#[pyfunction]
pub fn design_response<'py>(py: Python<'py>, wf: Record) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &service::design_response(&wf.0))
}

/// The refusal for a draft tool (not found / not a draft), or None.
#[pyfunction]
#[pyo3(signature = (workflow_id, wf = None))]
pub fn draft_refusal<'py>(
    py: Python<'py>,
    workflow_id: &str,
    wf: Option<Record>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let r = service::draft_not_found_or_state(workflow_id, wf.as_ref().map(|w| &w.0));
    r.map(|v| to_py(py, &v)).transpose()
}

/// Confirms the draft; returns upstream's refusal dict, or None when confirmed.
#[pyfunction]
pub fn confirm_draft<'py>(wf: &Bound<'py, PyAny>, caller: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = wf.py();
    let env = crate::env::env(py, caller);
    let mut record = read_workflow(wf)?;
    match service::confirm_draft(&mut record, &env) {
        Ok(()) => {
            write_back(wf, &record, &Changes::whole())?;
            Ok(None)
        }
        Err(refusal) => Ok(Some(to_py(py, &refusal)?)),
    }
}

#[pyfunction]
pub fn confirmed<'py>(py: Python<'py>, wf: Record, saved_as_template: bool) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &service::confirmed_response(&wf.0, saved_as_template))
}

#[pyfunction]
pub fn yaml_steps<'py>(py: Python<'py>, wf: Record) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &service::yaml_steps_for_template(&wf.0))
}

#[pyfunction]
pub fn template_created<'py>(py: Python<'py>, wf: Record) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &service::template_created_response(&wf.0))
}

#[pyfunction]
pub fn bind_error<'py>(
    py: Python<'py>,
    workflow_type: &str,
    message: &str,
    signature: &str,
) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &service::bind_error_response(workflow_type, message, signature))
}
