//! `_native.records_api.call(op, args)`: the core's record-in/record-out API for Python —
//! the same operations, checks and JSON shapes as the npm package's pure functions
//! (`pilot_core::ops::record_api`). `args` is a dict; the answer is a JSON value converted to Python.
//! `vmware_pilot.core` wraps it in plain functions.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use serde_json::{Map, Value};

use pilot_core::{host, PilotError};

use crate::convert::{to_json, to_py};

mod exc {
    // its own module so that the Python class is named PilotError, like the npm package's
    pyo3::create_exception!(
        _native,
        PilotError,
        pyo3::exceptions::PyException,
        "A refusal of vmware-pilot's record API: `code` is its stable code, `details` upstream's answer."
    );
}

/// Raises the refusal as `PilotError` with `code`, `details` (upstream's answer).
pub fn raise(py: Python<'_>, e: &PilotError) -> PyErr {
    let err = exc::PilotError::new_err(e.to_string());
    let value = err.value(py);
    let _ = value.setattr("code", e.code());
    if let Ok(d) = to_py(py, &e.to_response()) {
        let _ = value.setattr("details", d);
    }
    err
}

/// `call(op, args, preflight=None)`: `args` holds `record`, `env` (`{caller, now_micros,
/// utc_offset_seconds, entropy}`, each optional), `mode` ("agent", "host", "host_parallel")
/// and the operation's own arguments. `preflight(steps)` may raise `ValueError` to refuse a
/// dispatcher run.
#[pyfunction]
#[pyo3(signature = (op, args, preflight = None))]
pub fn call<'py>(
    py: Python<'py>,
    op: &str,
    args: &Bound<'py, PyAny>,
    preflight: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let args = match to_json(args)? {
        Value::Object(m) => m,
        Value::Null => Map::new(),
        _ => return Err(PyValueError::new_err("args must be a dict")),
    };
    let spec = args.get("env").cloned().unwrap_or(Value::Null);
    let env = host::env_from_value(&spec, crate::env::env(py, "")).map_err(|e| raise(py, &e))?;
    let mode = host::mode_from_value(args.get("mode")).map_err(|e| raise(py, &e))?;
    let live = host::live_host_from_value(args.get("recovering")).map_err(|e| raise(py, &e))?;
    let out = crate::engine::with_mode(py, mode, live, preflight, |opts| {
        pilot_core::ops::record_api::call(op, &args, &env, opts)
    })?;
    match out {
        Ok(v) => to_py(py, &v),
        Err(e) => Err(raise(py, &e)),
    }
}

pub fn register(parent: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = parent.py();
    let m = PyModule::new(py, "records_api")?;
    m.add_function(wrap_pyfunction!(call, &m)?)?;
    m.add("PilotError", py.get_type::<exc::PilotError>())?;
    parent.add_submodule(&m)?;
    Ok(())
}
