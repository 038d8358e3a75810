//! The JSON shapes every host binding exchanges with its callers, defined once: how a
//! transition is returned (`{record, checkpoint, response}`), how a dispatched call's outcome
//! is reported, how a mode and an environment are named. The npm package and the Python
//! package's record-in/record-out API both speak exactly these shapes.

use serde_json::{json, Map, Value};

use crate::engine::{self, Checkpoint, Mode, Options, Reported, ToolResult, Transition};
use crate::env::{Env, Timestamp};
use crate::error::PilotError;
use crate::record::{Live, Workflow};
use crate::safety::roles::{check_approver, ApproveMode};

fn invalid(message: impl Into<String>) -> PilotError {
    PilotError::InvalidArgument { message: message.into() }
}

/// A checkpoint as hosts see it: `{"kind", ...}`.
pub fn checkpoint_value(t: &Transition) -> Value {
    match &t.checkpoint {
        Checkpoint::Dispatch(reqs) => {
            json!({"kind": "dispatch", "requests": reqs.iter().map(|r| r.to_value()).collect::<Vec<_>>()})
        }
        Checkpoint::Waiting(running) => json!({"kind": "waiting", "waiting_for": running}),
        Checkpoint::AwaitingApproval(gate) => json!({"kind": "awaiting_approval", "gate": gate}),
        Checkpoint::DispatchRequired => json!({"kind": "dispatch_required"}),
        Checkpoint::Completed => json!({"kind": "completed"}),
        Checkpoint::Failed => json!({"kind": "failed", "error": t.error}),
        Checkpoint::Cancelled => json!({"kind": "cancelled"}),
        Checkpoint::Approved => json!({"kind": "approved"}),
        Checkpoint::RolledBack { incomplete } => {
            json!({"kind": "rolled_back", "incomplete": incomplete, "error": t.error})
        }
    }
}

/// A transition of the record-in/record-out API: `{record, checkpoint, response}`, the
/// response being upstream's answer.
pub fn stepped_value(wf: &Workflow, t: &Transition) -> Value {
    json!({"record": Live(wf), "checkpoint": checkpoint_value(t), "response": t.response(wf)})
}

/// A transition of a host that keeps the record in its store: `{id, state, checkpoint}` and
/// what upstream's answer adds to the record (the requests are in the checkpoint).
pub fn summary_value(wf: &Workflow, t: &Transition) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::from(wf.id.clone()));
    m.insert("state".into(), Value::from(wf.state.as_str()));
    m.insert("checkpoint".into(), checkpoint_value(t));
    m.extend(t.extras_beside_checkpoint(wf));
    Value::Object(m)
}

/// A dispatched call's outcome as a host reports it: `{"returned": value}`,
/// `{"raised": message}`, `{"unknown": message, "payload"?}`, or `{"toolResult": {isError,
/// content, structuredContent, stored?}}` (an MCP tool result as the client received it).
pub fn reported_from_value(v: &Value) -> Result<Reported, PilotError> {
    let text = |x: &Value| crate::pyfmt::py_str(x);
    if let Some(x) = v.get("returned") {
        return Ok(Reported::Returned(x.clone()));
    }
    if let Some(m) = v.get("raised") {
        return Ok(Reported::Raised(text(m)));
    }
    if let Some(m) = v.get("unknown") {
        return Ok(Reported::EffectUnknown {
            message: text(m),
            payload: v.get("payload").cloned().unwrap_or(Value::Null),
        });
    }
    if let Some(tr) = v.get("toolResult").or_else(|| v.get("tool_result")) {
        let is_error = tr.get("isError").and_then(Value::as_bool).unwrap_or(false);
        let content = tr.get("content").and_then(Value::as_array).cloned().unwrap_or_default();
        let structured = tr.get("structuredContent").cloned().unwrap_or(Value::Null);
        let mut received = ToolResult::received(is_error, content, structured);
        if let Some(stored) = tr.get("stored") {
            received.stored = stored.clone(); // what the host already decided to keep
        }
        return Ok(Reported::ToolResult(received));
    }
    Err(invalid(
        "an outcome is {returned: value}, {raised: message}, {unknown: message, payload?} or {toolResult: {isError, \
         content, structuredContent}}",
    ))
}

/// `mode`: "agent" (the default: steps handed out in `pending_dispatch`), "host" (the host
/// performs one step at a time) or "hostParallel" / "host_parallel" (a parallel group's
/// members are dispatched together).
pub fn mode_from_value(v: Option<&Value>) -> Result<Mode, PilotError> {
    match v {
        None | Some(Value::Null) => Ok(Mode::Agent),
        Some(Value::String(m)) => match m.as_str() {
            "agent" => Ok(Mode::Agent),
            "host" => Ok(Mode::Host { parallel_groups: false }),
            "hostParallel" | "host_parallel" => Ok(Mode::Host { parallel_groups: true }),
            other => Err(invalid(format!("mode is 'agent', 'host' or 'hostParallel', not {other:?}"))),
        },
        Some(other) => Err(invalid(format!("mode is a string ('agent', 'host' or 'hostParallel'), not {other}"))),
    }
}

/// Whether the host performing the steps is live (`recovering` absent or false): then a
/// repeated run returns the steps still outstanding instead of marking them interrupted.
/// `recovering: true` says the process starts over after a crash.
pub fn live_host_from_value(recovering: Option<&Value>) -> Result<bool, PilotError> {
    match recovering {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(true),
        Some(Value::Bool(true)) => Ok(false),
        Some(other) => Err(invalid(format!("recovering is true or false, not {other}"))),
    }
}

/// The environment of one call: the host's own (`fallback`: its clock, fresh entropy, its
/// caller) with what `spec` sets — `nowMicros`/`now_micros`, `utcOffsetSeconds`/
/// `utc_offset_seconds`, `entropy`, `caller` — for replays and hosts with their own clock.
pub fn env_from_value(spec: &Value, fallback: Env) -> Result<Env, PilotError> {
    let mut env = fallback;
    if spec.is_null() {
        return Ok(env);
    }
    if !spec.is_object() {
        return Err(invalid("env is an object: {caller?, nowMicros?, utcOffsetSeconds?, entropy?}"));
    }
    let get = |a: &str, b: &str| spec.get(a).or_else(|| spec.get(b)).filter(|v| !v.is_null());
    let number = |v: &Value, what: &str| {
        v.as_f64().filter(|f| f.is_finite()).ok_or_else(|| invalid(format!("env.{what} is a number, not {v}")))
    };
    if let Some(v) = get("nowMicros", "now_micros") {
        env.now = Timestamp { unix_micros: number(v, "nowMicros")? as i64, utc_offset_secs: 0 };
    }
    if let Some(v) = get("utcOffsetSeconds", "utc_offset_seconds") {
        env.now.utc_offset_secs = number(v, "utcOffsetSeconds")? as i32;
    }
    if let Some(v) = get("entropy", "entropy") {
        env.entropy = number(v, "entropy")? as u64;
    }
    if let Some(v) = get("caller", "caller") {
        env.caller = v.as_str().ok_or_else(|| invalid("env.caller is a string"))?.to_string();
    }
    Ok(env)
}

/// The templates of `set` as hosts list them: `[{name, description, custom, signature,
/// schema}]`, built-ins first; `schema` is the JSON Schema of the parameters.
pub fn template_listing(set: &crate::templates::TemplateSet) -> Value {
    Value::Array(
        set.iter()
            .map(|tpl| {
                json!({"name": tpl.name, "description": tpl.description, "custom": tpl.source.is_some(),
                       "signature": tpl.signature(), "schema": tpl.params_schema()})
            })
            .collect(),
    )
}

/// Custom templates as hosts hand them over: `[{document, fileName}]` (also `file_name`),
/// `document` being YAML text or the parsed mapping (the format of
/// `~/.vmware/workflows/*.yaml`). A document that cannot be a template is refused, naming the
/// file — vmware-pilot 2.4.0 logs and skips such a file; a host handing documents over
/// explicitly is told instead, so that no template goes missing unnoticed.
pub fn template_set_from_value(customs: &Value) -> Result<crate::templates::TemplateSet, PilotError> {
    use crate::templates::{custom_template, parse_yaml, CustomFile, TemplateSet};
    let list = match customs {
        Value::Null => return Ok(TemplateSet::builtins()),
        Value::Array(a) => a,
        _ => return Err(invalid("custom templates are an array of {document, fileName}")),
    };
    let mut templates = Vec::new();
    for item in list {
        let file = item.get("fileName").or_else(|| item.get("file_name")).and_then(Value::as_str).unwrap_or("");
        let doc = match item.get("document") {
            Some(Value::String(text)) => parse_yaml(text).map_err(|e| invalid(format!("{file}: {e}")))?,
            Some(v) => v.clone(),
            None => Value::Null,
        };
        match custom_template(doc, file, file) {
            CustomFile::Template(tpl) => templates.push(*tpl),
            CustomFile::Skipped(why) => return Err(invalid(format!("{file}: {why}"))),
        }
    }
    Ok(TemplateSet::with_customs(templates))
}

/// `approveMode` / `approve_mode`: "others", "any" or "none"; absent means no role check.
pub fn approve_mode_from_value(v: Option<&Value>) -> Result<Option<ApproveMode>, PilotError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(m)) => ApproveMode::parse(m)
            .map(Some)
            .ok_or_else(|| invalid(format!("approveMode is 'others', 'any' or 'none', not {m:?}"))),
        Some(other) => Err(invalid(format!("approveMode is 'others', 'any' or 'none', not {other}"))),
    }
}

/// The record API's approve: separation of duties when a mode is given, then the approval —
/// running on, or with `hold` stopping at it ([`engine::approve_and_hold`]).
pub fn approve(
    wf: &mut Workflow,
    env: &Env,
    approver: &str,
    acknowledge_not_executed: bool,
    mode: Option<ApproveMode>,
    hold: bool,
    opts: &Options,
) -> Result<Transition, PilotError> {
    if let Some(mode) = mode {
        check_approver(wf, approver, mode)?;
    }
    if hold {
        engine::approve_and_hold(wf, env, approver, acknowledge_not_executed)
    } else {
        engine::approve(wf, env, approver, acknowledge_not_executed, opts)
    }
}

/// A step index as a JSON value: a whole number (anything else is refused, naming it).
pub fn step_index_from_value(v: &Value) -> Result<i64, PilotError> {
    match v {
        Value::Number(n) => step_index_from_f64(n.as_f64().unwrap_or(f64::NAN)),
        other => Err(invalid(format!(
            "index is the step's index (a whole number from the dispatch request), not {}",
            crate::ops::described(other)
        ))),
    }
}

/// A step index as a host passes it (a JSON number): a whole number.
pub fn step_index_from_f64(index: f64) -> Result<i64, PilotError> {
    if !index.is_finite() || index.fract() != 0.0 || index.abs() > 9.0e15 {
        return Err(invalid(format!(
            "a step index is a whole number (the index of the dispatch request), not {index}"
        )));
    }
    Ok(index as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Env {
        Env::new(Timestamp { unix_micros: 5, utc_offset_secs: 60 }, 9, "host")
    }

    #[test]
    fn outcomes_and_modes_parse_or_teach() {
        assert!(matches!(reported_from_value(&json!({"returned": 1})), Ok(Reported::Returned(_))));
        assert!(matches!(reported_from_value(&json!({"raised": "boom"})), Ok(Reported::Raised(m)) if m == "boom"));
        let tr =
            reported_from_value(&json!({"toolResult": {"isError": true, "content": [{"type": "text", "text": "x"}]}}));
        assert!(matches!(tr, Ok(Reported::ToolResult(t)) if t.is_error));
        let e = reported_from_value(&json!({"weird": 1})).unwrap_err();
        assert_eq!(e.code(), "invalid_argument");
        assert!(e.to_string().contains("{returned: value}"));
        assert_eq!(mode_from_value(Some(&json!("hostParallel"))).unwrap(), Mode::Host { parallel_groups: true });
        assert_eq!(mode_from_value(Some(&json!("turbo"))).unwrap_err().code(), "invalid_argument");
    }

    #[test]
    fn env_overrides_only_what_is_given() {
        let e = env_from_value(&json!({"now_micros": 1000, "entropy": 3}), env()).unwrap();
        assert_eq!((e.now.unix_micros, e.now.utc_offset_secs, e.entropy, e.caller.as_str()), (1000, 0, 3, "host"));
        let e = env_from_value(&json!({"caller": "ana"}), env()).unwrap();
        assert_eq!((e.now.unix_micros, e.caller.as_str()), (5, "ana"));
        assert_eq!(env_from_value(&json!({"nowMicros": "x"}), env()).unwrap_err().code(), "invalid_argument");
        assert_eq!(step_index_from_f64(1.5).unwrap_err().code(), "invalid_argument");
    }
}
