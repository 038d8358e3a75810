//! The core's transitions on a `Workflow` object, through a [`Session`]. Each returns `(kind, payload)`:
//! `("dispatch", [(index, skill, tool, params), ...])` — perform these and report each;
//! `("done", response)` — upstream's result dict; `("refused", refusal)` — upstream's
//! refusal dict, the record unchanged.

use std::cell::RefCell;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::Value;

use pilot_core::engine::{self, Options, Reported, ToolResult, Transition};
use pilot_core::record::{Changes, DbJsonCache};
use pilot_core::{Checkpoint, PilotError, Workflow, WorkflowStep};

use crate::convert::{map_to_py, to_json, to_py};
use crate::model::{new_step, read_step, read_workflow, write_back};

type Answer<'py> = (String, Bound<'py, PyAny>);

fn answer<'py>(py: Python<'py>, wf: &Workflow, out: &Result<Transition, PilotError>) -> PyResult<Answer<'py>> {
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
            _ => Ok(("done".into(), to_py(py, &t.response(wf))?)),
        },
        Err(e) => Ok(("refused".into(), crate::errors::refusal(py, e)?)),
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
    // the drop-in keeps upstream's semantics: a `running` step found by a run is a crash
    with_mode(py, mode, false, preflight, f)
}

/// [`with_options`] for any mode; the preflight is consulted only by a dispatching mode.
pub fn with_mode<R>(
    py: Python<'_>,
    mode: engine::Mode,
    live_host: bool,
    preflight: Option<&Bound<'_, PyAny>>,
    f: impl FnOnce(&Options) -> R,
) -> PyResult<R> {
    let escaped: RefCell<Option<PyErr>> = RefCell::new(None);
    let check = |steps: &[&WorkflowStep]| -> Result<(), String> {
        let Some(pf) = preflight else { return Ok(()) };
        let list = PyList::empty(py);
        for s in steps {
            let obj = new_step(py, s).map_err(|e| e.to_string())?;
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
    let opts =
        Options { mode, preflight: if preflight.is_some() && dispatching { Some(&check) } else { None }, live_host };
    let out = f(&opts);
    if let Some(e) = escaped.into_inner() {
        return Err(e);
    }
    Ok(out)
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

/// A dispatched step's outcome as the executor hands it over: `("returned", value)`,
/// `("raised", message)` or `("unknown", message, payload)`.
fn outcome_value(outcome: &Bound<'_, PyTuple>) -> PyResult<Reported> {
    let kind: String = outcome.get_item(0)?.extract()?;
    Ok(match kind.as_str() {
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
    })
}

/// One executor call on a `Workflow` object: the object is read into the core's record
/// once, each transition works on that record, and the stored text is rendered piece by
/// piece from it (`row`). What a transition changed reaches the Python object only after
/// the store has saved it (`commit`), so a failed save leaves the object as it is stored.
#[pyclass(module = "vmware_pilot._native", name = "Session")]
pub struct Session {
    obj: Py<PyAny>,
    wf: Workflow,
    /// Changed since the last `commit` into the object.
    pending: Changes,
    /// The stored text piece by piece, and what changed since it was last rendered.
    text: DbJsonCache,
    unrendered: Changes,
    has_dispatch: bool,
    preflight: Option<Py<PyAny>>,
}

impl Session {
    fn step<'py>(
        &mut self,
        py: Python<'py>,
        f: impl FnOnce(&mut Workflow, &pilot_core::Env, &Options) -> Result<Transition, PilotError>,
    ) -> PyResult<Answer<'py>> {
        let env = crate::env::env(py, "");
        let preflight = self.preflight.as_ref().map(|p| p.bind(py).clone());
        let wf = &mut self.wf;
        let out = with_options(py, self.has_dispatch, preflight.as_ref(), |o| f(wf, &env, o))?;
        if let Ok(t) = &out {
            self.pending.merge(&t.changes);
            self.unrendered.merge(&t.changes);
        }
        answer(py, &self.wf, &out)
    }
}

#[pymethods]
impl Session {
    #[new]
    #[pyo3(signature = (workflow, has_dispatch, preflight = None))]
    fn new(workflow: &Bound<'_, PyAny>, has_dispatch: bool, preflight: Option<Py<PyAny>>) -> PyResult<Self> {
        let wf = read_workflow(workflow)?;
        let audit = wf.audit_log.len();
        Ok(Session {
            obj: workflow.clone().unbind(),
            wf,
            pending: Changes::since(audit),
            text: DbJsonCache::default(),
            unrendered: Changes::whole(),
            has_dispatch,
            preflight,
        })
    }

    /// The `Workflow` object this session works on.
    #[getter]
    fn workflow(&self, py: Python<'_>) -> Py<PyAny> {
        self.obj.clone_ref(py)
    }

    fn run<'py>(&mut self, py: Python<'py>) -> PyResult<Answer<'py>> {
        self.step(py, engine::run)
    }

    fn approve<'py>(
        &mut self,
        py: Python<'py>,
        approver: &str,
        acknowledge_not_executed: bool,
    ) -> PyResult<Answer<'py>> {
        self.step(py, |wf, env, o| engine::approve(wf, env, approver, acknowledge_not_executed, o))
    }

    fn rollback<'py>(&mut self, py: Python<'py>) -> PyResult<Answer<'py>> {
        self.step(py, engine::rollback)
    }

    fn cancel<'py>(&mut self, py: Python<'py>, reason: &str) -> PyResult<Answer<'py>> {
        self.step(py, |wf, env, _| engine::cancel(wf, env, reason))
    }

    fn report<'py>(&mut self, py: Python<'py>, index: i64, outcome: &Bound<'py, PyTuple>) -> PyResult<Answer<'py>> {
        let reported = outcome_value(outcome)?;
        self.step(py, |wf, env, o| engine::report(wf, env, index, reported, o))
    }

    /// The row to store, `(type, state, data, created_at, updated_at, id)`; `data` is
    /// rendered again only where a transition changed the record.
    fn row(&mut self) -> Row {
        let data = self.text.render(&self.wf, &self.unrendered);
        self.unrendered = Changes::since(self.wf.audit_log.len());
        row_of(&self.wf, data)
    }

    /// Writes what the transitions since the last commit changed into the `Workflow` object.
    fn commit(&mut self, py: Python<'_>) -> PyResult<()> {
        write_back(self.obj.bind(py), &self.wf, &self.pending)?;
        self.pending = Changes::since(self.wf.audit_log.len());
        Ok(())
    }
}

/// `(type, state, data, created_at, updated_at, id)`: the values of a `workflows` row in the
/// order of the store's statements.
pub type Row = (String, &'static str, String, String, String, String);

pub fn row_of(wf: &Workflow, data: String) -> Row {
    (wf.workflow_type.clone(), wf.state.as_str(), data, wf.created_at.clone(), wf.updated_at.clone(), wf.id.clone())
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
    for (i, s) in steps.try_iter()?.enumerate() {
        list.push(read_step(&s?, &format!("steps[{i}]"))?);
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
