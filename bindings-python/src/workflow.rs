//! `Workflow` and `WorkflowStep` objects whose data lives in the core's record. The Python
//! classes of `vmware_pilot.models` subclass these and add the dataclass-like surface.

use pyo3::exceptions::{PyAttributeError, PyIndexError, PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyString, PyType};
use serde_json::Value;

use pilot_core::record::{AuditEntry, Changes, DbJsonCache, WorkflowState};
use pilot_core::{Workflow, WorkflowStep};

use crate::convert::{map_to_py, to_json, to_map, to_py};

static WORKFLOW_CLS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static STEP_CLS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static STATE_CLS: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Called once by `vmware_pilot.models` with its classes.
#[pyfunction]
pub fn register(py: Python<'_>, workflow: Py<PyType>, step: Py<PyType>, state: Py<PyType>) {
    let _ = WORKFLOW_CLS.set(py, workflow);
    let _ = STEP_CLS.set(py, step);
    let _ = STATE_CLS.set(py, state);
}

fn unregistered() -> PyErr {
    PyRuntimeError::new_err("vmware_pilot.models is not imported yet")
}

pub fn empty_workflow() -> Workflow {
    Workflow {
        id: String::new(),
        workflow_type: String::new(),
        state: WorkflowState::Pending,
        steps: Vec::new(),
        params: Default::default(),
        created_at: String::new(),
        updated_at: String::new(),
        approved_by: String::new(),
        diff_report: Default::default(),
        audit_log: Vec::new(),
        blocked_reason: String::new(),
        rollback_results: Vec::new(),
        created_by: String::new(),
        authors: Vec::new(),
    }
}

#[pyclass(subclass, module = "vmware_pilot._native", name = "WorkflowCore")]
pub struct WorkflowCore {
    pub wf: Workflow,
    /// The stored row this copy was read from or last wrote (the revision it replaces).
    pub last_data: Option<String>,
    /// The stored text, piece by piece, and what changed since it was last rendered.
    pub cache: DbJsonCache,
    pub dirty: Changes,
}

impl WorkflowCore {
    /// Everything may have changed (a field set from Python, a service call).
    pub fn touch_all(&mut self) {
        self.dirty.all = true;
    }
}

/// A new object of the registered Python `Workflow` class holding `wf`.
pub fn new_workflow_object<'py>(
    py: Python<'py>,
    wf: Workflow,
    last_data: Option<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let cls = WORKFLOW_CLS.get(py).ok_or_else(unregistered)?.bind(py).clone();
    let obj = cls.call_method1("__new__", (cls.clone(),))?;
    {
        let core = obj.cast::<WorkflowCore>()?;
        let mut c = core.borrow_mut();
        c.wf = wf;
        c.last_data = last_data;
        c.touch_all();
    }
    Ok(obj)
}

fn state_object<'py>(py: Python<'py>, s: WorkflowState) -> PyResult<Bound<'py, PyAny>> {
    match STATE_CLS.get(py) {
        Some(cls) => cls.bind(py).call1((s.as_str(),)),
        None => Ok(PyString::new(py, s.as_str()).into_any()),
    }
}

fn text(v: &Bound<'_, PyAny>, field: &str) -> PyResult<String> {
    v.extract::<String>().map_err(|_| PyTypeError::new_err(format!("{field} must be a str")))
}

fn audit_from_py(v: &Bound<'_, PyAny>) -> PyResult<Vec<AuditEntry>> {
    let Value::Array(items) = to_json(v)? else {
        return Err(PyTypeError::new_err("audit_log must be a list of {ts, action, detail} dicts"));
    };
    Ok(items
        .into_iter()
        .map(|e| {
            let f = |k: &str| e.get(k).map(pilot_core::pyfmt::py_str).unwrap_or_default();
            AuditEntry { ts: f("ts"), action: f("action"), detail: f("detail") }
        })
        .collect())
}

fn audit_to_py<'py>(py: Python<'py>, log: &[AuditEntry]) -> PyResult<Bound<'py, PyAny>> {
    let list = PyList::empty(py);
    for e in log {
        let d = pyo3::types::PyDict::new(py);
        d.set_item("ts", &e.ts)?;
        d.set_item("action", &e.action)?;
        d.set_item("detail", &e.detail)?;
        list.append(d)?;
    }
    Ok(list.into_any())
}

#[pymethods]
impl WorkflowCore {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, pyo3::types::PyTuple>, _kwargs: Option<&Bound<'_, pyo3::types::PyDict>>) -> Self {
        WorkflowCore { wf: empty_workflow(), last_data: None, cache: DbJsonCache::default(), dirty: Changes::whole() }
    }

    /// A top-level field (`steps` excluded).
    fn _get<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let wf = &self.wf;
        Ok(match name {
            "id" => PyString::new(py, &wf.id).into_any(),
            "workflow_type" => PyString::new(py, &wf.workflow_type).into_any(),
            "state" => state_object(py, wf.state)?,
            "params" => map_to_py(py, &wf.params)?.into_any(),
            "created_at" => PyString::new(py, &wf.created_at).into_any(),
            "updated_at" => PyString::new(py, &wf.updated_at).into_any(),
            "approved_by" => PyString::new(py, &wf.approved_by).into_any(),
            "diff_report" => map_to_py(py, &wf.diff_report)?.into_any(),
            "audit_log" => audit_to_py(py, &wf.audit_log)?,
            "blocked_reason" => PyString::new(py, &wf.blocked_reason).into_any(),
            "rollback_results" => to_py(py, &Value::Array(wf.rollback_results.clone()))?,
            "created_by" => PyString::new(py, &wf.created_by).into_any(),
            "authors" => PyList::new(py, &wf.authors)?.into_any(),
            other => return Err(PyAttributeError::new_err(format!("Workflow has no field {other:?}"))),
        })
    }

    fn _set(&mut self, name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
        self.dirty.all = true;
        let wf = &mut self.wf;
        match name {
            "id" => wf.id = text(value, name)?,
            "workflow_type" => wf.workflow_type = text(value, name)?,
            "state" => {
                let s: String = value.extract().map_err(|_| PyTypeError::new_err("state must be a WorkflowState"))?;
                wf.state =
                    WorkflowState::parse(&s).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
            }
            "params" => wf.params = to_map(value, name)?,
            "created_at" => wf.created_at = text(value, name)?,
            "updated_at" => wf.updated_at = text(value, name)?,
            "approved_by" => wf.approved_by = text(value, name)?,
            "diff_report" => wf.diff_report = to_map(value, name)?,
            "audit_log" => wf.audit_log = audit_from_py(value)?,
            "blocked_reason" => wf.blocked_reason = text(value, name)?,
            "rollback_results" => {
                wf.rollback_results = match to_json(value)? {
                    Value::Array(a) => a,
                    _ => return Err(PyTypeError::new_err("rollback_results must be a list")),
                }
            }
            "created_by" => wf.created_by = text(value, name)?,
            "authors" => {
                wf.authors =
                    value.extract::<Vec<String>>().map_err(|_| PyTypeError::new_err("authors must be a list of str"))?
            }
            other => return Err(PyAttributeError::new_err(format!("Workflow has no field {other:?}"))),
        }
        Ok(())
    }

    /// The steps, as `WorkflowStep` objects that read and write this workflow.
    fn _steps<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyList>> {
        let py = slf.py();
        let n = slf.borrow().wf.steps.len();
        let list = PyList::empty(py);
        for pos in 0..n {
            list.append(attached_step(py, slf, pos)?)?;
        }
        Ok(list)
    }

    /// Replaces the steps with these `WorkflowStep` objects (their data is copied).
    fn _set_steps(slf: &Bound<'_, Self>, steps: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut out = Vec::new();
        for item in steps.try_iter()? {
            out.push(step_data(&item?)?);
        }
        let mut core = slf.borrow_mut();
        core.wf.steps = out;
        core.touch_all();
        Ok(())
    }

    fn _steps_len(&self) -> usize {
        self.wf.steps.len()
    }

    /// `to_dict()`: the record as plain Python data, secrets included.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.wf.to_value())
    }

    /// The `data` column upstream writes: redacted, `json.dumps` bytes.
    fn _db_json(&mut self) -> String {
        let text = self.cache.render(&self.wf, &self.dirty);
        self.dirty = Changes::since(self.wf.audit_log.len());
        text
    }

    /// The row to store: `(type, state, data, created_at, updated_at, id)`.
    fn _db_row(&mut self) -> (String, &'static str, String, String, String, String) {
        let data = self._db_json();
        let wf = &self.wf;
        (wf.workflow_type.clone(), wf.state.as_str(), data, wf.created_at.clone(), wf.updated_at.clone(), wf.id.clone())
    }

    /// The stored row this copy corresponds to (None: never stored or loaded).
    fn _get_last_data(&self) -> Option<String> {
        self.last_data.clone()
    }

    fn _set_last_data(&mut self, v: Option<String>) {
        self.last_data = v;
    }

    /// Appends an audit entry and bumps `updated_at`.
    #[pyo3(signature = (action, detail = String::new()))]
    fn log(&mut self, py: Python<'_>, action: &str, detail: String) {
        let env = crate::env::env(py, "");
        self.wf.log(&env, action, detail);
    }

    /// Records `who` among the authors (not empty, not the creator, not twice).
    fn with_author(&mut self, who: &Bound<'_, PyAny>) -> PyResult<()> {
        if who.is_truthy()? {
            let who: String = who.str()?.extract()?;
            self.wf.with_author(&who);
            self.dirty.all = true;
        }
        Ok(())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<WorkflowCore>() {
            Ok(o) => o.try_borrow().map(|o| o.wf == self.wf).unwrap_or(false),
            Err(_) => false,
        }
    }
}

enum Place {
    Detached(Box<WorkflowStep>),
    Attached { owner: Py<WorkflowCore>, pos: usize },
}

#[pyclass(subclass, module = "vmware_pilot._native", name = "StepCore")]
pub struct StepCore {
    place: Place,
}

fn empty_step() -> WorkflowStep {
    WorkflowStep::new(0, "", "", "", Default::default())
}

pub fn attached_step<'py>(
    py: Python<'py>,
    owner: &Bound<'py, WorkflowCore>,
    pos: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let cls = STEP_CLS.get(py).ok_or_else(unregistered)?.bind(py).clone();
    let obj = cls.call_method1("__new__", (cls.clone(),))?;
    obj.cast::<StepCore>()?.borrow_mut().place = Place::Attached { owner: owner.clone().unbind(), pos };
    Ok(obj)
}

/// A detached `WorkflowStep` object holding `step`.
pub fn detached_step<'py>(py: Python<'py>, step: WorkflowStep) -> PyResult<Bound<'py, PyAny>> {
    let cls = STEP_CLS.get(py).ok_or_else(unregistered)?.bind(py).clone();
    let obj = cls.call_method1("__new__", (cls.clone(),))?;
    obj.cast::<StepCore>()?.borrow_mut().place = Place::Detached(Box::new(step));
    Ok(obj)
}

/// The data of a `WorkflowStep` object (a copy).
pub fn step_data(obj: &Bound<'_, PyAny>) -> PyResult<WorkflowStep> {
    let core = obj.cast::<StepCore>().map_err(|_| PyTypeError::new_err("steps must be WorkflowStep objects"))?;
    core.borrow().read(obj.py(), |s| s.clone())
}

impl StepCore {
    fn read<R>(&self, py: Python<'_>, f: impl FnOnce(&WorkflowStep) -> R) -> PyResult<R> {
        match &self.place {
            Place::Detached(s) => Ok(f(s)),
            Place::Attached { owner, pos } => {
                let w = owner.bind(py).try_borrow().map_err(|_| PyRuntimeError::new_err("workflow is busy"))?;
                w.wf.steps
                    .get(*pos)
                    .map(f)
                    .ok_or_else(|| PyIndexError::new_err("this step is no longer part of its workflow"))
            }
        }
    }

    fn write<R>(&mut self, py: Python<'_>, f: impl FnOnce(&mut WorkflowStep) -> R) -> PyResult<R> {
        match &mut self.place {
            Place::Detached(s) => Ok(f(s)),
            Place::Attached { owner, pos } => {
                let mut w = owner.bind(py).try_borrow_mut().map_err(|_| PyRuntimeError::new_err("workflow is busy"))?;
                w.wf.steps
                    .get_mut(*pos)
                    .map(f)
                    .ok_or_else(|| PyIndexError::new_err("this step is no longer part of its workflow"))
            }
        }
    }
}

#[pymethods]
impl StepCore {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, pyo3::types::PyTuple>, _kwargs: Option<&Bound<'_, pyo3::types::PyDict>>) -> Self {
        StepCore { place: Place::Detached(Box::new(empty_step())) }
    }

    /// Sets every field at once; tool names are translated to their 2.0 names.
    #[allow(clippy::too_many_arguments)]
    fn _init(
        &mut self,
        py: Python<'_>,
        index: i64,
        action: String,
        skill: String,
        tool: String,
        params: &Bound<'_, PyAny>,
        status: &Bound<'_, PyAny>,
        result: &Bound<'_, PyAny>,
        started_at: String,
        completed_at: String,
        rollback_tool: String,
        rollback_params: &Bound<'_, PyAny>,
        group_id: String,
    ) -> PyResult<()> {
        let mut step = WorkflowStep::new(index, action, skill, tool, to_map(params, "params")?)
            .with_rollback(rollback_tool, to_map(rollback_params, "rollback_params")?)
            .with_group(group_id);
        step.status = to_json(status)?;
        step.result = to_json(result)?;
        step.started_at = started_at;
        step.completed_at = completed_at;
        self.write(py, |s| *s = step)
    }

    fn _get<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let v: Value = self
            .read(py, |s| match name {
                "index" => Some(Value::from(s.index)),
                "action" => Some(Value::from(s.action.clone())),
                "skill" => Some(Value::from(s.skill.clone())),
                "tool" => Some(Value::from(s.tool.clone())),
                "params" => Some(Value::Object(s.params.clone())),
                "status" => Some(s.status.clone()),
                "result" => Some(s.result.clone()),
                "started_at" => Some(Value::from(s.started_at.clone())),
                "completed_at" => Some(Value::from(s.completed_at.clone())),
                "rollback_tool" => Some(Value::from(s.rollback_tool.clone())),
                "rollback_params" => Some(Value::Object(s.rollback_params.clone())),
                "group_id" => Some(Value::from(s.group_id.clone())),
                _ => None,
            })?
            .ok_or_else(|| PyAttributeError::new_err(format!("WorkflowStep has no field {name:?}")))?;
        to_py(py, &v)
    }

    fn _set(&mut self, py: Python<'_>, name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let field = |k: &str| text(value, k);
        match name {
            "index" => {
                let i: i64 = value.extract().map_err(|_| PyTypeError::new_err("index must be an int"))?;
                self.write(py, |s| s.index = i)
            }
            "action" => {
                let v = field(name)?;
                self.write(py, |s| s.action = v)
            }
            "skill" => {
                let v = field(name)?;
                self.write(py, |s| s.skill = v)
            }
            "tool" => {
                let v = field(name)?;
                self.write(py, |s| s.tool = v)
            }
            "params" => {
                let v = to_map(value, name)?;
                self.write(py, |s| s.params = v)
            }
            "status" => {
                let v = to_json(value)?;
                self.write(py, |s| s.status = v)
            }
            "result" => {
                let v = to_json(value)?;
                self.write(py, |s| s.result = v)
            }
            "started_at" => {
                let v = field(name)?;
                self.write(py, |s| s.started_at = v)
            }
            "completed_at" => {
                let v = field(name)?;
                self.write(py, |s| s.completed_at = v)
            }
            "rollback_tool" => {
                let v = field(name)?;
                self.write(py, |s| s.rollback_tool = v)
            }
            "rollback_params" => {
                let v = to_map(value, name)?;
                self.write(py, |s| s.rollback_params = v)
            }
            "group_id" => {
                let v = field(name)?;
                self.write(py, |s| s.group_id = v)
            }
            other => Err(PyAttributeError::new_err(format!("WorkflowStep has no field {other:?}"))),
        }
    }

    /// The step as a dict (upstream's `asdict(step)`).
    fn _as_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = self.read(py, |s| serde_json::to_value(s).unwrap_or(Value::Null))?;
        to_py(py, &v)
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(o) = other.cast::<StepCore>() else { return Ok(false) };
        let theirs = o.borrow().read(py, |s| s.clone())?;
        self.read(py, |s| *s == theirs)
    }
}
