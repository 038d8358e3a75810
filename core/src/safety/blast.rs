//! Pilot's own destructive tools, `rollback` and `cancel_workflow`, preview first (spec
//! §3.3): the blast radius says what the call would undo, leave applied, skip or not touch,
//! and what cannot be measured. Acting is refused while blockers or unmeasured lines remain.

use serde_json::{json, Map, Value};

use super::reversibility::{is_read_only, leaves_behind, NOT_REVERSIBLE_NOTE, OUTSIDE_PILOT_NOTE};
use crate::pyfmt::py_repr;
use crate::record::{redact_value, status, Workflow, WorkflowState, WorkflowStep};

/// Lists in a blast radius stop at this many entries; their counts never do.
pub const CAP: usize = 16;

const HANDED_OUT_NOTE: &str = "these steps were handed to the caller in pending_dispatch and may \
already have been performed; cancelling neither stops nor undoes them — check them before deciding";

fn step_ref(s: &WorkflowStep) -> Value {
    json!({"index": s.index, "skill": s.skill, "tool": s.tool})
}

/// Key tokens: `apiToken` → `api`, `token`; `db_password` → `db`, `password`.
fn key_tokens(key: &str) -> Vec<String> {
    let chars: Vec<char> = key.chars().collect();
    let mut spaced = String::with_capacity(key.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_ascii_uppercase() && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit()) {
            spaced.push(' ');
        }
        spaced.push(c);
    }
    spaced
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

/// Whether a key's name marks its value as a secret, for previews (broader than the
/// storage list: `db_password`, `apiToken`, `clientSecret`, `auth_key`; but not
/// `token_count`, `author` or `vm_name`).
pub fn is_secret_name(key: &str) -> bool {
    const SECRET: [&str; 11] = [
        "password",
        "passwd",
        "pwd",
        "secret",
        "token",
        "apikey",
        "auth",
        "credential",
        "credentials",
        "bearer",
        "authorization",
    ];
    const NOT_SECRET_TAILS: [&str; 8] = ["count", "type", "mode", "url", "name", "id", "expiry", "ttl"];
    let tokens = key_tokens(key);
    let has = |t: &str| tokens.iter().any(|x| x == t);
    let joined: String = tokens.concat();
    let hit = tokens.iter().any(|t| SECRET.contains(&t.as_str()))
        || joined == "apikey"
        || joined == "privatekey"
        || (has("api") && has("key"))
        || (has("private") && has("key"))
        || (has("auth") && has("key"));
    hit && !tokens.last().is_some_and(|t| NOT_SECRET_TAILS.contains(&t.as_str()))
}

/// `v` with every value under a secret-looking key replaced by `***`.
pub fn redact_preview(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), if is_secret_name(k) { Value::from("***") } else { redact_preview(x) }))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact_preview).collect()),
        other => other.clone(),
    }
}

fn rollback_ref(s: &WorkflowStep) -> Value {
    let params = redact_preview(&redact_value(&Value::Object(s.rollback_params.clone())));
    let mut m = Map::new();
    m.insert("index".into(), Value::from(s.index));
    m.insert("skill".into(), Value::from(s.skill.clone()));
    m.insert("tool".into(), Value::from(s.tool.clone()));
    m.insert("rollback_tool".into(), Value::from(s.rollback_tool.clone()));
    m.insert("rollback_params".into(), params);
    let left = leaves_behind(s);
    if !left.is_empty() {
        m.insert("leaves_behind".into(), Value::from(left));
    }
    Value::Object(m)
}

fn listed(out: &mut Map<String, Value>, key: &str, steps: &[&WorkflowStep], entry: fn(&WorkflowStep) -> Value) {
    out.insert(format!("{key}_count"), Value::from(steps.len()));
    out.insert(key.into(), Value::Array(steps.iter().take(CAP).map(|s| entry(s)).collect()));
}

fn unknown_effect_steps(wf: &Workflow) -> Vec<&WorkflowStep> {
    wf.steps.iter().filter(|s| s.effect_unknown()).collect()
}

/// What cannot be measured: steps with a status Pilot does not know, and (unless the caller
/// acknowledged checking them) steps whose effect is unknown.
pub fn unmeasured(wf: &Workflow, acknowledged: bool) -> Vec<String> {
    let mut lines: Vec<String> = wf
        .steps
        .iter()
        .filter(|s| !s.is_known_status())
        .map(|s| {
            format!(
                "step {} ({}.{}) has status {}, a status Pilot does not know, so it cannot tell whether \
                 that step changed anything",
                s.index,
                s.skill,
                s.tool,
                py_repr(&s.status.to_value())
            )
        })
        .collect();
    if acknowledged {
        return lines;
    }
    let undo_unknown: Vec<i64> = wf
        .rollback_results
        .iter()
        .map(crate::record::UndoEntry)
        .filter(|e| matches!(e.status(), crate::record::UndoStatus::Unknown | crate::record::UndoStatus::InFlight))
        .filter_map(|e| e.step())
        .collect();
    for s in unknown_effect_steps(wf) {
        let what = if undo_unknown.contains(&s.index) {
            format!("{} (its rollback)", s.rollback_tool)
        } else {
            s.tool.clone()
        };
        lines.push(format!(
            "step {} ({}.{}) is '{}': nobody knows whether {what} took effect (a Pilot process stopped, \
             the call timed out, or the skill's server went away mid-call) — look in the target system, \
             undo by hand whatever must be undone, then re-run with acknowledge_unknown_effects=True",
            s.index,
            s.skill,
            s.tool,
            s.status_text()
        ));
    }
    lines
}

/// A blast radius: what a rollback or cancel would do (`listing`, upstream's keys in order),
/// and what stands in the way of acting — `blockers`, and `unmeasured` effects not yet
/// acknowledged. Either refuses `confirm=True`.
#[derive(Debug, Clone, PartialEq)]
pub struct BlastRadius {
    pub listing: Map<String, Value>,
    pub blockers: Vec<String>,
    pub unmeasured: Vec<String>,
}

impl BlastRadius {
    /// The answer's `blast_radius` object: the listing, then `blockers` and `unmeasured`.
    pub fn to_value(&self) -> Value {
        let mut m = self.listing.clone();
        m.insert("blockers".into(), json!(self.blockers));
        m.insert("unmeasured".into(), json!(self.unmeasured));
        Value::Object(m)
    }

    /// A radius a host hands back (the record API's `radius_refusal`): only what refuses is
    /// read; anything that is not a list of strings reads as empty.
    pub fn from_value(v: &Value) -> Self {
        let texts = |key: &str| -> Vec<String> {
            v[key].as_array().into_iter().flatten().filter_map(|x| x.as_str().map(String::from)).collect()
        };
        let mut listing = v.as_object().cloned().unwrap_or_default();
        listing.remove("blockers");
        listing.remove("unmeasured");
        BlastRadius { listing, blockers: texts("blockers"), unmeasured: texts("unmeasured") }
    }
}

fn common(wf: &Workflow, state_after: &str, acknowledged: bool) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("workflow".into(), json!({"id": wf.id, "type": wf.workflow_type, "state": wf.state.as_str()}));
    m.insert("state_after".into(), Value::from(state_after));
    listed(&mut m, "unknown_effects", &unknown_effect_steps(wf), step_ref);
    m.insert("unknown_effects_acknowledged".into(), Value::Bool(acknowledged));
    m
}

fn handed_out(s: &WorkflowStep) -> bool {
    s.status_is(status::NOT_EXECUTED) || s.status_is(status::REPORTED_DONE)
}

/// What `rollback` would undo, leave applied, and not touch.
pub fn rollback_blast_radius(wf: &Workflow, acknowledged: bool) -> BlastRadius {
    // executed: succeeded, not a gate, and not a catalog read without a rollback tool
    let executed: Vec<&WorkflowStep> = wf
        .steps
        .iter()
        .filter(|s| s.status_is(status::SUCCESS) && !s.is_gate() && !(is_read_only(s) && s.rollback_tool.is_empty()))
        .collect();
    let undo: Vec<&WorkflowStep> = executed.iter().rev().filter(|s| !s.rollback_tool.is_empty()).copied().collect();
    let left: Vec<&WorkflowStep> = executed.iter().filter(|s| s.rollback_tool.is_empty()).copied().collect();
    let agent_side: Vec<&WorkflowStep> =
        wf.steps.iter().filter(|s| handed_out(s) && !s.rollback_tool.is_empty()).collect();
    let outside: Vec<&WorkflowStep> =
        wf.steps.iter().filter(|s| handed_out(s) && s.rollback_tool.is_empty() && !is_read_only(s)).collect();
    let partial: Vec<&WorkflowStep> = wf.steps.iter().filter(|s| s.status_is(status::PARTIALLY_ROLLED_BACK)).collect();
    let blockers: Vec<String> = if matches!(
        wf.state,
        WorkflowState::Draft | WorkflowState::Completed | WorkflowState::RollingBack | WorkflowState::Cancelled
    ) {
        vec![format!(
            "workflow is in state '{}': rollback is not possible from draft (nothing ran), completed \
             (plan an explicit reversal instead), rolling_back (one is already under way) or cancelled",
            wf.state
        )]
    } else {
        Vec::new()
    };
    let mut m = common(wf, "failed", acknowledged);
    listed(&mut m, "would_roll_back", &undo, rollback_ref);
    listed(&mut m, "left_in_place", &left, step_ref);
    m.insert("left_in_place_note".into(), Value::from(if left.is_empty() { "" } else { NOT_REVERSIBLE_NOTE }));
    listed(&mut m, "not_reversed_by_pilot", &agent_side, rollback_ref);
    listed(&mut m, "not_reversible_outside_pilot", &outside, step_ref);
    listed(&mut m, "left_behind_by_earlier_rollback", &partial, |s| {
        let mut e = step_ref(s);
        e["leaves_behind"] = Value::from(leaves_behind(s));
        e
    });
    m.insert(
        "not_reversible_outside_pilot_note".into(),
        Value::from(if outside.is_empty() { "" } else { OUTSIDE_PILOT_NOTE }),
    );
    BlastRadius { listing: m, blockers, unmeasured: unmeasured(wf, acknowledged) }
}

/// What `cancel_workflow` would leave half-applied, and what it would skip.
pub fn cancel_blast_radius(wf: &Workflow, acknowledged: bool) -> BlastRadius {
    let changed: Vec<&WorkflowStep> =
        wf.steps.iter().filter(|s| s.status_is(status::SUCCESS) && !s.is_gate() && !is_read_only(s)).collect();
    let outside: Vec<&WorkflowStep> = wf.steps.iter().filter(|s| s.status_is(status::REPORTED_DONE)).collect();
    let skipped: Vec<&WorkflowStep> = wf.steps.iter().filter(|s| s.status_is(status::PENDING)).collect();
    let handed: Vec<&WorkflowStep> = wf.steps.iter().filter(|s| s.status_is(status::NOT_EXECUTED)).collect();
    let blockers: Vec<String> = if wf.state.is_terminal() {
        vec![format!(
            "workflow is in terminal state '{}': nothing is left to cancel; create a new plan if needed",
            wf.state
        )]
    } else {
        Vec::new()
    };
    let mut m = common(wf, "cancelled", acknowledged);
    listed(&mut m, "left_in_place", &changed, step_ref);
    listed(&mut m, "performed_outside_pilot", &outside, step_ref);
    listed(&mut m, "would_skip", &skipped, step_ref);
    listed(&mut m, "handed_out_to_caller", &handed, step_ref);
    m.insert("handed_out_to_caller_note".into(), Value::from(if handed.is_empty() { "" } else { HANDED_OUT_NOTE }));
    BlastRadius { listing: m, blockers, unmeasured: unmeasured(wf, acknowledged) }
}

/// The refusal for acting (`confirm=True`) while the radius has blockers or unmeasured
/// lines, or `None` when the call may act. `verb` is `roll back` or `cancel`.
pub fn radius_refusal(verb: &str, wf: &Workflow, radius: &BlastRadius) -> Option<Value> {
    let reasons: Vec<&str> = radius.blockers.iter().chain(&radius.unmeasured).map(String::as_str).collect();
    if reasons.is_empty() {
        return None;
    }
    Some(json!({
        "error": format!(
            "Refusing to {verb} workflow '{}': {}. Nothing was changed. Settle that first — \
             get_workflow_status('{}') shows every step — then preview again.",
            wf.id, reasons.join("; "), wf.id
        ),
        "workflow_id": wf.id,
        "state": wf.state.as_str(),
        "blast_radius": radius.to_value(),
    }))
}

/// The answer for a stored record that cannot be read, for preview and confirm alike:
/// unmeasured, not missing. `class` is the Python exception class upstream would name.
pub fn unreadable(id: &str, class: &str, verb: &str) -> Value {
    let reason =
        format!("the stored record could not be read ({class}), so there is no measuring what {verb} would change");
    json!({
        "error": format!(
            "Workflow '{id}' could not be read: {reason}. Nothing was changed. The record in \
             ~/.vmware/workflows.db is damaged: check the estate by hand (each step's skill and tool), \
             then create a new plan."
        ),
        "workflow_id": id,
        "blast_radius": {"blockers": [], "unmeasured": [reason]},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for k in ["db_password", "apiToken", "clientSecret", "auth_key", "API_KEY", "privateKey", "Authorization"] {
            assert!(is_secret_name(k), "{k}");
        }
        for k in ["token_count", "author", "vm_name", "token_type", "name", "keyboard"] {
            assert!(!is_secret_name(k), "{k}");
        }
    }
}
