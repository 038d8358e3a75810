//! The core's transitions on a `Workflow` object. Each returns `(kind, payload)`:
//! `("dispatch", [(index, skill, tool, params), ...])` — perform these and report each;
//! `("done", response)` — upstream's result dict; `("refused", refusal)` — upstream's
//! refusal dict, the record unchanged.

use std::cell::RefCell;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::Value;

use pilot_core::engine::{self, Options, Reported, ToolResult, Transition};
use pilot_core::{Checkpoint, PilotError, WorkflowStep};

use crate::convert::{map_to_py, to_json, to_py};
use crate::workflow::{detached_step, WorkflowCore};

type Answer<'py> = (String, Bound<'py, PyAny>);

fn answer<'py>(py: Python<'py>, core: &mut WorkflowCore, out: Result<Transition, PilotError>) -> PyResult<Answer<'py>> {
    if let Ok(t) = &out {
        core.dirty.merge(&t.changes);
    }
    match out {
        Ok(t) => match &t.checkpoint {
            Checkpoint::Dispatch(requests) => {
                let list = PyList::empty(py);
                for r in requests {
                    let tup = PyTuple::new(
                        py,
                        [
                            r.index.into_pyobject(py)?.into_any(),
                            PyString::new(py, &r.skill).into_any(),
                            PyString::new(py, &r.tool).into_any(),
                            map_to_py(py, &r.params)?.into_any(),
                        ],
                    )?;
                    list.append(tup)?;
                }
                Ok(("dispatch".into(), list.into_any()))
            }
            _ => Ok(("done".into(), to_py(py, &t.response(&core.wf))?)),
        },
        Err(e) => Ok(("refused".into(), crate::errors::refusal(py, &e)?)),
    }
}

/// Runs `f` with the host's preflight (a Python callable given detached step copies; a
/// `ValueError` refuses the run, any other exception propagates).
fn with_options<R>(
    py: Python<'_>,
    has_dispatch: bool,
    preflight: Option<&Bound<'_, PyAny>>,
    f: impl FnOnce(&Options) -> R,
) -> PyResult<R> {
    let mode = if has_dispatch { engine::Mode::Host { parallel_groups: false } } else { engine::Mode::Agent };
    with_mode(py, mode, preflight, f)
}

/// [`with_options`] for any mode; the preflight is consulted only by a dispatching mode.
pub fn with_mode<R>(
    py: Python<'_>,
    mode: engine::Mode,
    preflight: Option<&Bound<'_, PyAny>>,
    f: impl FnOnce(&Options) -> R,
) -> PyResult<R> {
    let escaped: RefCell<Option<PyErr>> = RefCell::new(None);
    let check = |steps: &[&WorkflowStep]| -> Result<(), String> {
        let Some(pf) = preflight else { return Ok(()) };
        let list = PyList::empty(py);
        for s in steps {
            let obj = detached_step(py, (*s).clone()).map_err(|e| e.to_string())?;
            list.append(obj).map_err(|e| e.to_string())?;
        }
        match pf.call1((list,)) {
            Ok(_) => Ok(()),
            Err(e) if e.is_instance_of::<PyValueError>(py) => {
                Err(e.value(py).str().map(|s| s.to_string()).unwrap_or_default())
            }
            Err(e) => {
                *escaped.borrow_mut() = Some(e);
                Err(String::new())
            }
        }
    };
    let dispatching = matches!(mode, engine::Mode::Host { .. });
    let opts = Options { mode, preflight: if preflight.is_some() && dispatching { Some(&check) } else { None } };
    let out = f(&opts);
    if let Some(e) = escaped.into_inner() {
        return Err(e);
    }
    Ok(out)
}

#[pyfunction]
#[pyo3(signature = (wf, has_dispatch, preflight = None))]
pub fn run<'py>(
    wf: &Bound<'py, WorkflowCore>,
    has_dispatch: bool,
    preflight: Option<&Bound<'py, PyAny>>,
) -> PyResult<Answer<'py>> {
    let py = wf.py();
    let env = crate::env::env(py, "");
    let mut core = wf.borrow_mut();
    let out = with_options(py, has_dispatch, preflight, |o| engine::run(&mut core.wf, &env, o))?;
    answer(py, &mut core, out)
}

#[pyfunction]
#[pyo3(signature = (wf, approver, acknowledge_not_executed, has_dispatch, preflight = None))]
pub fn approve<'py>(
    wf: &Bound<'py, WorkflowCore>,
    approver: &str,
    acknowledge_not_executed: bool,
    has_dispatch: bool,
    preflight: Option<&Bound<'py, PyAny>>,
) -> PyResult<Answer<'py>> {
    let py = wf.py();
    let env = crate::env::env(py, "");
    let mut core = wf.borrow_mut();
    let out = with_options(py, has_dispatch, preflight, |o| {
        engine::approve(&mut core.wf, &env, approver, acknowledge_not_executed, o)
    })?;
    answer(py, &mut core, out)
}

#[pyfunction]
pub fn rollback<'py>(wf: &Bound<'py, WorkflowCore>, has_dispatch: bool) -> PyResult<Answer<'py>> {
    let py = wf.py();
    let env = crate::env::env(py, "");
    let mut core = wf.borrow_mut();
    let out = with_options(py, has_dispatch, None, |o| engine::rollback(&mut core.wf, &env, o))?;
    answer(py, &mut core, out)
}

#[pyfunction]
pub fn cancel<'py>(wf: &Bound<'py, WorkflowCore>, reason: &str) -> PyResult<Answer<'py>> {
    let py = wf.py();
    let env = crate::env::env(py, "");
    let mut core = wf.borrow_mut();
    let out = engine::cancel(&mut core.wf, &env, reason);
    answer(py, &mut core, out)
}

fn is_plain(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_none()
        || obj.is_instance_of::<PyDict>()
        || obj.is_instance_of::<PyList>()
        || obj.is_instance_of::<PyTuple>()
        || obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<PyInt>()
        || obj.is_instance_of::<PyFloat>()
}

fn block_value(block: &Bound<'_, PyAny>) -> PyResult<Value> {
    if block.is_instance_of::<PyDict>() {
        return to_json(block);
    }
    let mut m = serde_json::Map::new();
    for attr in ["type", "text"] {
        if let Ok(v) = block.getattr(attr) {
            m.insert(attr.into(), to_json(&v)?);
        }
    }
    Ok(Value::Object(m))
}

/// A dispatch's return value as the core reads it: plain data, or an MCP result object
/// (anything with `isError`/`content`/`structuredContent` attributes).
pub fn reported_value(obj: &Bound<'_, PyAny>) -> PyResult<Reported> {
    let looks_like_result =
        !is_plain(obj) && (obj.hasattr("isError")? || obj.hasattr("content")? || obj.hasattr("structuredContent")?);
    if !looks_like_result {
        return Ok(Reported::Returned(to_json(obj)?));
    }
    let is_error = obj.getattr("isError").ok().map(|v| v.is_truthy()).transpose()?.unwrap_or(false);
    let content = match obj.getattr("content") {
        Ok(c) if c.is_instance_of::<PyList>() => {
            c.try_iter()?.map(|b| block_value(&b?)).collect::<PyResult<Vec<_>>>()?
        }
        _ => Vec::new(),
    };
    let structured_content = match obj.getattr("structuredContent") {
        Ok(s) => to_json(&s)?,
        Err(_) => Value::Null,
    };
    Ok(Reported::ToolResult(ToolResult::received(is_error, content, structured_content)))
}

/// Reports a dispatched step's outcome: `("returned", value)`, `("raised", message)` or
/// `("unknown", message, payload)`.
#[pyfunction]
#[pyo3(signature = (wf, index, outcome, has_dispatch = true))]
pub fn report<'py>(
    wf: &Bound<'py, WorkflowCore>,
    index: i64,
    outcome: &Bound<'py, PyTuple>,
    has_dispatch: bool,
) -> PyResult<Answer<'py>> {
    let py = wf.py();
    let kind: String = outcome.get_item(0)?.extract()?;
    let reported = match kind.as_str() {
        "returned" => reported_value(&outcome.get_item(1)?)?,
        "raised" => Reported::Raised(outcome.get_item(1)?.extract()?),
        "unknown" => Reported::EffectUnknown {
            message: outcome.get_item(1)?.extract()?,
            payload: match outcome.get_item(2) {
                Ok(p) => to_json(&p)?,
                Err(_) => Value::Null,
            },
        },
        other => return Err(PyValueError::new_err(format!("unknown report kind {other:?}"))),
    };
    let env = crate::env::env(py, "");
    let mut core = wf.borrow_mut();
    let out = with_options(py, has_dispatch, None, |o| engine::report(&mut core.wf, &env, index, reported, o))?;
    answer(py, &mut core, out)
}

/// `_resolve_step_refs(params, steps, current_index)`: raises `ValueError` with the
/// teaching message when a reference cannot be filled.
#[pyfunction]
pub fn resolve_step_refs<'py>(
    params: &Bound<'py, PyAny>,
    steps: &Bound<'py, PyAny>,
    current_index: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let py = params.py();
    let map = crate::convert::to_map(params, "params")?;
    let mut list = Vec::new();
    for s in steps.try_iter()? {
        list.push(crate::workflow::step_data(&s?)?);
    }
    match engine::resolve_params(&map, &list, current_index) {
        Ok(m) => Ok(map_to_py(py, &m)?.into_any()),
        Err(e) => Err(PyValueError::new_err(e.to_string())),
    }
}

/// `_returned_failure(result, skill, tool)`: the failure a returned value reports, or None.
#[pyfunction]
#[pyo3(signature = (result, skill = String::new(), tool = String::new()))]
pub fn returned_failure(result: &Bound<'_, PyAny>, skill: String, tool: String) -> PyResult<Option<String>> {
    Ok(engine::returned_failure(&reported_value(result)?, &skill, &tool))
}
