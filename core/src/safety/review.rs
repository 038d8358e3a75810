//! Step classification and the structural review of a workflow (spec §3.1-3.2).

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::catalog::catalog_risk;
use crate::pyfmt::{py_float_repr, py_repr_str, py_round};
use crate::record::Workflow;

/// Risk tiers. `Destructive` and `Unknown` need an approval gate before them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tier {
    Destructive,
    Write,
    Read,
    Unknown,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Destructive => "destructive",
            Tier::Write => "write",
            Tier::Read => "read",
            Tier::Unknown => "unknown",
        }
    }
    pub fn needs_gate(self) -> bool {
        matches!(self, Tier::Destructive | Tier::Unknown)
    }
}

const DESTRUCTIVE_HINTS: [&str; 7] = ["delete", "remove", "destroy", "force_power_off", "shutdown", "drop", "rollback"];
const READ_HINTS: [&str; 10] =
    ["list", "get", "show", "browse", "scan", "status", "health", "fetch", "describe", "inspect"];
const ID_FRAGMENTS: [&str; 6] = ["name", "id", "vm", "segment", "rule", "policy"];

/// Places one step in a tier and says what decided it: a destructive word in the tool or
/// action name, else the catalog's risk label, else a word that reads as an inspection,
/// else unknown (which is gated like a risk: absence of evidence is not safety).
pub fn classify_step(skill: &str, tool: &str, action: &str) -> (Tier, String) {
    classify_step_in(None, skill, tool, action)
}

/// [`classify_step`] against another catalog (`None`: the one Pilot ships).
pub fn classify_step_in(catalog: Option<&Value>, skill: &str, tool: &str, action: &str) -> (Tier, String) {
    let name = tool.to_lowercase();
    let action = action.to_lowercase();
    if let Some(hit) = DESTRUCTIVE_HINTS.iter().find(|h| name.contains(*h) || action.contains(*h)) {
        return (Tier::Destructive, format!("its name contains {}", py_repr_str(hit)));
    }
    let risk = match catalog {
        None => catalog_risk(skill, tool).to_string(),
        Some(c) => crate::catalog::catalog_risk_in(c, skill, tool),
    };
    if !risk.is_empty() {
        let tier = match risk.as_str() {
            "high" | "critical" => Tier::Destructive,
            "medium" => Tier::Write,
            "low" => Tier::Read,
            _ => Tier::Unknown,
        };
        return (tier, format!("the skill catalog marks it risk {}", py_repr_str(&risk)));
    }
    if let Some(hit) = READ_HINTS.iter().find(|h| name.contains(*h)) {
        return (Tier::Read, format!("its name contains {}, which reads as an inspection", py_repr_str(hit)));
    }
    (Tier::Unknown, "it is not in pilot's skill catalog and its name matches no pattern".into())
}

fn finding(severity: &str, kind: &str, step: i64, message: String) -> Value {
    json!({"severity": severity, "kind": kind, "step_index": step, "message": message})
}

/// `review_workflow`: findings, a verdict and a summary. A pure function of the record.
pub fn review(wf: &Workflow) -> Value {
    let mut findings = Vec::new();
    let (mut destructive, mut unknown, mut read, mut write, mut gates) = (vec![], vec![], vec![], vec![], vec![]);
    let mut reasons: HashMap<i64, String> = HashMap::new();
    let mut deleted: Map<String, Value> = Map::new(); // resource → earliest deleting step

    for step in &wf.steps {
        if step.is_gate() {
            gates.push(step.index);
            continue;
        }
        let (tier, reason) = classify_step(&step.skill, &step.tool, &step.action);
        reasons.insert(step.index, reason);
        match tier {
            Tier::Destructive => {
                destructive.push(step.index);
                for (k, v) in &step.params {
                    if let Value::String(s) = v {
                        let key = k.to_lowercase();
                        if ID_FRAGMENTS.iter().any(|f| key.contains(f)) && !deleted.contains_key(s) {
                            deleted.insert(s.clone(), Value::from(step.index));
                        }
                    }
                }
            }
            Tier::Unknown => unknown.push(step.index),
            Tier::Write => write.push(step.index),
            Tier::Read => read.push(step.index),
        }
        for (k, v) in &step.params {
            let empty = v.is_null() || v.as_str() == Some("");
            if empty && k != "target" && k != "description" {
                findings.push(finding(
                    "low",
                    "empty_param",
                    step.index,
                    format!("Step {} ({}) has empty value for required-looking param '{k}'", step.index, step.tool),
                ));
            }
            if let Value::String(s) = v {
                if matches!(s.to_uppercase().as_str(), "REVIEW" | "TODO" | "FIXME") {
                    findings.push(finding(
                        "high",
                        "placeholder_param",
                        step.index,
                        format!("Step {} ({}) has placeholder value '{s}' for param '{k}'", step.index, step.tool),
                    ));
                }
            }
        }
        if tier != Tier::Destructive {
            for v in step.params.values() {
                if let Value::String(s) = v {
                    if let Some(d) = deleted.get(s).and_then(Value::as_i64) {
                        if d < step.index {
                            findings.push(finding(
                                "high",
                                "delete_then_use",
                                step.index,
                                format!(
                                    "Step {} references resource '{s}' which step {d} deletes — operation will fail at dispatch",
                                    step.index
                                ),
                            ));
                        }
                    }
                }
            }
        }
    }

    let by_index: HashMap<i64, &crate::record::WorkflowStep> = wf.steps.iter().map(|s| (s.index, s)).collect();
    for &d in &destructive {
        if !gates.iter().any(|&a| a < d) {
            let s = by_index[&d];
            findings.push(finding(
                "high",
                "ungated_destructive",
                d,
                format!(
                    "Step {d} ({}.{}) is destructive — {} — and no require_approval gate comes before it. \
                     Put an approval step ahead of it, or record why it is safe.",
                    s.skill, s.tool, reasons[&d]
                ),
            ));
        }
    }
    for &u in &unknown {
        if !gates.iter().any(|&a| a < u) {
            let s = by_index[&u];
            findings.push(finding(
                "high",
                "ungated_unclassified",
                u,
                format!(
                    "Step {u} ({}.{}) cannot be classified — {} — so this review cannot rule out that it \
                     changes state, and no require_approval gate comes before it. Add the tool to \
                     SKILL_CATALOG with the risk its own skill declares (readOnlyHint / destructiveHint in \
                     that skill's MCP annotations), or put a require_approval step ahead of it.",
                    s.skill, s.tool, reasons[&u]
                ),
            ));
        }
    }

    // parallel groups, in order of first appearance
    let mut groups: Vec<(String, Vec<i64>)> = Vec::new();
    for s in wf.steps.iter().filter(|s| !s.group_id.is_empty()) {
        match groups.iter_mut().find(|(g, _)| *g == s.group_id) {
            Some((_, list)) => list.push(s.index),
            None => groups.push((s.group_id.clone(), vec![s.index])),
        }
    }
    for (gid, indices) in &mut groups {
        indices.sort();
        let contiguous = indices.windows(2).all(|w| w[1] == w[0] + 1);
        if !contiguous {
            let listed: Vec<String> = indices.iter().map(i64::to_string).collect();
            findings.push(finding(
                "medium",
                "non_contiguous_group",
                indices[0],
                format!("Parallel group '{gid}' has non-contiguous steps [{}]", listed.join(", ")),
            ));
        }
        for i in indices.iter() {
            if destructive.contains(i) {
                findings.push(finding(
                    "high",
                    "destructive_in_parallel_group",
                    *i,
                    format!("Step {i} is destructive but belongs to parallel group '{gid}' — concurrent destructive ops bypass approval ordering"),
                ));
            }
        }
    }

    // the same float operations, in the same order, as upstream
    let mut est = read.len() as f64 * 0.2
        + destructive.len() as f64 * 1.5
        + gates.len() as f64 * 5.0
        + groups.len() as f64 * -0.5;
    if est < 0.5 {
        est = 0.5;
    }
    let est = py_round(est, 1);
    let verdict = if findings.iter().any(|f| f["severity"] == "high") { "needs_revision" } else { "approved" };
    let est_value: Value = serde_json::from_str(&py_float_repr(est)).unwrap_or(json!(est));
    json!({
        "workflow_id": wf.id,
        "verdict": verdict,
        "findings": findings,
        "summary": {
            "total_steps": wf.steps.len(),
            "destructive_steps": destructive.len(),
            "write_steps": write.len(),
            "read_only_steps": read.len(),
            "classified_steps": destructive.len() + write.len() + read.len(),
            "unclassified_steps": unknown.len(),
            "approval_gates": gates.len(),
            "parallel_groups": groups.len(),
            "est_duration_min": est_value,
        }
    })
}
