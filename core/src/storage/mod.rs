//! The storage contract: hosts own persistence. A store loads, saves with the revision it
//! replaces (a stale revision is a conflict, never a lost update), lists and deletes; the
//! [`Driver`] saves at the points the contract requires.

mod driver;
mod memory;

pub use driver::Driver;
pub use memory::MemoryStore;

use serde_json::{Map, Value};

use crate::error::PilotError;
use crate::record::{Changes, Workflow};

/// A store's version of a record. Opaque to the core; it only passes it back.
pub type Revision = u64;

/// One row of a listing: `{"id", "type", "state", "created_at", "updated_at"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub id: String,
    pub workflow_type: String,
    pub state: String,
    pub created_at: String,
    pub updated_at: String,
}

impl Summary {
    pub fn of(wf: &Workflow) -> Self {
        Summary {
            id: wf.id.clone(),
            workflow_type: wf.workflow_type.clone(),
            state: wf.state.as_str().into(),
            created_at: wf.created_at.clone(),
            updated_at: wf.updated_at.clone(),
        }
    }

    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), Value::from(self.id.clone()));
        m.insert("type".into(), Value::from(self.workflow_type.clone()));
        m.insert("state".into(), Value::from(self.state.clone()));
        m.insert("created_at".into(), Value::from(self.created_at.clone()));
        m.insert("updated_at".into(), Value::from(self.updated_at.clone()));
        Value::Object(m)
    }
}

/// Which records a listing returns. Both orders are `created_at` descending (string order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFilter {
    /// Every state but completed, failed and cancelled.
    Active,
    /// Every record, at most `limit`.
    All { limit: Option<usize> },
}

/// Sorts and filters summaries as a listing must return them.
pub fn apply_listing(mut rows: Vec<Summary>, filter: ListFilter) -> Vec<Summary> {
    if filter == ListFilter::Active {
        rows.retain(|r| !matches!(r.state.as_str(), "completed" | "failed" | "cancelled"));
    }
    // stable sort, newest first
    rows.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    if let ListFilter::All { limit: Some(n) } = filter {
        rows.truncate(n);
    }
    rows
}

/// Persistence supplied by the host.
pub trait Storage {
    /// The record and its revision, or `None` when there is no such id.
    fn load(&mut self, id: &str) -> Result<Option<(Workflow, Revision)>, PilotError>;

    /// Writes `wf`. `expected` is the revision it replaces — `None` to create a record that
    /// must not exist yet. A store holding another revision refuses with
    /// [`PilotError::Conflict`] (or [`PilotError::AlreadyExists`]) and writes nothing.
    /// `changes` says what differs from `expected`; stores of whole rows may ignore it.
    /// Secrets must be redacted in whatever leaves the process ([`Workflow::to_db_json`]
    /// does it).
    fn save(&mut self, wf: &Workflow, expected: Option<Revision>, changes: &Changes) -> Result<Revision, PilotError>;

    fn list(&mut self, filter: ListFilter) -> Result<Vec<Summary>, PilotError>;

    /// True when a record was deleted.
    fn delete(&mut self, id: &str) -> Result<bool, PilotError>;

    /// The stored revision of `id`, or `None`: how a driver tells that its working copy is
    /// still current before every read and transition. Stores that can answer without reading
    /// the record should (the default reads it).
    fn revision(&mut self, id: &str) -> Result<Option<Revision>, PilotError> {
        Ok(self.load(id)?.map(|(_, rev)| rev))
    }
}
