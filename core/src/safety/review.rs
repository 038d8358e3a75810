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

/// What a review finding is about. The names are upstream's `kind` strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    EmptyParam,
    PlaceholderParam,
    DeleteThenUse,
    UngatedDestructive,
    UngatedUnclassified,
    NonContiguousGroup,
    DestructiveInParallelGroup,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::EmptyParam => "empty_param",
            FindingKind::PlaceholderParam => "placeholder_param",
            FindingKind::DeleteThenUse => "delete_then_use",
            FindingKind::UngatedDestructive => "ungated_destructive",
            FindingKind::UngatedUnclassified => "ungated_unclassified",
            FindingKind::NonContiguousGroup => "non_contiguous_group",
            FindingKind::DestructiveInParallelGroup => "destructive_in_parallel_group",
        }
    }

    /// A step that needs an approval gate before it and has none (the gate rule's findings).
    pub fn is_gate_kind(self) -> bool {
        matches!(self, FindingKind::UngatedDestructive | FindingKind::UngatedUnclassified)
    }

    /// A finding that refuses run_workflow unless forced.
    pub fn blocks_run(self) -> bool {
        self.is_gate_kind() || self == FindingKind::DestructiveInParallelGroup
    }
}

/// One finding of [`review_findings`].
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub severity: &'static str,
    pub kind: FindingKind,
    pub step_index: i64,
    pub message: String,
}

impl Finding {
    pub fn to_value(&self) -> Value {
        json!({"severity": self.severity, "kind": self.kind.as_str(), "step_index": self.step_index, "message": self.message})
    }
}

/// A review: its findings and the counts its summary reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub findings: Vec<Finding>,
    counts: Counts,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Counts {
    total: usize,
    destructive: usize,
    write: usize,
    read: usize,
    unknown: usize,
    gates: usize,
    groups: usize,
}

impl Review {
    /// `review_workflow`'s answer: findings, a verdict and a summary.
    pub fn to_value(&self, workflow_id: &str) -> Value {
        let c = &self.counts;
        // the same float operations, in the same order, as upstream
        let mut est = c.read as f64 * 0.2 + c.destructive as f64 * 1.5 + c.gates as f64 * 5.0 + c.groups as f64 * -0.5;
        if est < 0.5 {
            est = 0.5;
        }
        let est = py_round(est, 1);
        let verdict = if self.findings.iter().any(|f| f.severity == "high") { "needs_revision" } else { "approved" };
        let est_value: Value = serde_json::from_str(&py_float_repr(est)).unwrap_or(json!(est));
        json!({
            "workflow_id": workflow_id,
            "verdict": verdict,
            "findings": self.findings.iter().map(Finding::to_value).collect::<Vec<_>>(),
            "summary": {
                "total_steps": c.total,
                "destructive_steps": c.destructive,
                "write_steps": c.write,
                "read_only_steps": c.read,
                "classified_steps": c.destructive + c.write + c.read,
                "unclassified_steps": c.unknown,
                "approval_gates": c.gates,
                "parallel_groups": c.groups,
                "est_duration_min": est_value,
            }
        })
    }
}

fn finding(severity: &'static str, kind: FindingKind, step_index: i64, message: String) -> Finding {
    Finding { severity, kind, step_index, message }
}

/// `review_workflow`'s answer. A pure function of the record.
pub fn review(wf: &Workflow) -> Value {
    review_of(wf).to_value(&wf.id)
}

/// The findings alone, in upstream's order.
pub fn review_findings(wf: &Workflow) -> Vec<Finding> {
    review_of(wf).findings
}

/// The structural review of `wf` (spec §3.2).
pub fn review_of(wf: &Workflow) -> Review {
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
                    FindingKind::EmptyParam,
                    step.index,
                    format!("Step {} ({}) has empty value for required-looking param '{k}'", step.index, step.tool),
                ));
            }
            if let Value::String(s) = v {
                if matches!(s.to_uppercase().as_str(), "REVIEW" | "TODO" | "FIXME") {
                    findings.push(finding(
                        "high",
                        FindingKind::PlaceholderParam,
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
                                FindingKind::DeleteThenUse,
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
                FindingKind::UngatedDestructive,
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
                FindingKind::UngatedUnclassified,
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
                FindingKind::NonContiguousGroup,
                indices[0],
                format!("Parallel group '{gid}' has non-contiguous steps [{}]", listed.join(", ")),
            ));
        }
        for i in indices.iter() {
            if destructive.contains(i) {
                findings.push(finding(
                    "high",
                    FindingKind::DestructiveInParallelGroup,
                    *i,
                    format!("Step {i} is destructive but belongs to parallel group '{gid}' — concurrent destructive ops bypass approval ordering"),
                ));
            }
        }
    }

    let counts = Counts {
        total: wf.steps.len(),
        destructive: destructive.len(),
        write: write.len(),
        read: read.len(),
        unknown: unknown.len(),
        gates: gates.len(),
        groups: groups.len(),
    };
    Review { findings, counts }
}
