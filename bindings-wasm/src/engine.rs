//! The pure layer: record in, record out. For hosts whose storage is asynchronous
//! (IndexedDB, a database client): load the record, call a transition, save what comes back
//! before acting on the checkpoint.

use js_sys::{Function, Reflect};
use pilot_core::engine::{Mode, Options, Reported};
use pilot_core::host;
use pilot_core::record::{workflow_from_value, Workflow};
use pilot_core::{Env, WorkflowStep};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::convert::{from_js, to_js};
use crate::errors;

/// The environment: `{nowMicros?, utcOffsetSeconds?, entropy?, caller?}`; what is missing
/// comes from the runtime's clock and `Math.random`.
pub fn env_from(v: &JsValue) -> Result<Env, JsValue> {
    host::env_from_value(&from_js(v)?, crate::env::env("")).map_err(|e| errors::to_js(&e))
}

pub fn record_from(v: &JsValue) -> Result<Workflow, JsValue> {
    workflow_from_value(from_js(v)?).map_err(|e| errors::to_js(&e))
}

/// The parsed transition options: the mode, and the host's optional `preflight(steps)`
/// function that throws to refuse a dispatcher run.
pub struct JsOptions {
    pub mode: Mode,
    pub preflight: Option<Function>,
    /// Not `recovering`: steps left running were handed out by this live host.
    pub live_host: bool,
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
        let live_host = host::live_host_from_value(spec.get("recovering")).map_err(|e| errors::to_js(&e))?;
        Ok(JsOptions { mode, preflight, live_host })
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
        let opts = Options {
            mode: self.mode,
            preflight: if self.preflight.is_some() { Some(&check) } else { None },
            live_host: self.live_host,
        };
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

/// A reported outcome (see `pilot_core::host::reported_from_value`).
pub fn reported_from(v: &Value) -> Result<Reported, JsValue> {
    host::reported_from_value(v).map_err(|e| errors::to_js(&e))
}

/// One operation of the core's record API (`pilot_core::ops::record_api`): `args` is an
/// object of the operation's arguments (snake_case, as the core names them), `env` the
/// environment, `options` `{mode?, preflight?}`.
#[wasm_bindgen(js_name = recordCall)]
pub fn record_call(op: &str, args: JsValue, env: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let args = match from_js(&args)? {
        Value::Object(m) => m,
        Value::Null => Default::default(),
        _ => return Err(errors::invalid("the arguments are an object")),
    };
    let env = env_from(&env)?;
    let out = with_options(&options, |o| pilot_core::ops::record_api::call(op, &args, &env, o))?;
    crate::convert::answer_js(out.map_err(|e| errors::to_js(&e))?)
}

#[wasm_bindgen(js_name = skillCatalog)]
pub fn skill_catalog() -> Result<JsValue, JsValue> {
    to_js(pilot_core::catalog::skill_catalog())
}
