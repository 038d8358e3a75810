//! The operations layer: every tool-level operation of Pilot — create, draft edits, run,
//! report, approve, reject, rollback, cancel, status, review — composed once, over a [`Host`]
//! that loads, saves and performs transitions its own way. The Python MCP tools, the Python
//! record API, the npm pure functions and the npm `Pilot` all call these, so a check, a
//! refusal or a label is written once and answers with one error code everywhere.
//!
//! Three hosts ship with the core ([`hosts`]): a [`hosts::DriverHost`] over any
//! [`crate::storage::Storage`] (write-ahead, revisions), a [`hosts::RecordHost`] over one
//! record handed in (the record-in/record-out API), and — in the Python wheel — a host whose
//! store and executor are Python objects.

mod approve;
mod args;
mod authoring;
pub mod hosts;
mod import;
mod lifecycle;
mod query;
pub mod record_api;
mod run;
mod undo;

use serde_json::Value;

use crate::env::Env;
use crate::error::PilotError;
use crate::record::{Changes, Workflow};

pub use approve::{approve, approver_for_caller, reject, ApproveArgs, ApproverCheck};
pub use args::{described, id_arg, steps_arg, text_value};
pub use authoring::{
    confirm_draft, confirmed_response, create_custom_workflow, custom_created_response, design_response,
    draft_not_found_or_state, update_draft, update_draft_response, yaml_steps_for_template,
};
pub use import::check_import;
pub use lifecycle::{bind_error_response, template_created_response};
pub use query::{not_found, status_response};
pub use run::{run, run_check, unknown_status_refusal};
pub use undo::{cancel, cancel_preview, cancel_result, rollback, rollback_preview, rollback_result, Undo};

/// A transition an operation asks its host to perform, after the operation's own checks.
#[derive(Debug, Clone, PartialEq)]
pub enum Act {
    Run,
    Approve { approver: String, acknowledge_not_executed: bool, hold: bool },
    Rollback,
    Cancel { reason: String },
}

/// What an operation needs from the process it runs in. The operation decides; the host
/// reads, writes and performs.
pub trait Host {
    /// The stored record of `id`, or `None`. A record that exists but cannot be read is an
    /// error ([`PilotError::InvalidRecord`] or the store's own).
    fn load(&mut self, id: &str) -> Result<Option<Workflow>, PilotError>;

    /// Stores an edit the operation made itself (a forced run's audit entry, a draft edit):
    /// `wf` is the loaded record with `changes` applied.
    fn save(&mut self, wf: &Workflow, changes: &Changes) -> Result<(), PilotError>;

    /// True after a [`Host::load`] that found an object for the id which is not a record the
    /// core can read (an embedder's stand-in): only checks that need no record apply to it,
    /// and the act is performed on it as the host holds it (`act` gets `None`).
    fn stand_in(&self) -> bool {
        false
    }

    /// Performs `act` on `wf` (the loaded record, with any saved edit; `None` for a
    /// stand-in) and answers with the host's shape of the result: upstream's response dict (Python), a summary with the
    /// checkpoint (`Pilot`), `{record, checkpoint, response}` (the record API). A refusal of
    /// the engine is an error; a host that answers refusals as dicts may return them as `Ok`.
    fn act(&mut self, wf: Option<Workflow>, act: Act, env: &Env) -> Result<Value, PilotError>;
}

/// The stored record of `id`, or [`PilotError::NotFound`] (a stand-in cannot be checked:
/// [`PilotError::InvalidRecord`]).
fn load_existing<H: Host>(host: &mut H, id: &str) -> Result<Workflow, PilotError> {
    host.load(id)?.ok_or_else(|| missing(host, id))
}

/// Why a load found no record: none stored, or a stand-in that cannot be checked.
fn missing<H: Host>(host: &H, id: &str) -> PilotError {
    if host.stand_in() {
        return PilotError::InvalidRecord {
            fault: crate::error::RecordFault::Type,
            detail: format!("the store returned an object for '{id}' that is not a workflow record"),
        };
    }
    PilotError::NotFound { id: id.into() }
}
