//! The MCP tools' checks and answers (the core's `service` module) for `vmware_pilot.mcp_server`.

use pyo3::prelude::*;
use serde_json::Value;

use pilot_core::{engine, service};

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

#[pyfunction]
#[pyo3(signature = (wf, name, description, steps, caller))]
pub fn update_draft(
    wf: &Bound<'_, PyAny>,
    name: &str,
    description: &str,
    steps: Option<&Bound<'_, PyAny>>,
    caller: &str,
) -> PyResult<()> {
    let py = wf.py();
    let env = crate::env::env(py, caller);
    let list = steps.map(steps_list).transpose()?;
    let mut record = read_workflow(wf)?;
    engine::update_draft(&mut record, &env, name, description, list.as_deref()).map_err(|e| to_py_err(py, e))?;
    write_back(wf, &record, &Changes::whole())
}

#[pyfunction]
pub fn update_draft_response<'py>(py: Python<'py>, wf: Record) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &service::update_draft_response(&wf.0))
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

#[pyfunction]
pub fn template_error_hint() -> &'static str {
    service::template_error_hint()
}

/// `run_workflow`'s checks: `("refused", answer)` or `("go", forced)`.
#[pyfunction]
pub fn run_check<'py>(wf: &Bound<'py, PyAny>, force: bool) -> PyResult<(String, Bound<'py, PyAny>)> {
    let py = wf.py();
    let env = crate::env::env(py, "");
    let mut record = read_workflow(wf)?;
    Ok(match service::run_check(&mut record, force, &env) {
        service::RunCheck::Refused(v) => ("refused".into(), to_py(py, &v)?),
        service::RunCheck::Go { forced } => {
            if forced {
                write_back(wf, &record, &Changes::whole())?;
            }
            ("go".into(), to_py(py, &Value::Bool(forced))?)
        }
    })
}

/// The refusal for running or approving a record with a step status Pilot does not know, or None.
#[pyfunction]
pub fn unknown_status_refusal<'py>(py: Python<'py>, wf: Record, verb: &str) -> PyResult<Bound<'py, PyAny>> {
    match service::unknown_status_refusal(&wf.0, verb) {
        Some(v) => to_py(py, &v),
        None => Ok(py.None().into_bound(py)),
    }
}

/// `(True, approver)` or `(False, refusal)`.
#[pyfunction]
#[pyo3(signature = (approver, caller = None))]
pub fn approver_for_caller<'py>(
    py: Python<'py>,
    approver: &str,
    caller: Option<&str>,
) -> PyResult<(bool, Bound<'py, PyAny>)> {
    Ok(match service::approver_for_caller(approver, caller) {
        Ok(a) => (true, to_py(py, &Value::from(a))?),
        Err(v) => (false, to_py(py, &v)?),
    })
}

#[pyfunction]
pub fn rollback_preview<'py>(py: Python<'py>, wf: Record, ack: bool) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &service::rollback_preview(&wf.0, ack))
}

#[pyfunction]
pub fn cancel_preview<'py>(py: Python<'py>, wf: Record, ack: bool) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &service::cancel_preview(&wf.0, ack))
}

#[pyfunction]
pub fn rollback_result<'py>(
    py: Python<'py>,
    result: &Bound<'py, PyAny>,
    radius: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &service::rollback_result(to_json(result)?, to_json(radius)?))
}

#[pyfunction]
pub fn cancel_result<'py>(
    py: Python<'py>,
    result: &Bound<'py, PyAny>,
    radius: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &service::cancel_result(to_json(result)?, to_json(radius)?))
}
