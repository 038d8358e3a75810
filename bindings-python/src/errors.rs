//! The core's errors as Python exceptions, of the classes upstream raises for the same cases.

use pyo3::exceptions::{PyAttributeError, PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;

use pilot_core::{PilotError, RecordFault};

pyo3::create_exception!(
    _native,
    WorkflowConflictError,
    PyValueError,
    "The workflow changed in the store since this copy was read; nothing was written."
);
pyo3::create_exception!(
    _native,
    ApprovalGateError,
    PyValueError,
    "A custom workflow has a step that needs a require_approval gate before it; `payload` is the refusal."
);

fn with_code(py: Python<'_>, err: PyErr, code: &str) -> PyErr {
    let _ = err.value(py).setattr("code", code);
    err
}

/// Raises `e` as the Python exception callers of upstream would catch.
pub fn to_py_err(py: Python<'_>, e: PilotError) -> PyErr {
    let code = e.code();
    let message = e.to_string();
    let err = match &e {
        PilotError::InvalidRecord { fault, .. } => match fault {
            RecordFault::Key => PyKeyError::new_err(message),
            RecordFault::Value => PyValueError::new_err(message),
            RecordFault::Type => PyTypeError::new_err(message),
            RecordFault::Attribute => PyAttributeError::new_err(message),
            RecordFault::JsonDecode => json_decode_error(py, &message),
        },
        PilotError::TemplateBind { .. } => PyTypeError::new_err(message),
        PilotError::Conflict { .. } | PilotError::AlreadyExists { .. } => WorkflowConflictError::new_err(message),
        PilotError::ApprovalGate { payload } => {
            let err = ApprovalGateError::new_err(message);
            if let Ok(p) = crate::convert::to_py(py, payload) {
                let _ = err.value(py).setattr("payload", p);
            }
            err
        }
        PilotError::InvalidArgument { .. } => PyValueError::new_err(message),
        _ => PyValueError::new_err(message),
    };
    with_code(py, err, code)
}

fn json_decode_error(py: Python<'_>, message: &str) -> PyErr {
    let made =
        py.import("json").and_then(|json| json.getattr("JSONDecodeError")).and_then(|cls| cls.call1((message, "", 0)));
    match made {
        Ok(obj) => PyErr::from_value(obj),
        Err(e) => e,
    }
}

/// The `(kind, payload)` answer of a transition that was refused: upstream returns refusals.
pub fn refusal<'py>(py: Python<'py>, e: &PilotError) -> PyResult<Bound<'py, PyAny>> {
    crate::convert::to_py(py, &e.to_response())
}
