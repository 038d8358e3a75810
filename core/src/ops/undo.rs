//! rollback and cancel_workflow: a preview first (the blast radius, nothing changed); with
//! `confirm`, refused while the radius has blockers or unacknowledged unmeasured effects,
//! else performed and labelled with what it did and the radius measured before.

use serde_json::{json, Map, Value};

use super::{Act, Host};
use crate::env::Env;
use crate::error::PilotError;
use crate::record::Workflow;
use crate::safety::blast::{cancel_blast_radius, radius_refusal, rollback_blast_radius, unreadable, BlastRadius};

/// What a rollback or cancel answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Undo {
    /// Without `confirm`: `{action: "preview", workflow_id, blast_radius, hint}`.
    Preview(Value),
    /// Performed: the host's answer with `action` and `blast_radius` added.
    Done(Value),
}

impl Undo {
    /// The answer as the MCP tools give it (a preview is the answer itself).
    pub fn into_value(self) -> Value {
        match self {
            Undo::Preview(v) | Undo::Done(v) => v,
        }
    }
}

/// The record to measure, or the refusal for one that exists but cannot be read.
fn load_measurable<H: Host>(host: &mut H, id: &str, tool: &str) -> Result<Workflow, PilotError> {
    match host.load(id) {
        Ok(Some(wf)) => Ok(wf),
        Ok(None) if !host.stand_in() => Err(PilotError::NotFound { id: id.into() }),
        Ok(None) => Err(PilotError::RecordUnreadable { payload: unreadable(id, "TypeError", tool) }),
        Err(e) => {
            let class = match &e {
                PilotError::InvalidRecord { fault, .. } => fault.python_class().to_string(),
                PilotError::Storage { detail } => detail.clone(),
                other => other.code().to_string(),
            };
            Err(PilotError::RecordUnreadable { payload: unreadable(id, &class, tool) })
        }
    }
}

/// rollback: the preview, or (with `confirm`) the undo of the successful steps, last first.
pub fn rollback<H: Host>(host: &mut H, id: &str, confirm: bool, ack: bool, env: &Env) -> Result<Undo, PilotError> {
    let kind = Kind {
        tool: "rollback",
        verb: "roll back",
        radius: rollback_blast_radius,
        hint: ROLLBACK_HINT,
        label: rollback_result,
    };
    undo(host, id, kind, Act::Rollback, confirm, ack, env)
}

/// cancel_workflow: the preview, or (with `confirm`) the cancel: no further step runs.
pub fn cancel<H: Host>(
    host: &mut H,
    id: &str,
    reason: &str,
    confirm: bool,
    ack: bool,
    env: &Env,
) -> Result<Undo, PilotError> {
    let kind = Kind {
        tool: "cancel_workflow",
        verb: "cancel",
        radius: cancel_blast_radius,
        hint: CANCEL_HINT,
        label: cancel_result,
    };
    undo(host, id, kind, Act::Cancel { reason: reason.to_string() }, confirm, ack, env)
}

/// What differs between rollback and cancel: the tool's name, the verb its refusals use, its
/// blast radius, the preview's hint and the label of what it did.
struct Kind {
    tool: &'static str,
    verb: &'static str,
    radius: fn(&Workflow, bool) -> BlastRadius,
    hint: &'static str,
    label: fn(Value, Value) -> Value,
}

/// preview → (with `confirm`) refusal by the blast radius → act → label.
fn undo<H: Host>(
    host: &mut H,
    id: &str,
    kind: Kind,
    act: Act,
    confirm: bool,
    ack: bool,
    env: &Env,
) -> Result<Undo, PilotError> {
    let wf = load_measurable(host, id, kind.tool)?;
    let radius = (kind.radius)(&wf, ack);
    if !confirm {
        return Ok(Undo::Preview(preview(&wf.id, radius.to_value(), kind.hint)));
    }
    if let Some(payload) = radius_refusal(kind.verb, &wf, &radius) {
        return Err(PilotError::RadiusRefused { payload });
    }
    let answer = host.act(Some(wf), act, env)?;
    Ok(Undo::Done((kind.label)(answer, radius.to_value())))
}

fn preview(id: &str, radius: Value, hint: &str) -> Value {
    json!({"action": "preview", "workflow_id": id, "blast_radius": radius, "hint": hint})
}

const ROLLBACK_HINT: &str = "Nothing was rolled back. Show blast_radius to the user; to roll back, call again with \
                             confirm=True once they have explicitly decided.";
const CANCEL_HINT: &str = "Nothing was cancelled. Show blast_radius to the user (left_in_place stays applied — \
                           rollback reverses what can be reversed); to cancel, call again with confirm=True once \
                           they have explicitly decided.";

/// `rollback` without `confirm`: the blast radius, nothing changed.
pub fn rollback_preview(wf: &Workflow, acknowledge_unknown_effects: bool) -> Value {
    preview(&wf.id, rollback_blast_radius(wf, acknowledge_unknown_effects).to_value(), ROLLBACK_HINT)
}

/// `cancel_workflow` without `confirm`: the blast radius, nothing changed.
pub fn cancel_preview(wf: &Workflow, acknowledge_unknown_effects: bool) -> Value {
    preview(&wf.id, cancel_blast_radius(wf, acknowledge_unknown_effects).to_value(), CANCEL_HINT)
}

/// `result` with `action` (when given) and `blast_radius` added; a non-object result is
/// kept under `result`.
fn labelled(result: Value, action: Option<&str>, radius: Value) -> Value {
    let mut m = match result {
        Value::Object(m) => m,
        other => Map::from_iter([("result".to_string(), other)]),
    };
    if let Some(action) = action {
        m.insert("action".into(), Value::from(action));
    }
    m.insert("blast_radius".into(), radius);
    Value::Object(m)
}

/// A performed rollback, labelled: `rolled_back`, or `rollback_incomplete` when an undo
/// failed or its effect is unknown; a refusal the host answered keeps its shape.
pub fn rollback_result(result: Value, radius: Value) -> Value {
    if result.get("error").is_some() && result.get("rollback_results").is_none() {
        return labelled(result, None, radius);
    }
    let action = if result.get("outcome").and_then(Value::as_str) == Some("failed") {
        "rollback_incomplete"
    } else {
        "rolled_back"
    };
    labelled(result, Some(action), radius)
}

/// A performed cancel, labelled `cancelled`; a refusal the host answered keeps its shape.
pub fn cancel_result(result: Value, radius: Value) -> Value {
    if result.get("error").is_some() {
        return labelled(result, None, radius);
    }
    labelled(result, Some("cancelled"), radius)
}
