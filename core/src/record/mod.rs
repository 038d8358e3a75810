//! Workflow records: the exact JSON shapes of upstream 2.4.0's `to_dict()` (spec §1).

mod changes;
mod load;
mod redact;
mod ser;
mod state;
mod step;
mod undo_entry;
mod workflow;

pub use changes::Changes;
pub use load::{workflow_from_json, workflow_from_value};
pub use redact::{
    first_redacted_secret, first_redacted_secret_in, is_sensitive_key, redact_value, restore_secrets, secrets_only,
    REDACTED, UPSTREAM_SENSITIVE_KEYS,
};
pub use ser::{DbJsonCache, Live, Persisted};
pub use state::WorkflowState;
pub use step::{status, StepStatus, WorkflowStep, APPROVAL_ACTION};
pub use undo_entry::{undo_entry, UndoEntry, UndoStatus, LEGACY_IN_FLIGHT_ERROR};
pub use workflow::{AuditEntry, Workflow};
