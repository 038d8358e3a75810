//! Records between `Workflow` objects and stored rows: loading a row, rendering a row from an
//! object, and the secrets a store keeps in memory for copies it reads again.

use pyo3::prelude::*;

use pilot_core::record::{restore_secrets, secrets_only, workflow_from_json, workflow_from_value, Workflow};

use crate::convert::to_json;
use crate::engine::{row_of, Row};
use crate::model::{new_workflow, read_workflow};

/// `_from_dict(d)`: a stored record (already decoded) as a `Workflow`; a damaged one raises
/// the exception class upstream raises (KeyError, ValueError, TypeError, AttributeError).
#[pyfunction]
pub fn from_dict<'py>(py: Python<'py>, d: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let wf = workflow_from_value(to_json(d)?).map_err(|e| crate::errors::to_py_err(py, e))?;
    new_workflow(py, &wf)
}

/// The secrets of a record, kept apart from it (only the values under sensitive keys and
/// where they sit), so that a store can give them back to a copy it reads again.
#[pyclass(module = "vmware_pilot._native", name = "Secrets", frozen)]
pub struct Secrets(Workflow);

/// A stored row's `data` text as a `Workflow`, with `secrets` put back where the row holds
/// the redacted placeholder.
#[pyfunction]
#[pyo3(signature = (text, secrets = None))]
pub fn from_json<'py>(
    py: Python<'py>,
    text: &str,
    secrets: Option<&Bound<'py, Secrets>>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut wf = workflow_from_json(text).map_err(|e| crate::errors::to_py_err(py, e))?;
    if let Some(s) = secrets {
        restore_secrets(&mut wf, &s.get().0);
    }
    new_workflow(py, &wf)
}

/// The secrets a `Workflow` object holds, or None when it holds none.
#[pyfunction]
pub fn secrets_of(py: Python<'_>, workflow: &Bound<'_, PyAny>) -> PyResult<Option<Py<Secrets>>> {
    match secrets_only(&read_workflow(workflow)?) {
        Some(s) => Ok(Some(Py::new(py, Secrets(s))?)),
        None => Ok(None),
    }
}

/// The row a `Workflow` object is stored as, rendered whole from the object:
/// `(type, state, data, created_at, updated_at, id)`, `data` redacted in `json.dumps` bytes.
#[pyfunction]
pub fn render_row(workflow: &Bound<'_, PyAny>) -> PyResult<Row> {
    let wf = read_workflow(workflow)?;
    let data = wf.to_db_json();
    Ok(row_of(&wf, data))
}

/// `to_dict()` of a `Workflow` object as the core renders it (plain JSON data).
#[pyfunction]
pub fn to_dict<'py>(workflow: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    crate::convert::to_py(workflow.py(), &read_workflow(workflow)?.to_value())
}
