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

/// A step's status: one Pilot writes, or whatever else a stored row holds (a hand-edited or
/// damaged row, even `null`), kept as it is so that it round-trips and reads as unrecognised.
#[derive(Debug, Clone, PartialEq)]
pub enum StepStatus {
    Pending,
    Running,
    Success,
    Failed,
    Skipped,
    RolledBack,
    PartiallyRolledBack,
    NotExecuted,
    ReportedDone,
    Interrupted,
    /// Not a status Pilot writes; never a string that is one (see [`StepStatus::from_value`]).
    Unrecognised(Value),
}

impl StepStatus {
    const NAMED: [(StepStatus, &'static str); 10] = [
        (StepStatus::Pending, status::PENDING),
        (StepStatus::Running, status::RUNNING),
        (StepStatus::Success, status::SUCCESS),
        (StepStatus::Failed, status::FAILED),
        (StepStatus::Skipped, status::SKIPPED),
        (StepStatus::RolledBack, status::ROLLED_BACK),
        (StepStatus::PartiallyRolledBack, status::PARTIALLY_ROLLED_BACK),
        (StepStatus::NotExecuted, status::NOT_EXECUTED),
        (StepStatus::ReportedDone, status::REPORTED_DONE),
        (StepStatus::Interrupted, status::INTERRUPTED),
    ];

    /// The status a stored value names.
    pub fn from_value(v: Value) -> Self {
        match v.as_str().and_then(Self::parse) {
            Some(known) => known,
            None => StepStatus::Unrecognised(v),
        }
    }

    /// A status Pilot writes, by its stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::NAMED.iter().find(|(_, n)| *n == name).map(|(st, _)| st.clone())
    }

    /// The stored name of a status Pilot writes; an unrecognised string as it is.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            StepStatus::Unrecognised(v) => v.as_str(),
            known => Self::NAMED.iter().find(|(st, _)| st == known).map(|(_, n)| *n),
        }
    }

    /// The stored value.
    pub fn to_value(&self) -> Value {
        match self {
            StepStatus::Unrecognised(v) => v.clone(),
            known => Value::from(known.as_str().unwrap_or_default()),
        }
    }

    pub fn is_known(&self) -> bool {
        !matches!(self, StepStatus::Unrecognised(_))
    }
}

/// One step of a workflow. Field order is upstream's `asdict` order.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowStep {
    pub index: i64,
    pub action: String,
    pub skill: String,
    pub tool: String,
    pub params: Map<String, Value>,
    /// Usually one Pilot writes; any stored JSON value round-trips.
    pub status: StepStatus,
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
            status: StepStatus::Pending,
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
        self.status = StepStatus::from_value(Value::from(s));
    }

    /// The status as Python would print it inside a message (`None` for null).
    pub fn status_text(&self) -> String {
        crate::pyfmt::py_str(&self.status.to_value())
    }

    pub fn is_gate(&self) -> bool {
        self.action == APPROVAL_ACTION
    }

    pub fn is_known_status(&self) -> bool {
        self.status.is_known()
    }

    /// `running` or `interrupted`: a call whose effect nobody knows.
    pub fn effect_unknown(&self) -> bool {
        self.status_is(status::RUNNING) || self.status_is(status::INTERRUPTED)
    }

    pub fn step_ref(&self) -> crate::error::StepRef {
        crate::error::StepRef { index: self.index, skill: self.skill.clone(), tool: self.tool.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statuses_pilot_writes_are_named_and_anything_else_round_trips() {
        for name in status::KNOWN {
            let st = StepStatus::from_value(json!(name));
            assert!(st.is_known(), "{name}");
            assert_eq!((st.as_str(), st.to_value()), (Some(name), json!(name)));
        }
        for odd in [json!("done"), json!(null), json!(3), json!({"s": 1}), json!("Pending")] {
            let st = StepStatus::from_value(odd.clone());
            assert_eq!(st, StepStatus::Unrecognised(odd.clone()));
            assert_eq!(st.to_value(), odd, "kept as stored");
        }
        let mut s = WorkflowStep::new(0, "a", "aiops", "get_vm_info", Map::new());
        s.set_status(status::RUNNING);
        assert_eq!(s.status, StepStatus::Running);
        assert!(s.effect_unknown() && s.is_known_status());
    }
}
