use std::fmt;

use crate::error::{PilotError, RecordFault};

/// The eight workflow states of 2.4.0. `monitoring`, `committing` and `blocked_by_policy`
/// (1.4.0) were removed and do not load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkflowState {
    Draft,
    Pending,
    Running,
    AwaitingApproval,
    RollingBack,
    Completed,
    Failed,
    Cancelled,
}

impl WorkflowState {
    pub const ALL: [WorkflowState; 8] = [
        WorkflowState::Draft,
        WorkflowState::Pending,
        WorkflowState::Running,
        WorkflowState::AwaitingApproval,
        WorkflowState::RollingBack,
        WorkflowState::Completed,
        WorkflowState::Failed,
        WorkflowState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowState::Draft => "draft",
            WorkflowState::Pending => "pending",
            WorkflowState::Running => "running",
            WorkflowState::AwaitingApproval => "awaiting_approval",
            WorkflowState::RollingBack => "rolling_back",
            WorkflowState::Completed => "completed",
            WorkflowState::Failed => "failed",
            WorkflowState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Result<Self, PilotError> {
        WorkflowState::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| {
            let removed = matches!(s, "monitoring" | "committing" | "blocked_by_policy");
            PilotError::InvalidRecord {
                fault: RecordFault::Value,
                detail: if removed {
                    format!(
                        "'{s}' is not a valid WorkflowState: that state belongs to vmware-pilot \
                         1.4 and was removed in 2.x, so this workflow cannot continue; cancel \
                         the work it describes by hand and create a new plan"
                    )
                } else {
                    format!(
                        "'{s}' is not a valid WorkflowState (valid: draft, pending, running, \
                         awaiting_approval, rolling_back, completed, failed, cancelled)"
                    )
                },
            }
        })
    }

    /// completed, failed, cancelled.
    pub fn is_terminal(self) -> bool {
        matches!(self, WorkflowState::Completed | WorkflowState::Failed | WorkflowState::Cancelled)
    }
}

impl fmt::Display for WorkflowState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
