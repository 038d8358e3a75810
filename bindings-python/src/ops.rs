//! `_native.ops`: the core's operations layer for the MCP tools, over the server's store and
//! executor (Python objects that tests and embedders replace). Each function answers with
//! upstream's dict, or raises `_native.records_api.PilotError` (`code`, `details`: upstream's
//! answer for the refusal); an exception of the store or executor propagates unchanged.

use pyo3::prelude::*;
use serde_json::Value;

use pilot_core::ops::{self, Act, ApproveArgs, ApproverCheck, Host};
use pilot_core::record::Changes;
use pilot_core::safety::roles::ApproveMode;
use pilot_core::{Env, PilotError, Workflow};

use crate::convert::{to_json, to_py};
use crate::model::{read_workflow, write_back};

/// A host over a Python store (`load(id)`, `save(wf)`) and executor (obtained on first act
/// from `executor`, a callable, so that a refusal never builds a dispatcher).
struct PyHost<'py> {
    store: Bound<'py, PyAny>,
    executor: Bound<'py, PyAny>,
    /// The object the store returned: acts are performed on it, edits written into it.
    obj: Option<Bound<'py, PyAny>>,
    /// A Python exception raised by the store or executor, re-raised as it was.
    raised: Option<PyErr>,
    /// The store returned an object that is not a `Workflow` (an embedder's stand-in).
    stand_in: bool,
}

impl<'py> PyHost<'py> {
    fn new(store: &Bound<'py, PyAny>, executor: &Bound<'py, PyAny>) -> Self {
        PyHost { store: store.clone(), executor: executor.clone(), obj: None, raised: None, stand_in: false }
    }

    /// Keeps `e` to re-raise it, and tells the core the store or executor failed, by the
    /// exception's class (what upstream's unreadable answer names).
    fn fail(&mut self, e: PyErr) -> PilotError {
        let py = self.store.py();
        let class = e.get_type(py).name().map(|n| n.to_string()).unwrap_or_else(|_| "Exception".into());
        self.raised = Some(e);
        PilotError::Storage { detail: class }
    }

    fn obj(&self) -> Result<&Bound<'py, PyAny>, PilotError> {
        self.obj.as_ref().ok_or_else(|| PilotError::Storage { detail: "no workflow loaded".into() })
    }

    /// The answer as Python sees it: the value, or the refusal raised.
    fn finish(self, out: Result<Value, PilotError>) -> PyResult<Bound<'py, PyAny>> {
        let py = self.store.py();
        match (out, self.raised) {
            (Ok(v), _) => to_py(py, &v),
            // a refusal built on a failed read (record_unreadable) is the answer, not the exception
            (Err(e @ PilotError::RecordUnreadable { .. }), _) => Err(crate::records_api::raise(py, &e)),
            (Err(_), Some(raised)) => Err(raised),
            (Err(e), None) => Err(crate::records_api::raise(py, &e)),
        }
    }
}

impl Host for PyHost<'_> {
    fn load(&mut self, id: &str) -> Result<Option<Workflow>, PilotError> {
        let obj = match self.store.call_method1("load", (id,)) {
            Ok(obj) => obj,
            Err(e) => return Err(self.fail(e)),
        };
        if obj.is_none() {
            return Ok(None);
        }
        if !crate::model::is_workflow(&obj) {
            self.obj = Some(obj);
            self.stand_in = true;
            return Ok(None);
        }
        let wf = match read_workflow(&obj) {
            Ok(wf) => wf,
            Err(e) => return Err(self.fail(e)),
        };
        self.obj = Some(obj);
        Ok(Some(wf))
    }

    fn stand_in(&self) -> bool {
        self.stand_in
    }

    fn save(&mut self, wf: &Workflow, changes: &Changes) -> Result<(), PilotError> {
        let obj = self.obj()?.clone();
        let saved = write_back(&obj, wf, changes).and_then(|_| self.store.call_method1("save", (&obj,)).map(|_| ()));
        saved.map_err(|e| self.fail(e))
    }

    fn act(&mut self, _wf: Option<Workflow>, act: Act, _env: &Env) -> Result<Value, PilotError> {
        let obj = self.obj()?.clone();
        let py = obj.py();
        let answer = self.executor.call0().and_then(|ex| match &act {
            Act::Run => ex.call_method1("run_until_checkpoint", (&obj,)),
            Act::Approve { approver, acknowledge_not_executed, .. } => {
                let kwargs = pyo3::types::PyDict::new(py);
                kwargs.set_item("approver", approver)?;
                kwargs.set_item("acknowledge_not_executed", *acknowledge_not_executed)?;
                ex.call_method("resume_after_approval", (&obj,), Some(&kwargs))
            }
            Act::Rollback => ex.call_method1("rollback", (&obj,)),
            Act::Cancel { reason } => {
                let kwargs = pyo3::types::PyDict::new(py);
                kwargs.set_item("reason", reason)?;
                ex.call_method("cancel", (&obj,), Some(&kwargs))
            }
        });
        answer.and_then(|a| to_json(&a)).map_err(|e| self.fail(e))
    }
}

fn id_of(workflow_id: &Bound<'_, PyAny>) -> PyResult<String> {
    let py = workflow_id.py();
    ops::id_arg(&to_json(workflow_id)?, "workflow_id").map_err(|e| crate::records_api::raise(py, &e))
}

/// Runs `op` over a host of `store` and `executor` for the checked `workflow_id`, as `caller`,
/// and gives its answer to Python.
fn call<'py>(
    store: &Bound<'py, PyAny>,
    executor: &Bound<'py, PyAny>,
    workflow_id: &Bound<'py, PyAny>,
    caller: &str,
    op: impl FnOnce(&mut PyHost<'py>, &str, &Env) -> Result<Value, PilotError>,
) -> PyResult<Bound<'py, PyAny>> {
    let id = id_of(workflow_id)?;
    let mut host = PyHost::new(store, executor);
    let out = op(&mut host, &id, &crate::env::env(store.py(), caller));
    host.finish(out)
}

/// run_workflow.
#[pyfunction]
pub fn run<'py>(
    store: &Bound<'py, PyAny>,
    executor: &Bound<'py, PyAny>,
    workflow_id: &Bound<'py, PyAny>,
    force: bool,
) -> PyResult<Bound<'py, PyAny>> {
    call(store, executor, workflow_id, "", |h, id, env| ops::run(h, id, force, env))
}

/// approve. `caller`: the authenticated caller over a network transport, or None. `role`:
/// None when vmware-policy roles are off (or no caller); else `(role_name, mode)` with mode
/// "none", "any", "others" — or None when the role cannot be used.
#[pyfunction]
#[pyo3(signature = (store, executor, workflow_id, approver, acknowledge_not_executed, caller = None, role = None))]
#[allow(clippy::too_many_arguments)]
pub fn approve<'py>(
    store: &Bound<'py, PyAny>,
    executor: &Bound<'py, PyAny>,
    workflow_id: &Bound<'py, PyAny>,
    approver: &str,
    acknowledge_not_executed: bool,
    caller: Option<&str>,
    role: Option<(String, Option<String>)>,
) -> PyResult<Bound<'py, PyAny>> {
    let mode = role.as_ref().map(|(name, mode)| (name.as_str(), mode.as_deref().and_then(ApproveMode::parse)));
    let check = match mode {
        None => ApproverCheck::Unchecked,
        Some((name, mode)) => ApproverCheck::Role { role: mode.map(|m| (name, m)), role_name: name },
    };
    let a = ApproveArgs { approver, caller, check, acknowledge_not_executed, hold: false };
    call(store, executor, workflow_id, "", |h, id, env| ops::approve(h, id, a, env))
}

/// rollback: the preview, or with `confirm` the labelled rollback.
#[pyfunction]
pub fn rollback<'py>(
    store: &Bound<'py, PyAny>,
    executor: &Bound<'py, PyAny>,
    workflow_id: &Bound<'py, PyAny>,
    confirm: bool,
    acknowledge_unknown_effects: bool,
) -> PyResult<Bound<'py, PyAny>> {
    call(store, executor, workflow_id, "", |h, id, env| {
        ops::rollback(h, id, confirm, acknowledge_unknown_effects, env).map(ops::Undo::into_value)
    })
}

/// cancel_workflow: the preview, or with `confirm` the labelled cancel.
#[pyfunction]
pub fn cancel<'py>(
    store: &Bound<'py, PyAny>,
    executor: &Bound<'py, PyAny>,
    workflow_id: &Bound<'py, PyAny>,
    reason: &str,
    confirm: bool,
    acknowledge_unknown_effects: bool,
) -> PyResult<Bound<'py, PyAny>> {
    call(store, executor, workflow_id, "", |h, id, env| {
        ops::cancel(h, id, reason, confirm, acknowledge_unknown_effects, env).map(ops::Undo::into_value)
    })
}

/// update_draft, as `caller` (who becomes one of the draft's authors).
#[pyfunction]
pub fn update_draft<'py>(
    store: &Bound<'py, PyAny>,
    workflow_id: &Bound<'py, PyAny>,
    name: &str,
    description: &str,
    steps: &Bound<'py, PyAny>,
    caller: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let py = store.py();
    let steps = to_json(steps)?;
    let no_executor = py.None().into_bound(py); // a draft edit performs nothing
    call(store, &no_executor, workflow_id, caller, |h, id, env| {
        ops::update_draft(h, id, name, description, &steps, env)
    })
}

pub fn register(parent: &Bound<'_, PyModule>) -> PyResult<()> {
    let m = PyModule::new(parent.py(), "ops")?;
    for f in [
        wrap_pyfunction!(run, &m)?,
        wrap_pyfunction!(approve, &m)?,
        wrap_pyfunction!(rollback, &m)?,
        wrap_pyfunction!(cancel, &m)?,
        wrap_pyfunction!(update_draft, &m)?,
    ] {
        m.add_function(f)?;
    }
    parent.add_submodule(&m)
}
