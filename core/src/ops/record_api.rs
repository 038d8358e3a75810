//! The record-in/record-out API: for hosts whose storage the core cannot call (IndexedDB, a
//! database client, a Python program that keeps its own rows). Every operation takes its
//! arguments as one JSON object and answers JSON; the npm package's pure functions and the
//! Python wheel's `vmware_pilot.core` both call [`call`], so argument checks, refusals and
//! shapes are the same in both.
//!
//! Arguments (each optional unless the operation needs it): `record` (a workflow record),
//! `index`, `outcome` ([`crate::host::reported_from_value`]), `approver`,
//! `acknowledge_not_executed`, `hold`, `approve_mode`, `reason`, `force`, `confirm`,
//! `acknowledge_unknown_effects`, `name`, `description`, `steps`, `goal`, `constraints`,
//! `args`, `custom_templates`, `text`, `verb`, `radius`.

use serde_json::{json, Map, Value};

use super::args::{flag_arg, invalid, object_arg, text_arg};
use super::hosts::{perform, RecordHost};
use super::{Act, ApproveArgs, ApproverCheck};
use crate::engine::{self, Options, Transition};
use crate::env::Env;
use crate::error::PilotError;
use crate::host;
use crate::record::{workflow_from_json, workflow_from_value, Live, Persisted, Workflow};
use crate::safety::blast::BlastRadius;
use crate::safety::roles::ApproveMode;

fn arg<'a>(args: &'a Map<String, Value>, key: &str) -> &'a Value {
    args.get(key).unwrap_or(&Value::Null)
}

fn record(args: &Map<String, Value>) -> Result<Workflow, PilotError> {
    match arg(args, "record") {
        Value::Null => Err(invalid("record is required: pass the workflow record (an object)")),
        Value::Object(_) => workflow_from_value(arg(args, "record").clone()),
        other => {
            Err(invalid(format!("record is a workflow record (an object), not {}", super::args::described(other))))
        }
    }
}

/// A record handed in to act on: a host may hand the core any record, so its history must
/// support its state first (`super::check_import`: no gate passed without an approval in the
/// audit log, no state its steps contradict) — a forged copy never dispatches a step.
fn acted_on(args: &Map<String, Value>) -> Result<Workflow, PilotError> {
    let wf = record(args)?;
    super::check_import(&wf, None)?;
    Ok(wf)
}

fn stepped(wf: &Workflow, t: &Transition) -> Value {
    json!({"record": Live(wf), "checkpoint": host::checkpoint_value(t), "response": t.response(wf)})
}

/// A transition on the record handed in, with no tool-level checks (the record API is the
/// engine itself; `run_check`, the previews and `radius_refusal` are there to compose them).
fn transition(args: &Map<String, Value>, act: Act, env: &Env, opts: &Options) -> Result<Value, PilotError> {
    let mut wf = acted_on(args)?;
    let t = perform(&mut wf, &act, env, opts)?;
    Ok(stepped(&wf, &t))
}

/// A new workflow record: `create_workflow` (`name`, `description`, `steps`),
/// `create_from_template` (`name`, `args`, `custom_templates`) or `design_draft` (`goal`,
/// `constraints`). Not stored: the host stores it.
pub fn create(op: &str, args: &Map<String, Value>, env: &Env) -> Result<Workflow, PilotError> {
    match op {
        "create_workflow" => {
            let steps = match arg(args, "steps") {
                Value::Null => return Err(invalid("steps is required: an array of step objects")),
                v => super::steps_arg(v)?.unwrap_or_default(),
            };
            super::create_custom_workflow(env, &text_arg(args, "name")?, &text_arg(args, "description")?, &steps)
        }
        "create_from_template" => {
            let set = host::template_set_from_value(arg(args, "custom_templates"))?;
            let params = object_arg(args, "args")?;
            crate::templates::create_from_template(&set, &text_arg(args, "name")?, &params, env)
        }
        "design_draft" => Ok(engine::design_draft(env, &text_arg(args, "goal")?, &text_arg(args, "constraints")?)),
        other => Err(invalid(format!("unknown creation {other:?}"))),
    }
}

/// One operation of the record API. Unknown operations and wrong arguments are refused with
/// `invalid_argument`.
pub fn call(op: &str, args: &Map<String, Value>, env: &Env, opts: &Options) -> Result<Value, PilotError> {
    let live = |wf: &Workflow| json!(Live(wf));
    match op {
        "run" => transition(args, Act::Run, env, opts),
        "report" => {
            let mut wf = acted_on(args)?;
            let index = host::step_index_from_value(arg(args, "index"))?;
            let reported = host::reported_from_value(arg(args, "outcome"))?;
            let t = engine::report(&mut wf, env, index, reported, opts)?;
            Ok(stepped(&wf, &t))
        }
        "approve" => {
            let mode = host::approve_mode_from_value(args.get("approve_mode"))?;
            let approver = text_arg(args, "approver")?;
            let mut h = RecordHost { record: Some(acted_on(args)?), opts };
            let id = h.record.as_ref().map(|w| w.id.clone()).unwrap_or_default();
            let a = ApproveArgs {
                approver: &approver,
                caller: None,
                // separation of duties is on unless the host says otherwise, as in `Pilot`
                check: ApproverCheck::Mode(mode.unwrap_or(ApproveMode::Others)),
                acknowledge_not_executed: flag_arg(args, "acknowledge_not_executed")?,
                hold: flag_arg(args, "hold")?,
            };
            super::approve(&mut h, &id, a, env)
        }
        "rollback" => transition(args, Act::Rollback, env, opts),
        "cancel" => transition(args, Act::Cancel { reason: text_arg(args, "reason")? }, env, opts),
        "run_check" => {
            let mut wf = acted_on(args)?;
            let refusal = match super::run_check(&mut wf, flag_arg(args, "force")?, env) {
                Ok(_) => (Value::Null, Value::Null),
                Err(e) => (e.to_response(), Value::from(e.code())),
            };
            Ok(json!({"record": Live(&wf), "refusal": refusal.0, "code": refusal.1}))
        }
        "rollback_preview" => {
            Ok(super::rollback_preview(&record(args)?, flag_arg(args, "acknowledge_unknown_effects")?))
        }
        "cancel_preview" => Ok(super::cancel_preview(&record(args)?, flag_arg(args, "acknowledge_unknown_effects")?)),
        "radius_refusal" => {
            let verb = match text_arg(args, "verb")?.as_str() {
                v @ ("roll back" | "cancel") => v.to_string(),
                other => return Err(invalid(format!("verb is 'roll back' or 'cancel', not {other:?}"))),
            };
            let r = crate::safety::blast::radius_refusal(
                &verb,
                &record(args)?,
                &BlastRadius::from_value(arg(args, "radius")),
            );
            Ok(r.unwrap_or(Value::Null))
        }
        "gate_violations" => {
            let list = crate::safety::gate::gate_violations(&record(args)?);
            Ok(Value::Array(list.iter().map(|g| g.to_value()).collect()))
        }
        "create_workflow" | "create_from_template" | "design_draft" => Ok(live(&create(op, args, env)?)),
        "update_draft" => {
            let steps = super::steps_arg(arg(args, "steps"))?;
            let mut wf = acted_on(args)?;
            let (name, description) = (text_arg(args, "name")?, text_arg(args, "description")?);
            engine::update_draft(&mut wf, env, &name, &description, steps.as_deref())?;
            Ok(live(&wf))
        }
        "confirm_draft" => {
            let mut wf = acted_on(args)?;
            engine::confirm_draft(&mut wf, env)?;
            Ok(live(&wf))
        }
        "load_record" => Ok(live(&record(args)?)),
        "stored_text" => Ok(Value::String(record(args)?.to_db_json())),
        "from_stored_text" => match arg(args, "text") {
            Value::String(text) => Ok(live(&workflow_from_json(text)?)),
            other => Err(invalid(format!(
                "text is the stored text of a record (a string), not {}",
                super::args::described(other)
            ))),
        },
        "redacted" => Ok(json!(Persisted(&record(args)?))),
        "review" => Ok(crate::safety::review::review(&record(args)?)),
        "status" => Ok(super::status_response(&record(args)?)),
        "templates" => Ok(host::template_listing(&host::template_set_from_value(arg(args, "custom_templates"))?)),
        other => Err(invalid(format!("unknown operation {other:?}"))),
    }
}
