use serde_json::{Map, Value};

use super::state::WorkflowState;
use super::step::{status, WorkflowStep};
use crate::env::Env;

/// One line of a workflow's own audit trail: `{"ts", "action", "detail"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub ts: String,
    pub action: String,
    pub detail: String,
    /// The entry exactly as it was stored when it is not the plain `{ts, action, detail}`
    /// of strings (an embedder added a key, or wrote a number): it is written back as it
    /// was, so nothing a host put there is lost. `ts`/`action`/`detail` are then its text.
    pub stored: Option<Map<String, Value>>,
}

impl AuditEntry {
    pub fn new(ts: impl Into<String>, action: impl Into<String>, detail: impl Into<String>) -> Self {
        AuditEntry { ts: ts.into(), action: action.into(), detail: detail.into(), stored: None }
    }

    /// An entry from any JSON object: the plain shape is kept as three strings, any other
    /// shape as it is.
    pub fn from_object(m: Map<String, Value>) -> Self {
        let plain = m.len() == 3
            && m.keys().map(String::as_str).eq(["ts", "action", "detail"])
            && m.values().all(Value::is_string);
        let text = |k: &str| m.get(k).map(crate::pyfmt::py_str).unwrap_or_default();
        if plain {
            return AuditEntry::new(text("ts"), text("action"), text("detail"));
        }
        AuditEntry { ts: text("ts"), action: text("action"), detail: text("detail"), stored: Some(m) }
    }
}

/// A workflow record. Field order is upstream's `asdict` order (spec §1.3).
#[derive(Debug, Clone, PartialEq)]
pub struct Workflow {
    pub id: String,
    pub workflow_type: String,
    pub state: WorkflowState,
    pub steps: Vec<WorkflowStep>,
    pub params: Map<String, Value>,
    pub created_at: String,
    pub updated_at: String,
    /// The last approver (overwritten at every gate).
    pub approved_by: String,
    /// Never written by any 2.4.0 path; kept for the shape.
    pub diff_report: Map<String, Value>,
    pub audit_log: Vec<AuditEntry>,
    /// `rollback_failed`, or the cancel reason; never cleared.
    pub blocked_reason: String,
    /// The entries of the latest rollback call.
    pub rollback_results: Vec<Value>,
    pub created_by: String,
    /// Everyone else who edited or confirmed it as a draft, or wrote its YAML template.
    pub authors: Vec<String>,
}

impl Workflow {
    /// A new record stamped with the host's time and caller: id from the host's entropy,
    /// `created_at == updated_at == now`, `created_by` the caller, empty audit log.
    pub fn new(
        env: &Env,
        workflow_type: impl Into<String>,
        state: WorkflowState,
        steps: Vec<WorkflowStep>,
        params: Map<String, Value>,
    ) -> Self {
        let now = env.iso_now();
        Workflow {
            id: env.new_workflow_id(),
            workflow_type: workflow_type.into(),
            state,
            steps,
            params,
            created_at: now.clone(),
            updated_at: now,
            approved_by: String::new(),
            diff_report: Map::new(),
            audit_log: Vec::new(),
            blocked_reason: String::new(),
            rollback_results: Vec::new(),
            created_by: env.caller.clone(),
            authors: Vec::new(),
        }
    }

    /// Appends an audit entry and bumps `updated_at` (the only thing that bumps it).
    pub fn log(&mut self, env: &Env, action: &str, detail: impl Into<String>) {
        let ts = env.iso_now();
        self.audit_log.push(AuditEntry::new(ts.clone(), action, detail));
        self.updated_at = ts;
    }

    /// Records `who` among the authors unless it is empty, the creator, or already there.
    pub fn with_author(&mut self, who: &str) -> bool {
        if who.is_empty() || who == self.created_by || self.authors.iter().any(|a| a == who) {
            return false;
        }
        self.authors.push(who.to_string());
        true
    }

    /// The first step that is `pending` or `running`.
    pub fn current_step(&self) -> Option<&WorkflowStep> {
        self.steps.iter().find(|s| s.status_is(status::PENDING) || s.status_is(status::RUNNING))
    }

    /// Steps whose status is `success` (approved gates included), in order.
    pub fn completed_steps(&self) -> impl Iterator<Item = &WorkflowStep> {
        self.steps.iter().filter(|s| s.status_is(status::SUCCESS))
    }

    /// The position of the step whose `index` field is `index`. Steps are numbered by
    /// position, so this is a direct look-up unless a hand-built record numbers them oddly.
    pub fn position_of(&self, index: i64) -> Option<usize> {
        if let Ok(pos) = usize::try_from(index) {
            if self.steps.get(pos).is_some_and(|s| s.index == index) {
                return Some(pos);
            }
        }
        self.steps.iter().position(|s| s.index == index)
    }
}
