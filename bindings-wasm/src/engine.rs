//! The pure layer: record in, record out. For hosts whose storage is asynchronous
//! (IndexedDB, a database client): load the record, call a transition, save what comes back
//! before acting on the checkpoint.

use js_sys::{Function, Reflect};
use pilot_core::engine::{self, Mode, Options, Reported, Transition};
use pilot_core::host;
use pilot_core::record::{workflow_from_value, Workflow};
use pilot_core::{Env, PilotError, WorkflowStep};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use crate::convert::{from_js, record_js, str_field, to_js};
use crate::errors;

/// The environment: `{nowMicros?, utcOffsetSeconds?, entropy?, caller?}`; what is missing
/// comes from the runtime's clock and `Math.random`.
pub fn env_from(v: &JsValue) -> Result<Env, JsValue> {
    host::env_from_value(&from_js(v)?, crate::env::env("")).map_err(|e| errors::to_js(&e))
}

pub fn record_from(v: &JsValue) -> Result<Workflow, JsValue> {
    workflow_from_value(from_js(v)?).map_err(|e| errors::to_js(&e))
}

/// A step list argument: an array of step objects.
pub fn step_list(v: &JsValue) -> Result<Vec<Value>, JsValue> {
    match from_js(v)? {
        Value::Array(list) => Ok(list),
        _ => Err(errors::invalid("steps must be an array of step objects ({action, skill, tool, params, ...})")),
    }
}

/// A step index from JS (a number): a whole number, in range.
pub fn step_index(index: f64) -> Result<i64, JsValue> {
    host::step_index_from_f64(index).map_err(|e| errors::to_js(&e))
}

/// The parsed transition options: the mode, and the host's optional `preflight(steps)`
/// function that throws to refuse a dispatcher run.
pub struct JsOptions {
    pub mode: Mode,
    pub preflight: Option<Function>,
}

impl JsOptions {
    pub fn parse(options: &JsValue) -> Result<Self, JsValue> {
        let spec = from_js(&strip_functions(options))?;
        let preflight: Option<Function> = if options.is_object() {
            Reflect::get(options, &"preflight".into()).ok().and_then(|p| p.dyn_into().ok())
        } else {
            None
        };
        let mode = host::mode_from_value(spec.get("mode")).map_err(|e| errors::to_js(&e))?;
        Ok(JsOptions { mode, preflight })
    }

    /// Runs `f` with these options as the core takes them.
    pub fn with<R>(&self, f: impl FnOnce(&Options) -> R) -> R {
        let check = |steps: &[&WorkflowStep]| -> Result<(), String> {
            let Some(pf) = &self.preflight else { return Ok(()) };
            let arg = to_js(&steps).map_err(|_| "steps could not be passed".to_string())?;
            pf.call1(&JsValue::NULL, &arg).map(|_| ()).map_err(|e| {
                Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_else(|| format!("{e:?}"))
            })
        };
        let opts = Options { mode: self.mode, preflight: if self.preflight.is_some() { Some(&check) } else { None } };
        f(&opts)
    }
}

/// Runs `f` with the options object parsed (see [`JsOptions`]).
pub fn with_options<R>(options: &JsValue, f: impl FnOnce(&Options) -> R) -> Result<R, JsValue> {
    Ok(JsOptions::parse(options)?.with(f))
}

/// A copy of an options object without its functions (those cannot cross as JSON).
pub fn strip_functions(options: &JsValue) -> JsValue {
    if !options.is_object() {
        return JsValue::UNDEFINED;
    }
    let copy = js_sys::Object::new();
    for key in js_sys::Object::keys(options.unchecked_ref::<js_sys::Object>()).iter() {
        if let Ok(v) = Reflect::get(options, &key) {
            if !v.is_function() {
                let _ = Reflect::set(&copy, &key, &v);
            }
        }
    }
    copy.into()
}

/// `{record, checkpoint, response}` of a transition.
pub fn stepped(wf: &Workflow, out: Result<Transition, PilotError>) -> Result<JsValue, JsValue> {
    let t = out.map_err(|e| errors::to_js(&e))?;
    to_js(&host::stepped_value(wf, &t))
}

/// A reported outcome (see `pilot_core::host::reported_from_value`).
pub fn reported_from(v: &Value) -> Result<Reported, JsValue> {
    host::reported_from_value(v).map_err(|e| errors::to_js(&e))
}

#[wasm_bindgen(js_name = run)]
pub fn run(record: JsValue, env: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let mut wf = record_from(&record)?;
    let env = env_from(&env)?;
    let out = with_options(&options, |o| engine::run(&mut wf, &env, o))?;
    stepped(&wf, out)
}

#[wasm_bindgen(js_name = report)]
pub fn report(
    record: JsValue,
    index: f64,
    outcome: JsValue,
    env: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let mut wf = record_from(&record)?;
    let env = env_from(&env)?;
    let reported = reported_from(&from_js(&outcome)?)?;
    let index = step_index(index)?;
    let out = with_options(&options, |o| engine::report(&mut wf, &env, index, reported, o))?;
    stepped(&wf, out)
}

/// Approves the pending gate. `options.approveMode` ("others", "any" or "none") applies
/// separation of duties to `approver` (without it no role check is made); `options.hold`
/// records the approval and stops (checkpoint `approved`, the workflow `pending` again).
#[wasm_bindgen(js_name = approve)]
pub fn approve(
    record: JsValue,
    approver: &str,
    acknowledge_not_executed: bool,
    env: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let mut wf = record_from(&record)?;
    let env = env_from(&env)?;
    let spec = from_js(&strip_functions(&options))?;
    let hold = spec.get("hold").and_then(Value::as_bool).unwrap_or(false);
    let role = host::approve_mode_from_value(spec.get("approveMode")).map_err(|e| errors::to_js(&e))?;
    let out =
        with_options(&options, |o| host::approve(&mut wf, &env, approver, acknowledge_not_executed, role, hold, o))?;
    stepped(&wf, out)
}

#[wasm_bindgen(js_name = rollback)]
pub fn rollback(record: JsValue, env: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let mut wf = record_from(&record)?;
    let env = env_from(&env)?;
    let out = with_options(&options, |o| engine::rollback(&mut wf, &env, o))?;
    stepped(&wf, out)
}

#[wasm_bindgen(js_name = cancel)]
pub fn cancel(record: JsValue, reason: &str, env: JsValue) -> Result<JsValue, JsValue> {
    let mut wf = record_from(&record)?;
    let env = env_from(&env)?;
    let out = engine::cancel(&mut wf, &env, reason);
    stepped(&wf, out)
}

/// `{record, refusal?}`: run_workflow's checks (a custom workflow's missing gate, blocking
/// review findings unless `force`); a forced run is written into the returned record.
#[wasm_bindgen(js_name = runCheck)]
pub fn run_check(record: JsValue, force: bool, env: JsValue) -> Result<JsValue, JsValue> {
    let mut wf = record_from(&record)?;
    let env = env_from(&env)?;
    let refusal = match pilot_core::service::run_check(&mut wf, force, &env) {
        pilot_core::service::RunCheck::Refused(v) => v,
        pilot_core::service::RunCheck::Go { .. } => Value::Null,
    };
    to_js(&json!({"record": pilot_core::record::Live(&wf), "refusal": refusal}))
}

#[wasm_bindgen(js_name = review)]
pub fn review(record: JsValue) -> Result<JsValue, JsValue> {
    to_js(&pilot_core::safety::review::review(&record_from(&record)?))
}

/// `{action: "preview", workflow_id, blast_radius, hint}`: what a rollback would do.
#[wasm_bindgen(js_name = rollbackPreview)]
pub fn rollback_preview(record: JsValue, acknowledge_unknown_effects: bool) -> Result<JsValue, JsValue> {
    to_js(&pilot_core::service::rollback_preview(&record_from(&record)?, acknowledge_unknown_effects))
}

#[wasm_bindgen(js_name = cancelPreview)]
pub fn cancel_preview(record: JsValue, acknowledge_unknown_effects: bool) -> Result<JsValue, JsValue> {
    to_js(&pilot_core::service::cancel_preview(&record_from(&record)?, acknowledge_unknown_effects))
}

/// The refusal for acting on a preview (`verb`: "roll back" or "cancel"), or null.
#[wasm_bindgen(js_name = radiusRefusal)]
pub fn radius_refusal(verb: &str, record: JsValue, radius: JsValue) -> Result<JsValue, JsValue> {
    let r = pilot_core::safety::blast::radius_refusal(verb, &record_from(&record)?, &from_js(&radius)?);
    to_js(&r.unwrap_or(Value::Null))
}

#[wasm_bindgen(js_name = gateViolations)]
pub fn gate_violations(record: JsValue) -> Result<JsValue, JsValue> {
    let v: Vec<Value> =
        pilot_core::safety::gate::gate_violations(&record_from(&record)?).iter().map(|g| g.to_value()).collect();
    to_js(&v)
}

#[wasm_bindgen(js_name = createWorkflow)]
pub fn create_workflow(name: &str, description: &str, steps: JsValue, env: JsValue) -> Result<JsValue, JsValue> {
    let env = env_from(&env)?;
    let Value::Array(list) = from_js(&steps)? else {
        return Err(errors::invalid("steps must be an array of step objects"));
    };
    let wf =
        pilot_core::service::create_custom_workflow(&env, name, description, &list).map_err(|e| errors::to_js(&e))?;
    record_js(&wf)
}

#[wasm_bindgen(js_name = designDraft)]
pub fn design_draft(goal: &str, constraints: &str, env: JsValue) -> Result<JsValue, JsValue> {
    record_js(&engine::design_draft(&env_from(&env)?, goal, constraints))
}

#[wasm_bindgen(js_name = updateDraft)]
pub fn update_draft(record: JsValue, changes: JsValue, env: JsValue) -> Result<JsValue, JsValue> {
    let mut wf = record_from(&record)?;
    let env = env_from(&env)?;
    let c = from_js(&changes)?;
    let steps = c.get("steps").and_then(Value::as_array).cloned();
    engine::update_draft(&mut wf, &env, &str_field(&c, "name"), &str_field(&c, "description"), steps.as_deref())
        .map_err(|e| errors::to_js(&e))?;
    record_js(&wf)
}

#[wasm_bindgen(js_name = confirmDraft)]
pub fn confirm_draft(record: JsValue, env: JsValue) -> Result<JsValue, JsValue> {
    let mut wf = record_from(&record)?;
    engine::confirm_draft(&mut wf, &env_from(&env)?).map_err(|e| errors::to_js(&e))?;
    record_js(&wf)
}

/// Reads a record (validates it; older rows are upgraded, pre-2.0 tool names translated).
#[wasm_bindgen(js_name = loadRecord)]
pub fn load_record(record: JsValue) -> Result<JsValue, JsValue> {
    record_js(&record_from(&record)?)
}

/// The text vmware-pilot 2.4.0 stores for this record (redacted `json.dumps` bytes).
#[wasm_bindgen(js_name = storedText)]
pub fn stored_text(record: JsValue) -> Result<String, JsValue> {
    Ok(record_from(&record)?.to_db_json())
}

/// A record from the stored text (`workflows.db`'s `data` column).
#[wasm_bindgen(js_name = fromStoredText)]
pub fn from_stored_text(text: &str) -> Result<JsValue, JsValue> {
    let wf = pilot_core::record::workflow_from_json(text).map_err(|e| errors::to_js(&e))?;
    record_js(&wf)
}

/// The record with every secret masked (what may leave the process).
#[wasm_bindgen(js_name = redacted)]
pub fn redacted(record: JsValue) -> Result<JsValue, JsValue> {
    to_js(&serde_json::to_value(pilot_core::record::Persisted(&record_from(&record)?)).unwrap_or(Value::Null))
}

#[wasm_bindgen(js_name = skillCatalog)]
pub fn skill_catalog() -> Result<JsValue, JsValue> {
    to_js(pilot_core::catalog::skill_catalog())
}
