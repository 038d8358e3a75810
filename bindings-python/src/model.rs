//! `Workflow` and `WorkflowStep` are plain Python dataclasses (`vmware_pilot.models`). The
//! core's record is read from such an object whenever a rule needs it — one pass over the
//! object — and what a transition changed is written back into the same objects, so an
//! embedder's references (a step it holds, `wf.audit_log`) stay live, as on upstream's.

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString, PyTuple, PyType};
use pyo3::{intern, IntoPyObjectExt};
use serde_json::{Map, Value};

use pilot_core::record::{AuditEntry, Changes, StepStatus, WorkflowState};
use pilot_core::{Workflow, WorkflowStep};

use crate::convert::{to_json, to_py};

struct Classes {
    workflow: Py<PyType>,
    step: Py<PyType>,
    state: Py<PyType>,
    /// `WorkflowState` members by value, in [`WorkflowState::ALL`] order.
    states: Vec<(WorkflowState, Py<PyAny>)>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

/// Called once by `vmware_pilot.models` with its classes.
#[pyfunction]
pub fn register(py: Python<'_>, workflow: Py<PyType>, step: Py<PyType>, state: Py<PyType>) -> PyResult<()> {
    let mut states = Vec::new();
    for s in WorkflowState::ALL {
        states.push((s, state.bind(py).call1((s.as_str(),))?.unbind()));
    }
    let _ = CLASSES.set(py, Classes { workflow, step, state, states });
    Ok(())
}

fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get(py).ok_or_else(|| PyRuntimeError::new_err("vmware_pilot.models is not imported yet"))
}

// ── reading an object into the core's record ─────────────────────────────────────────────

/// Can `obj` be read as a workflow: a `Workflow`, or an object with its fields (duck-typed)?
/// Anything else is an embedder's stand-in.
pub fn is_workflow(obj: &Bound<'_, PyAny>) -> bool {
    let py = obj.py();
    classes(py).is_ok_and(|c| obj.is_instance(c.workflow.bind(py)).unwrap_or(false))
        || obj.hasattr(intern!(py, "steps")).unwrap_or(false)
}

/// A field of a dataclass object: from its `__dict__` (fast), else as an attribute.
fn field<'py>(obj: &Bound<'py, PyAny>, dict: Option<&Bound<'py, PyDict>>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    if let Some(d) = dict {
        if let Some(v) = d.get_item(name)? {
            return Ok(v);
        }
    }
    obj.getattr(name)
}

fn instance_dict<'py>(obj: &Bound<'py, PyAny>) -> Option<Bound<'py, PyDict>> {
    obj.getattr(intern!(obj.py(), "__dict__")).ok().and_then(|d| d.cast_into::<PyDict>().ok())
}

fn wrong_type(place: &str, expected: &str, got: &Bound<'_, PyAny>) -> PyErr {
    let name = got.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    PyTypeError::new_err(format!("{place} must be {expected}, not {name}; nothing was changed"))
}

fn text(v: &Bound<'_, PyAny>, place: &str) -> PyResult<String> {
    match v.cast::<PyString>() {
        Ok(s) => Ok(s.to_str()?.to_owned()),
        Err(_) => Err(wrong_type(place, "a str", v)),
    }
}

fn map(v: &Bound<'_, PyAny>, place: &str) -> PyResult<Map<String, Value>> {
    if !v.is_instance_of::<PyDict>() {
        return Err(wrong_type(place, "a dict", v));
    }
    match to_json(v)? {
        Value::Object(m) => Ok(m),
        _ => Err(wrong_type(place, "a dict", v)),
    }
}

fn sequence<'py>(v: &Bound<'py, PyAny>, place: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if let Ok(l) = v.cast::<PyList>() {
        return Ok(l.iter().collect());
    }
    if let Ok(t) = v.cast::<PyTuple>() {
        return Ok(t.iter().collect());
    }
    Err(wrong_type(place, "a list", v))
}

/// The core's step from a `WorkflowStep` object. Tool names are taken as they are: the
/// dataclass translated them when it was built, as upstream's does.
pub fn read_step(obj: &Bound<'_, PyAny>, place: &str) -> PyResult<WorkflowStep> {
    let d = instance_dict(obj);
    let d = d.as_ref();
    let f = |name: &str| field(obj, d, name);
    let at = |name: &str| format!("{place}.{name}");
    let index_obj = f("index")?;
    if index_obj.is_instance_of::<pyo3::types::PyBool>() || !index_obj.is_instance_of::<pyo3::types::PyInt>() {
        return Err(wrong_type(&at("index"), "an int", &index_obj));
    }
    let index: i64 = index_obj.extract().map_err(|_| wrong_type(&at("index"), "a 64-bit int", &index_obj))?;
    Ok(WorkflowStep {
        index,
        action: text(&f("action")?, &at("action"))?,
        skill: text(&f("skill")?, &at("skill"))?,
        tool: text(&f("tool")?, &at("tool"))?,
        params: map(&f("params")?, &at("params"))?,
        status: StepStatus::from_value(to_json(&f("status")?)?),
        result: to_json(&f("result")?)?,
        started_at: text(&f("started_at")?, &at("started_at"))?,
        completed_at: text(&f("completed_at")?, &at("completed_at"))?,
        rollback_tool: text(&f("rollback_tool")?, &at("rollback_tool"))?,
        rollback_params: map(&f("rollback_params")?, &at("rollback_params"))?,
        group_id: text(&f("group_id")?, &at("group_id"))?,
    })
}

fn read_state(v: &Bound<'_, PyAny>) -> PyResult<WorkflowState> {
    // a WorkflowState member is a str; a plain str naming a state is taken too
    let s = text(v, "Workflow.state")?;
    WorkflowState::parse(&s).map_err(|_| {
        PyTypeError::new_err(format!(
            "Workflow.state must be a WorkflowState, not {s:?}; nothing was changed (one of: {})",
            WorkflowState::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        ))
    })
}

fn read_audit(v: &Bound<'_, PyAny>) -> PyResult<Vec<AuditEntry>> {
    let items = sequence(v, "Workflow.audit_log")?;
    let mut out = Vec::with_capacity(items.len());
    for (i, e) in items.iter().enumerate() {
        out.push(AuditEntry::from_object(map(e, &format!("Workflow.audit_log[{i}]"))?));
    }
    Ok(out)
}

/// The core's record from a `Workflow` object (one pass over it).
pub fn read_workflow(obj: &Bound<'_, PyAny>) -> PyResult<Workflow> {
    let d = instance_dict(obj);
    let d = d.as_ref();
    let f = |name: &str| field(obj, d, name);
    let steps_obj = f("steps")?;
    let steps_list = sequence(&steps_obj, "Workflow.steps")?;
    let mut steps = Vec::with_capacity(steps_list.len());
    for (i, s) in steps_list.iter().enumerate() {
        steps.push(read_step(s, &format!("Workflow.steps[{i}]"))?);
    }
    let rollback_results = match to_json(&f("rollback_results")?)? {
        Value::Array(a) => a,
        _ => return Err(wrong_type("Workflow.rollback_results", "a list", &f("rollback_results")?)),
    };
    let authors = sequence(&f("authors")?, "Workflow.authors")?
        .iter()
        .enumerate()
        .map(|(i, a)| text(a, &format!("Workflow.authors[{i}]")))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(Workflow {
        id: text(&f("id")?, "Workflow.id")?,
        workflow_type: text(&f("workflow_type")?, "Workflow.workflow_type")?,
        state: read_state(&f("state")?)?,
        steps,
        params: map(&f("params")?, "Workflow.params")?,
        created_at: text(&f("created_at")?, "Workflow.created_at")?,
        updated_at: text(&f("updated_at")?, "Workflow.updated_at")?,
        approved_by: text(&f("approved_by")?, "Workflow.approved_by")?,
        diff_report: map(&f("diff_report")?, "Workflow.diff_report")?,
        audit_log: read_audit(&f("audit_log")?)?,
        blocked_reason: text(&f("blocked_reason")?, "Workflow.blocked_reason")?,
        rollback_results,
        created_by: text(&f("created_by")?, "Workflow.created_by")?,
        authors,
    })
}

// ── building objects from the record ─────────────────────────────────────────────────────

fn state_object<'py>(py: Python<'py>, s: WorkflowState) -> PyResult<Bound<'py, PyAny>> {
    let c = classes(py)?;
    match c.states.iter().find(|(k, _)| *k == s) {
        Some((_, obj)) => Ok(obj.bind(py).clone()),
        None => c.state.bind(py).call1((s.as_str(),)),
    }
}

fn audit_entry<'py>(py: Python<'py>, e: &AuditEntry) -> PyResult<Bound<'py, PyAny>> {
    if let Some(m) = &e.stored {
        return to_py(py, &Value::Object(m.clone()));
    }
    let d = PyDict::new(py);
    d.set_item(intern!(py, "ts"), &e.ts)?;
    d.set_item(intern!(py, "action"), &e.action)?;
    d.set_item(intern!(py, "detail"), &e.detail)?;
    Ok(d.into_any())
}

fn audit_list<'py>(py: Python<'py>, log: &[AuditEntry]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for e in log {
        list.append(audit_entry(py, e)?)?;
    }
    Ok(list)
}

/// An instance of `cls` made without calling `__init__` (the record is already complete:
/// a stored row's tool names were translated when it was loaded).
fn bare<'py>(cls: &Bound<'py, PyType>) -> PyResult<Bound<'py, PyAny>> {
    cls.call_method1(intern!(cls.py(), "__new__"), (cls,))
}

fn step_fields<'py>(py: Python<'py>, s: &WorkflowStep, d: &Bound<'py, PyDict>) -> PyResult<()> {
    d.set_item(intern!(py, "index"), s.index)?;
    d.set_item(intern!(py, "action"), &s.action)?;
    d.set_item(intern!(py, "skill"), &s.skill)?;
    d.set_item(intern!(py, "tool"), &s.tool)?;
    d.set_item(intern!(py, "params"), to_py(py, &Value::Object(s.params.clone()))?)?;
    d.set_item(intern!(py, "status"), to_py(py, &s.status.to_value())?)?;
    d.set_item(intern!(py, "result"), to_py(py, &s.result)?)?;
    d.set_item(intern!(py, "started_at"), &s.started_at)?;
    d.set_item(intern!(py, "completed_at"), &s.completed_at)?;
    d.set_item(intern!(py, "rollback_tool"), &s.rollback_tool)?;
    d.set_item(intern!(py, "rollback_params"), to_py(py, &Value::Object(s.rollback_params.clone()))?)?;
    d.set_item(intern!(py, "group_id"), &s.group_id)?;
    Ok(())
}

/// A new `WorkflowStep` object holding `s`.
pub fn new_step<'py>(py: Python<'py>, s: &WorkflowStep) -> PyResult<Bound<'py, PyAny>> {
    let obj = bare(classes(py)?.step.bind(py))?;
    let d = PyDict::new(py);
    step_fields(py, s, &d)?;
    obj.setattr(intern!(py, "__dict__"), d)?;
    Ok(obj)
}

fn steps_list<'py>(py: Python<'py>, steps: &[WorkflowStep]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for s in steps {
        list.append(new_step(py, s)?)?;
    }
    Ok(list)
}

fn workflow_fields<'py>(py: Python<'py>, wf: &Workflow, d: &Bound<'py, PyDict>) -> PyResult<()> {
    d.set_item(intern!(py, "id"), &wf.id)?;
    d.set_item(intern!(py, "workflow_type"), &wf.workflow_type)?;
    d.set_item(intern!(py, "state"), state_object(py, wf.state)?)?;
    d.set_item(intern!(py, "steps"), steps_list(py, &wf.steps)?)?;
    d.set_item(intern!(py, "params"), to_py(py, &Value::Object(wf.params.clone()))?)?;
    d.set_item(intern!(py, "created_at"), &wf.created_at)?;
    d.set_item(intern!(py, "updated_at"), &wf.updated_at)?;
    d.set_item(intern!(py, "approved_by"), &wf.approved_by)?;
    d.set_item(intern!(py, "diff_report"), to_py(py, &Value::Object(wf.diff_report.clone()))?)?;
    d.set_item(intern!(py, "audit_log"), audit_list(py, &wf.audit_log)?)?;
    d.set_item(intern!(py, "blocked_reason"), &wf.blocked_reason)?;
    d.set_item(intern!(py, "rollback_results"), to_py(py, &Value::Array(wf.rollback_results.clone()))?)?;
    d.set_item(intern!(py, "created_by"), &wf.created_by)?;
    d.set_item(intern!(py, "authors"), PyList::new(py, &wf.authors)?)?;
    Ok(())
}

/// A new `Workflow` object holding `wf`.
pub fn new_workflow<'py>(py: Python<'py>, wf: &Workflow) -> PyResult<Bound<'py, PyAny>> {
    let obj = bare(classes(py)?.workflow.bind(py))?;
    let d = PyDict::new(py);
    workflow_fields(py, wf, &d)?;
    obj.setattr(intern!(py, "__dict__"), d)?;
    Ok(obj)
}

// ── writing a transition's changes back into the objects ─────────────────────────────────

fn set<'py>(
    obj: &Bound<'py, PyAny>,
    d: Option<&Bound<'py, PyDict>>,
    name: &str,
    v: impl IntoPyObject<'py>,
) -> PyResult<()> {
    let v = v.into_bound_py_any(obj.py())?;
    match d {
        Some(d) => d.set_item(name, v),
        None => obj.setattr(name, v),
    }
}

/// Sets a dict field only when its content differs, so that a dict the host holds stays
/// the object's own when the transition did not touch it.
fn set_map<'py>(
    obj: &Bound<'py, PyAny>,
    d: Option<&Bound<'py, PyDict>>,
    name: &str,
    m: &Map<String, Value>,
) -> PyResult<()> {
    let current = field(obj, d, name)?;
    if current.is_instance_of::<PyDict>() {
        if let Value::Object(have) = to_json(&current)? {
            if &have == m {
                return Ok(());
            }
        }
    }
    set(obj, d, name, to_py(obj.py(), &Value::Object(m.clone()))?)
}

fn write_step(obj: &Bound<'_, PyAny>, s: &WorkflowStep) -> PyResult<()> {
    let py = obj.py();
    let d = instance_dict(obj);
    let d = d.as_ref();
    set(obj, d, "index", s.index)?;
    set(obj, d, "action", &s.action)?;
    set(obj, d, "skill", &s.skill)?;
    set(obj, d, "tool", &s.tool)?;
    set_map(obj, d, "params", &s.params)?;
    set(obj, d, "status", to_py(py, &s.status.to_value())?)?;
    set(obj, d, "result", to_py(py, &s.result)?)?;
    set(obj, d, "started_at", &s.started_at)?;
    set(obj, d, "completed_at", &s.completed_at)?;
    set(obj, d, "rollback_tool", &s.rollback_tool)?;
    set_map(obj, d, "rollback_params", &s.rollback_params)?;
    set(obj, d, "group_id", &s.group_id)?;
    Ok(())
}

/// Replaces the contents of a list field, keeping the list object itself when it is one.
fn replace_list<'py>(
    obj: &Bound<'py, PyAny>,
    d: Option<&Bound<'py, PyDict>>,
    name: &str,
    new: Bound<'py, PyList>,
) -> PyResult<()> {
    let current = field(obj, d, name)?;
    match current.cast::<PyList>() {
        Ok(l) => {
            let len = l.len();
            l.set_slice(0, len, &new)
        }
        Err(_) => set(obj, d, name, new),
    }
}

/// Writes into `obj` (a `Workflow` read with [`read_workflow`]) what `changes` says the core
/// changed in `wf` since then. Steps keep their objects; new audit entries are appended to the
/// object's own list.
pub fn write_back(obj: &Bound<'_, PyAny>, wf: &Workflow, changes: &Changes) -> PyResult<()> {
    let py = obj.py();
    let d = instance_dict(obj);
    let d = d.as_ref();
    set(obj, d, "id", &wf.id)?;
    set(obj, d, "workflow_type", &wf.workflow_type)?;
    set(obj, d, "state", state_object(py, wf.state)?)?;
    set(obj, d, "created_at", &wf.created_at)?;
    set(obj, d, "updated_at", &wf.updated_at)?;
    set(obj, d, "approved_by", &wf.approved_by)?;
    set(obj, d, "blocked_reason", &wf.blocked_reason)?;
    set(obj, d, "created_by", &wf.created_by)?;

    let steps_obj = field(obj, d, "steps")?;
    let step_objs: Option<Bound<'_, PyList>> = steps_obj.cast::<PyList>().ok().cloned();
    match step_objs {
        Some(list) if list.len() == wf.steps.len() => {
            if changes.all {
                for (pos, s) in wf.steps.iter().enumerate() {
                    write_step(&list.get_item(pos)?, s)?;
                }
            } else {
                for &pos in &changes.steps {
                    if let Some(s) = wf.steps.get(pos) {
                        write_step(&list.get_item(pos)?, s)?;
                    }
                }
            }
        }
        _ => replace_list(obj, d, "steps", steps_list(py, &wf.steps)?)?,
    }

    let audit_obj = field(obj, d, "audit_log")?;
    match audit_obj.cast::<PyList>() {
        Ok(list) if !changes.all && list.len() == changes.audit_from.min(wf.audit_log.len()) => {
            for e in &wf.audit_log[list.len()..] {
                list.append(audit_entry(py, e)?)?;
            }
        }
        _ => replace_list(obj, d, "audit_log", audit_list(py, &wf.audit_log)?)?,
    }
    if changes.all || changes.rollback_results {
        let v = to_py(py, &Value::Array(wf.rollback_results.clone()))?.cast_into::<PyList>()?;
        replace_list(obj, d, "rollback_results", v)?;
    }
    if changes.all {
        set_map(obj, d, "params", &wf.params)?;
        set_map(obj, d, "diff_report", &wf.diff_report)?;
        set(obj, d, "authors", PyList::new(py, &wf.authors)?)?;
    }
    Ok(())
}

/// A `Workflow` object as an argument: the core's record read from it (one pass). Functions
/// that only read a workflow take this.
pub struct Record(pub Workflow);

impl<'a, 'py> FromPyObject<'a, 'py> for Record {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        read_workflow(&obj).map(Record)
    }
}
