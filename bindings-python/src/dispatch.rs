//! Rules of `--dispatch` mode for `vmware_pilot.dispatcher` (which spawns the processes).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use pilot_core::dispatch as d;

use crate::convert::{to_json, to_py};

/// `vmware-<skill>-mcp`, or `ValueError` with the reason Pilot will not run the skill.
#[pyfunction]
pub fn executable_for(skill: &Bound<'_, PyAny>) -> PyResult<String> {
    d::executable_for(&to_json(skill)?).map_err(PyValueError::new_err)
}

#[pyfunction]
pub fn not_installed(executable: &str, skill: &str, interpreter: &str) -> String {
    d::not_installed(executable, skill, interpreter)
}

/// The timeout in seconds from the environment variable's raw value, or `ValueError`.
#[pyfunction]
#[pyo3(signature = (raw = None))]
pub fn timeout_from(raw: Option<&str>) -> PyResult<f64> {
    d::timeout_from(raw).map_err(PyValueError::new_err)
}

#[pyfunction]
pub fn preflight_refusal(problems: Vec<String>) -> String {
    d::preflight_refusal(&problems)
}

#[pyfunction]
pub fn timeout_message(executable: &str, tool: &str, timeout: f64) -> String {
    d::timeout_message(executable, tool, timeout)
}

#[pyfunction]
pub fn connection_lost_message(executable: &str, tool: &str, cause: &str) -> String {
    d::connection_lost_message(executable, tool, cause)
}

#[pyfunction]
pub fn did_not_start_message(executable: &str, cause: &str) -> String {
    d::did_not_start_message(executable, cause)
}

#[pyfunction]
pub fn leaf_cause(class: &str, text: &str) -> String {
    let first: String = text.trim().lines().next().unwrap_or("").chars().take(200).collect();
    if first.is_empty() {
        class.to_string()
    } else {
        format!("{class}: {first}")
    }
}

/// A child's MCP result as the step's stored result.
#[pyfunction]
pub fn payload<'py>(
    py: Python<'py>,
    is_error: bool,
    texts: Vec<String>,
    structured: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &d::payload(is_error, &texts, &to_json(structured)?))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let sub = PyModule::new(py, "dispatch")?;
    for f in [
        wrap_pyfunction!(executable_for, &sub)?,
        wrap_pyfunction!(not_installed, &sub)?,
        wrap_pyfunction!(timeout_from, &sub)?,
        wrap_pyfunction!(preflight_refusal, &sub)?,
        wrap_pyfunction!(timeout_message, &sub)?,
        wrap_pyfunction!(connection_lost_message, &sub)?,
        wrap_pyfunction!(did_not_start_message, &sub)?,
        wrap_pyfunction!(leaf_cause, &sub)?,
        wrap_pyfunction!(payload, &sub)?,
    ] {
        sub.add_function(f)?;
    }
    sub.add("ENV_FLAG", "VMWARE_PILOT_DISPATCH")?; // the variable that turns dispatch on (value `stdio`)
    sub.add("ENV_TIMEOUT", d::ENV_TIMEOUT)?;
    sub.add("DEFAULT_TIMEOUT", d::DEFAULT_TIMEOUT)?;
    sub.add("NETWORK_CALLER_REFUSAL", d::NETWORK_CALLER_REFUSAL)?;
    m.add_submodule(&sub)
}
