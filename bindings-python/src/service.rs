//! The MCP tools' checks and answers (the core's `service` module) for `vmware_pilot.mcp_server`.

use pyo3::prelude::*;
use serde_json::Value;

use pilot_core::{engine, service};

use crate::convert::{to_json, to_py};
use crate::errors::to_py_err;
use crate::workflow::{new_workflow_object, WorkflowCore};

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
    new_workflow_object(py, wf, None)
}

#[pyfunction]
pub fn custom_created<'py>(wf: &Bound<'py, WorkflowCore>, saved_as_template: bool) -> PyResult<Bound<'py, PyAny>> {
    to_py(wf.py(), &service::custom_created_response(&wf.borrow().wf, saved_as_template))
}

#[pyfunction]
pub fn design<'py>(py: Python<'py>, goal: &str, constraints: &str, caller: &str) -> PyResult<Bound<'py, PyAny>> {
    let env = crate::env::env(py, caller);
    new_workflow_object(py, engine::design_draft(&env, goal, constraints), None)
}

#[pyfunction]
pub fn design_response<'py>(wf: &Bound<'py, WorkflowCore>) -> PyResult<Bound<'py, PyAny>> {
    to_py(wf.py(), &service::design_response(&wf.borrow().wf))
}

/// The refusal for a draft tool (not found / not a draft), or None.
#[pyfunction]
#[pyo3(signature = (workflow_id, wf = None))]
pub fn draft_refusal<'py>(
    py: Python<'py>,
    workflow_id: &str,
    wf: Option<&Bound<'py, WorkflowCore>>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let r = match wf {
        Some(w) => service::draft_not_found_or_state(workflow_id, Some(&w.borrow().wf)),
        None => service::draft_not_found_or_state(workflow_id, None),
    };
    r.map(|v| to_py(py, &v)).transpose()
}

#[pyfunction]
#[pyo3(signature = (wf, name, description, steps, caller))]
pub fn update_draft(
    wf: &Bound<'_, WorkflowCore>,
    name: &str,
    description: &str,
    steps: Option<&Bound<'_, PyAny>>,
    caller: &str,
) -> PyResult<()> {
    let py = wf.py();
    let env = crate::env::env(py, caller);
    let list = steps.map(steps_list).transpose()?;
    let mut core = wf.borrow_mut();
    engine::update_draft(&mut core.wf, &env, name, description, list.as_deref())
        .map(|_| ())
        .map_err(|e| to_py_err(py, e))
}

#[pyfunction]
pub fn update_draft_response<'py>(wf: &Bound<'py, WorkflowCore>) -> PyResult<Bound<'py, PyAny>> {
    to_py(wf.py(), &service::update_draft_response(&wf.borrow().wf))
}

/// Confirms the draft; returns upstream's refusal dict, or None when confirmed.
#[pyfunction]
pub fn confirm_draft<'py>(wf: &Bound<'py, WorkflowCore>, caller: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = wf.py();
    let env = crate::env::env(py, caller);
    let mut core = wf.borrow_mut();
    core.touch_all();
    let out = service::confirm_draft(&mut core.wf, &env);
    drop(core);
    match out {
        Ok(()) => Ok(None),
        Err(refusal) => Ok(Some(to_py(py, &refusal)?)),
    }
}

#[pyfunction]
pub fn confirmed<'py>(wf: &Bound<'py, WorkflowCore>, saved_as_template: bool) -> PyResult<Bound<'py, PyAny>> {
    to_py(wf.py(), &service::confirmed_response(&wf.borrow().wf, saved_as_template))
}

#[pyfunction]
pub fn yaml_steps<'py>(wf: &Bound<'py, WorkflowCore>) -> PyResult<Bound<'py, PyAny>> {
    to_py(wf.py(), &service::yaml_steps_for_template(&wf.borrow().wf))
}

#[pyfunction]
pub fn template_created<'py>(wf: &Bound<'py, WorkflowCore>) -> PyResult<Bound<'py, PyAny>> {
    to_py(wf.py(), &service::template_created_response(&wf.borrow().wf))
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
pub fn run_check<'py>(wf: &Bound<'py, WorkflowCore>, force: bool) -> PyResult<(String, Bound<'py, PyAny>)> {
    let py = wf.py();
    let env = crate::env::env(py, "");
    let mut core = wf.borrow_mut();
    core.touch_all();
    let out = service::run_check(&mut core.wf, force, &env);
    drop(core);
    Ok(match out {
        service::RunCheck::Refused(v) => ("refused".into(), to_py(py, &v)?),
        service::RunCheck::Go { forced } => ("go".into(), to_py(py, &Value::Bool(forced))?),
    })
}

/// The refusal for running or approving a record with a step status Pilot does not know, or None.
#[pyfunction]
pub fn unknown_status_refusal<'py>(wf: &Bound<'py, WorkflowCore>, verb: &str) -> PyResult<Bound<'py, PyAny>> {
    let py = wf.py();
    match service::unknown_status_refusal(&wf.borrow().wf, verb) {
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
pub fn rollback_preview<'py>(wf: &Bound<'py, WorkflowCore>, ack: bool) -> PyResult<Bound<'py, PyAny>> {
    to_py(wf.py(), &service::rollback_preview(&wf.borrow().wf, ack))
}

#[pyfunction]
pub fn cancel_preview<'py>(wf: &Bound<'py, WorkflowCore>, ack: bool) -> PyResult<Bound<'py, PyAny>> {
    to_py(wf.py(), &service::cancel_preview(&wf.borrow().wf, ack))
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
