//! vmware-pilot's workflow engine as a sans-IO core.
//!
//! The core owns every decision and performs no I/O: hosts (the Python wheel, the npm
//! package, Rust programs) load records, call transitions with the time, fresh entropy and
//! the caller's identity, persist what comes back, and perform the steps the core hands out.
//!
//! * [`record`] — the workflow and step records, byte-compatible with vmware-pilot 2.4.0;
//! * [`engine`] — the state machine: run, report, approve, rollback, cancel, drafts;
//! * [`storage`] — the storage contract, an in-memory store and a driver over any store;
//! * [`safety`] — reversibility and read-only rules;
//! * [`catalog`] — the skill catalog and the tool-rename table;
//! * [`ops`] — every tool-level operation, composed once over a host's load/save/act;
//! * [`host`] — the JSON shapes bindings exchange with their callers;
//! * [`pyfmt`] — Python's printing of values, where it shows in bytes upstream writes.

#![warn(unreachable_pub)]

pub mod catalog;
pub mod dispatch;
pub mod engine;
pub mod env;
pub mod error;
pub mod host;
pub mod ops;
pub mod pyfmt;
pub mod record;
pub mod safety;
pub mod storage;
pub mod templates;

pub use engine::{Checkpoint, DispatchRequest, Mode, Options, Reported, ToolResult, Transition};
pub use env::{Env, Timestamp};
pub use error::{PilotError, RecordFault, StepRef};
pub use record::{Workflow, WorkflowState, WorkflowStep};
