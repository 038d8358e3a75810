//! The approval-gate rule for custom workflows (spec §3.5): every step that could change the
//! estate — destructive or unclassifiable, or passing `confirm=True` — needs a
//! `require_approval` step before it. Refused at every door, never just warned about.

use serde_json::{json, Map, Value};

use super::review::{classify_step, review_findings};
use crate::pyfmt::py_repr;
use crate::record::Workflow;

/// A step passing `confirm=True` with no gate before it, whatever its tier.
pub const CONFIRM_KIND: &str = "confirm_without_approval";
const CONFIRM_REASON: &str = "it passes confirm=True — which tells the tool a human has already \
approved — and no require_approval step comes before it";

/// One step that needs a gate ahead of it and has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateViolation {
    pub step_index: i64,
    pub skill: String,
    pub tool: String,
    pub kind: String,
    pub reason: String,
}

impl GateViolation {
    pub fn label(&self) -> String {
        format!("step {} ({}.{}: {})", self.step_index, self.skill, self.tool, self.reason)
    }
    pub fn to_value(&self) -> Value {
        json!({"step_index": self.step_index, "skill": self.skill, "tool": self.tool, "kind": self.kind, "reason": self.reason})
    }
}

/// How a tool reads a flag: a string is true unless it says no.
pub fn truthy_flag(v: &Value) -> bool {
    match v {
        Value::String(s) => !matches!(
            crate::pyfmt::py_strip(s).to_lowercase().as_str(),
            "" | "0" | "false" | "no" | "off" | "none" | "null"
        ),
        other => crate::pyfmt::is_truthy(other),
    }
}

/// True when any decision key tells a gated tool to act: `confirm`/`confirmed` truthy, or a
/// legacy `dry_run` passed explicitly falsy. Read generously: a false positive costs one
/// approval step, a false negative lets a step act unapproved.
pub fn acts(params: &Map<String, Value>) -> bool {
    if params.get("confirm").is_some_and(truthy_flag) || params.get("confirmed").is_some_and(truthy_flag) {
        return true;
    }
    matches!(params.get("dry_run"), Some(v) if !v.is_null() && !truthy_flag(v))
}

/// Every step of `wf` that would run with no human gate before it, in step order.
pub fn gate_violations(wf: &Workflow) -> Vec<GateViolation> {
    let mut found: Vec<GateViolation> = Vec::new();
    for f in review_findings(wf).into_iter().filter(|f| f.kind.is_gate_kind()) {
        if let Some(step) = wf.steps.iter().find(|s| s.index == f.step_index) {
            let (_, reason) = classify_step(&step.skill, &step.tool, &step.action);
            found.push(GateViolation {
                step_index: f.step_index,
                skill: step.skill.clone(),
                tool: step.tool.clone(),
                kind: f.kind.as_str().into(),
                reason,
            });
        }
    }
    let gates: Vec<i64> = wf.steps.iter().filter(|s| s.is_gate()).map(|s| s.index).collect();
    let flagged: Vec<i64> = found.iter().map(|v| v.step_index).collect();
    for s in &wf.steps {
        if !s.is_gate() && !flagged.contains(&s.index) && acts(&s.params) && !gates.iter().any(|&g| g < s.index) {
            found.push(GateViolation {
                step_index: s.index,
                skill: s.skill.clone(),
                tool: s.tool.clone(),
                kind: CONFIRM_KIND.into(),
                reason: CONFIRM_REASON.into(),
            });
        }
    }
    found.sort_by_key(|v| v.step_index);
    found
}

/// The step to insert before `v` to satisfy the rule.
pub fn gate_step_for(v: &GateViolation) -> Value {
    json!({
        "action": "require_approval",
        "skill": "pilot",
        "tool": "approve",
        "params": {"message": format!("Next: {}.{}. Has a human reviewed this plan, and should it go ahead?", v.skill, v.tool)}
    })
}

fn yaml_snippet(v: &GateViolation) -> String {
    let step = gate_step_for(v);
    format!(
        "  - action: require_approval\n    skill: pilot\n    tool: approve\n    params:\n      message: \"{}\"",
        step["params"]["message"].as_str().unwrap_or_default()
    )
}

/// Where a refusal comes from and what to say after it.
#[derive(Debug, Clone, Default)]
pub struct RefusalText<'a> {
    /// `save`, `confirm`, `plan`, `run`.
    pub verb: &'a str,
    /// The YAML file that defines the workflow, when there is one.
    pub source: &'a str,
    /// The call to make once fixed.
    pub retry: &'a str,
    /// A sentence of the door's own (why `force` does not help, say).
    pub extra: &'a str,
}

/// The teaching refusal: which steps, why, and the exact step that fixes it.
/// Shape: `{"error", "approval_gate_violations", "fix": {"insert_before_step", "step"}}`.
pub fn gate_refusal(name: &str, violations: &[GateViolation], text: &RefusalText) -> Value {
    let Some(first) = violations.first() else {
        return Value::Null;
    };
    let labels: Vec<String> = violations.iter().map(GateViolation::label).collect();
    let place = if text.source.is_empty() { String::new() } else { format!(" (defined in {})", text.source) };
    let how = if text.source.is_empty() {
        format!(
            "Add {} just before step {}; a single gate there covers all the steps after it. ",
            py_repr(&gate_step_for(first)),
            first.step_index
        )
    } else {
        format!(
            "Add this step to {} just before step {}; a single gate there covers all the steps after it:\n{}\n",
            text.source,
            first.step_index,
            yaml_snippet(first)
        )
    };
    let mut message = format!(
        "Refusing to {} custom workflow '{name}'{place}: {} step(s) could change the estate and have no \
         require_approval gate before them — {}. A custom workflow needs a human approval gate ahead of \
         every destructive or unclassifiable step and of every step that passes confirm=True. {how}",
        text.verb,
        violations.len(),
        labels.join("; ")
    );
    if !text.retry.is_empty() {
        message.push_str(&format!("Then {}.", text.retry));
    }
    if !text.extra.is_empty() {
        message.push(' ');
        message.push_str(text.extra);
    }
    json!({
        "error": message,
        "approval_gate_violations": violations.iter().map(GateViolation::to_value).collect::<Vec<_>>(),
        "fix": {"insert_before_step": first.step_index, "step": gate_step_for(first)},
    })
}

/// True unless `wf` was built by a vetted built-in template: a custom marker
/// (`params.custom` truthy, or `_source` from a YAML file) or a type that is not a built-in
/// name makes it custom (fail-closed).
pub fn is_custom_workflow(wf: &Workflow) -> bool {
    if wf.params.get("custom").is_some_and(crate::pyfmt::is_truthy) || wf.params.contains_key("_source") {
        return true;
    }
    !crate::catalog::BUILTIN_NAMES.contains(&wf.workflow_type.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acts_truth_table() {
        let yes = [
            json!({"confirm": true}),
            json!({"confirm": "true"}),
            json!({"confirm": "True"}),
            json!({"confirm": " YES "}),
            json!({"confirm": 1}),
            json!({"confirm": 2.5}),
            json!({"confirm": "1"}),
            json!({"confirm": "on"}),
            json!({"confirmed": true}),
            json!({"confirmed": "yes"}),
            json!({"confirmed": 1}),
            json!({"dry_run": false}),
            json!({"dry_run": 0}),
            json!({"dry_run": "false"}),
            json!({"dry_run": "False"}),
            json!({"dry_run": "no"}),
            json!({"dry_run": "0"}),
            json!({"dry_run": "off"}),
        ];
        let no = [
            json!({}),
            json!({"confirm": false}),
            json!({"confirm": 0}),
            json!({"confirm": ""}),
            json!({"confirm": "false"}),
            json!({"confirm": "no"}),
            json!({"confirm": "off"}),
            json!({"confirm": "0"}),
            json!({"confirm": "none"}),
            json!({"confirm": null}),
            json!({"confirmed": false}),
            json!({"dry_run": true}),
            json!({"dry_run": 1}),
            json!({"dry_run": "true"}),
            json!({"dry_run": null}),
        ];
        for p in yes {
            assert!(acts(p.as_object().unwrap()), "{p}");
        }
        for p in no {
            assert!(!acts(p.as_object().unwrap()), "{p}");
        }
    }
}
