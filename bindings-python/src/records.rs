//! Loading stored records into `Workflow` objects.

use pyo3::prelude::*;

use crate::convert::to_json;
use crate::workflow::{new_workflow_object, WorkflowCore};

/// `_from_dict(d)`: a stored record (already decoded) as a `Workflow`; a damaged one raises
/// the exception class upstream raises (KeyError, ValueError, TypeError, AttributeError).
#[pyfunction]
pub fn from_dict<'py>(py: Python<'py>, d: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let wf = pilot_core::record::workflow_from_value(to_json(d)?).map_err(|e| crate::errors::to_py_err(py, e))?;
    new_workflow_object(py, wf, None)
}

/// A stored row's `data` text as a `Workflow` whose revision is that text.
#[pyfunction]
pub fn from_json<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let wf = pilot_core::record::workflow_from_json(text).map_err(|e| crate::errors::to_py_err(py, e))?;
    new_workflow_object(py, wf, Some(text.to_string()))
}

/// Copies secrets a stale in-process copy still holds into a fresh copy read from storage,
/// where storage holds the redacted placeholder at the same place of the same step.
#[pyfunction]
pub fn restore_secrets(fresh: &Bound<'_, WorkflowCore>, stale: &Bound<'_, WorkflowCore>) {
    if fresh.is(stale) {
        return;
    }
    let old = stale.borrow().wf.clone();
    let mut f = fresh.borrow_mut();
    pilot_core::record::restore_secrets(&mut f.wf, &old);
    f.touch_all();
}
