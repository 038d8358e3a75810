use serde_json::{Map, Value};

use crate::catalog::current_tool_name;

/// The action that marks an approval gate; nothing else about a gate step matters.
pub const APPROVAL_ACTION: &str = "require_approval";

/// The step statuses 2.4.0 writes (spec §1.1). A stored status may be anything else, even
/// `null`; such a status is kept as it is and reads as "unrecognised".
pub mod status {
    pub const PENDING: &str = "pending";
    pub const RUNNING: &str = "running";
    pub const SUCCESS: &str = "success";
    pub const FAILED: &str = "failed";
    pub const SKIPPED: &str = "skipped";
    pub const ROLLED_BACK: &str = "rolled_back";
    pub const PARTIALLY_ROLLED_BACK: &str = "partially_rolled_back";
    pub const NOT_EXECUTED: &str = "not_executed";
    pub const REPORTED_DONE: &str = "reported_done";
    pub const INTERRUPTED: &str = "interrupted";

    /// Every status Pilot itself writes.
    pub const KNOWN: [&str; 10] = [
        PENDING,
        RUNNING,
        SUCCESS,
        FAILED,
        SKIPPED,
        ROLLED_BACK,
        PARTIALLY_ROLLED_BACK,
        NOT_EXECUTED,
        REPORTED_DONE,
        INTERRUPTED,
    ];
}

/// One step of a workflow. Field order is upstream's `asdict` order.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowStep {
    pub index: i64,
    pub action: String,
    pub skill: String,
    pub tool: String,
    pub params: Map<String, Value>,
    /// Usually one of [`status::KNOWN`]; any JSON value round-trips.
    pub status: Value,
    pub result: Value,
    pub started_at: String,
    pub completed_at: String,
    pub rollback_tool: String,
    pub rollback_params: Map<String, Value>,
    /// Non-empty: a parallel-group sibling.
    pub group_id: String,
}

impl WorkflowStep {
    /// A new pending step; pre-2.0 tool names are translated here, the one place every step
    /// is built through.
    pub fn new(
        index: i64,
        action: impl Into<String>,
        skill: impl Into<String>,
        tool: impl Into<String>,
        params: Map<String, Value>,
    ) -> Self {
        let skill = skill.into();
        let tool = current_tool_name(&skill, &tool.into());
        WorkflowStep {
            index,
            action: action.into(),
            skill,
            tool,
            params,
            status: Value::from(status::PENDING),
            result: Value::Null,
            started_at: String::new(),
            completed_at: String::new(),
            rollback_tool: String::new(),
            rollback_params: Map::new(),
            group_id: String::new(),
        }
    }

    /// Sets the rollback tool (translated like the forward tool) and its params.
    pub fn with_rollback(mut self, tool: impl Into<String>, params: Map<String, Value>) -> Self {
        self.rollback_tool = current_tool_name(&self.skill, &tool.into());
        self.rollback_params = params;
        self
    }

    pub fn with_group(mut self, group_id: impl Into<String>) -> Self {
        self.group_id = group_id.into();
        self
    }

    /// Re-applies the rename table to `tool` and `rollback_tool` (after a host edited them).
    pub fn translate_names(&mut self) {
        self.tool = current_tool_name(&self.skill, &self.tool);
        self.rollback_tool = current_tool_name(&self.skill, &self.rollback_tool);
    }

    pub fn status_str(&self) -> Option<&str> {
        self.status.as_str()
    }

    pub fn status_is(&self, s: &str) -> bool {
        self.status.as_str() == Some(s)
    }

    pub fn set_status(&mut self, s: &str) {
        self.status = Value::from(s);
    }

    /// The status as Python would print it inside a message (`None` for null).
    pub fn status_text(&self) -> String {
        crate::pyfmt::py_str(&self.status)
    }

    pub fn is_gate(&self) -> bool {
        self.action == APPROVAL_ACTION
    }

    pub fn is_known_status(&self) -> bool {
        self.status.as_str().is_some_and(|s| status::KNOWN.contains(&s))
    }

    /// `running` or `interrupted`: a call whose effect nobody knows.
    pub fn effect_unknown(&self) -> bool {
        self.status_is(status::RUNNING) || self.status_is(status::INTERRUPTED)
    }

    pub fn step_ref(&self) -> crate::error::StepRef {
        crate::error::StepRef { index: self.index, skill: self.skill.clone(), tool: self.tool.clone() }
    }
}
