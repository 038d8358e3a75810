//! `_native.records_api.call(op, args)`: the core's record-in/record-out API for Python —
//! the same operations and JSON shapes as the npm package's pure functions
//! (`pilot_core::host`). `args` is a dict; the answer is a JSON value converted to Python.
//! `vmware_pilot.core` wraps it in plain functions.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use serde_json::{json, Map, Value};

use pilot_core::engine::{self, Options, Transition};
use pilot_core::record::{workflow_from_json, workflow_from_value, Live, Persisted, Workflow};
use pilot_core::{host, service, Env, PilotError};

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

fn invalid(message: impl Into<String>) -> PilotError {
    PilotError::InvalidArgument { message: message.into() }
}

fn arg<'a>(args: &'a Map<String, Value>, key: &str) -> &'a Value {
    args.get(key).unwrap_or(&Value::Null)
}

fn text(args: &Map<String, Value>, key: &str) -> Result<String, PilotError> {
    match arg(args, key) {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        other => Err(invalid(format!("{key} is a string, not {other}"))),
    }
}

fn flag(args: &Map<String, Value>, key: &str) -> bool {
    arg(args, key).as_bool().unwrap_or(false)
}

fn record(args: &Map<String, Value>) -> Result<Workflow, PilotError> {
    workflow_from_value(arg(args, "record").clone())
}

fn steps(args: &Map<String, Value>) -> Result<Vec<Value>, PilotError> {
    match arg(args, "steps") {
        Value::Array(list) => Ok(list.clone()),
        _ => Err(invalid("steps must be a list of step dicts ({action, skill, tool, params, ...})")),
    }
}

fn stepped(wf: &Workflow, out: Result<Transition, PilotError>) -> Result<Value, PilotError> {
    Ok(host::stepped_value(wf, &out?))
}

/// One operation of the record API: pure in the record (the env and the preflight are the
/// host's), every refusal a `PilotError`.
fn apply(op: &str, args: &Map<String, Value>, env: &Env, opts: &Options) -> Result<Value, PilotError> {
    let live = |wf: &Workflow| json!(Live(wf));
    match op {
        "run" => {
            let mut wf = record(args)?;
            let out = engine::run(&mut wf, env, opts);
            stepped(&wf, out)
        }
        "report" => {
            let mut wf = record(args)?;
            let index = host::step_index_from_f64(arg(args, "index").as_f64().unwrap_or(f64::NAN))?;
            let reported = host::reported_from_value(arg(args, "outcome"))?;
            let out = engine::report(&mut wf, env, index, reported, opts);
            stepped(&wf, out)
        }
        "approve" => {
            let mut wf = record(args)?;
            let mode = host::approve_mode_from_value(args.get("approve_mode"))?;
            let (ack, hold) = (flag(args, "acknowledge_not_executed"), flag(args, "hold"));
            let out = host::approve(&mut wf, env, &text(args, "approver")?, ack, mode, hold, opts);
            stepped(&wf, out)
        }
        "rollback" => {
            let mut wf = record(args)?;
            let out = engine::rollback(&mut wf, env, opts);
            stepped(&wf, out)
        }
        "cancel" => {
            let mut wf = record(args)?;
            let out = engine::cancel(&mut wf, env, &text(args, "reason")?);
            stepped(&wf, out)
        }
        "create_workflow" => {
            let wf =
                service::create_custom_workflow(env, &text(args, "name")?, &text(args, "description")?, &steps(args)?)?;
            Ok(live(&wf))
        }
        "create_from_template" => {
            let set = host::template_set_from_value(arg(args, "custom_templates"))?;
            let params = match arg(args, "args") {
                Value::Object(m) => m.clone(),
                Value::Null => Map::new(),
                _ => return Err(invalid("template arguments are a dict of named params")),
            };
            let wf = pilot_core::templates::create_from_template(&set, &text(args, "name")?, &params, env)?;
            Ok(live(&wf))
        }
        "design_draft" => Ok(live(&engine::design_draft(env, &text(args, "goal")?, &text(args, "constraints")?))),
        "update_draft" => {
            let mut wf = record(args)?;
            let new_steps = match arg(args, "steps") {
                Value::Null => None,
                _ => Some(steps(args)?),
            };
            engine::update_draft(
                &mut wf,
                env,
                &text(args, "name")?,
                &text(args, "description")?,
                new_steps.as_deref(),
            )?;
            Ok(live(&wf))
        }
        "confirm_draft" => {
            let mut wf = record(args)?;
            engine::confirm_draft(&mut wf, env)?;
            Ok(live(&wf))
        }
        "load_record" => Ok(live(&record(args)?)),
        "stored_text" => Ok(Value::String(record(args)?.to_db_json())),
        "from_stored_text" => Ok(live(&workflow_from_json(&text(args, "text")?)?)),
        "redacted" => Ok(json!(Persisted(&record(args)?))),
        "review" => Ok(pilot_core::safety::review::review(&record(args)?)),
        "templates" => Ok(host::template_listing(&host::template_set_from_value(arg(args, "custom_templates"))?)),
        other => Err(invalid(format!("unknown operation {other:?}"))),
    }
}

/// Raises the refusal as `PilotError` with `code`, `details` (upstream's answer).
fn raise(py: Python<'_>, e: &PilotError) -> PyErr {
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
    let env = host::env_from_value(arg(&args, "env"), crate::env::env(py, "")).map_err(|e| raise(py, &e))?;
    let mode = host::mode_from_value(args.get("mode")).map_err(|e| raise(py, &e))?;
    let out = crate::engine::with_mode(py, mode, preflight, |opts| apply(op, &args, &env, opts))?;
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
