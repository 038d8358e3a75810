//! The entries of `rollback_results`, typed. They stay upstream's dicts on disk
//! (`{step, tool, status, error?, reason?, result?, left_behind?}`); this module is the one
//! place that reads and writes their shape.
//!
//! An undo in flight (handed out, no result yet — Pilot's write-ahead) is marked explicitly
//! with `"in_flight": true`. Records written before that marker existed carry only the
//! sentence [`LEGACY_IN_FLIGHT_ERROR`] in `error`; it is recognised too, and must never be
//! reworded (it is data now, not prose).

use serde_json::{Map, Value};

/// The `error` text of an in-flight entry as records stored it before the explicit marker.
/// Frozen: records on disk are matched against it.
pub const LEGACY_IN_FLIGHT_ERROR: &str = "the undo was handed to the dispatcher and no result has \
been recorded: if this persists, the process died mid-call and whether the undo took effect \
is unknown — check the target system";

/// What became of one undo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UndoStatus {
    /// Reversed completely.
    Success,
    /// Reversed, leaving something behind (`left_behind`), or by an earlier rollback.
    Partial,
    /// The undo failed (the step stays `success` for a later retry).
    Failed,
    /// The step has no rollback tool.
    NotReversible,
    /// Nobody knows whether the undo took effect.
    Unknown,
    /// Handed out, no result recorded yet.
    InFlight,
    /// A status Pilot does not write.
    Unrecognised(String),
}

impl UndoStatus {
    /// The stored `status` (an in-flight undo is stored as `unknown`).
    pub fn as_str(&self) -> &str {
        match self {
            UndoStatus::Success => "success",
            UndoStatus::Partial => "partial",
            UndoStatus::Failed => "failed",
            UndoStatus::NotReversible => "not_reversible",
            UndoStatus::Unknown | UndoStatus::InFlight => "unknown",
            UndoStatus::Unrecognised(s) => s,
        }
    }

    /// Failed or of unknown effect: the rollback is incomplete.
    pub fn leaves_doubt(&self) -> bool {
        matches!(self, UndoStatus::Failed | UndoStatus::Unknown | UndoStatus::InFlight)
    }
}

/// A stored entry, read.
#[derive(Debug, Clone, Copy)]
pub struct UndoEntry<'a>(pub &'a Value);

impl UndoEntry<'_> {
    /// The index of the step it undoes.
    pub fn step(&self) -> Option<i64> {
        self.0.get("step").and_then(Value::as_i64)
    }

    pub fn status(&self) -> UndoStatus {
        let error = self.0.get("error").and_then(Value::as_str);
        match self.0.get("status").and_then(Value::as_str).unwrap_or("") {
            "success" => UndoStatus::Success,
            "partial" => UndoStatus::Partial,
            "failed" => UndoStatus::Failed,
            "not_reversible" => UndoStatus::NotReversible,
            "unknown" if self.0.get("in_flight") == Some(&Value::Bool(true)) => UndoStatus::InFlight,
            "unknown" if error == Some(LEGACY_IN_FLIGHT_ERROR) => UndoStatus::InFlight,
            "unknown" => UndoStatus::Unknown,
            other => UndoStatus::Unrecognised(other.to_string()),
        }
    }
}

/// A new entry: `{step, tool, status}` (and `in_flight: true` for an undo in flight).
pub fn undo_entry(step: i64, tool: &str, status: UndoStatus) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("step".into(), Value::from(step));
    m.insert("tool".into(), Value::from(tool));
    m.insert("status".into(), Value::from(status.as_str()));
    if status == UndoStatus::InFlight {
        m.insert("in_flight".into(), Value::Bool(true));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn in_flight_is_read_from_the_marker_and_from_records_stored_before_it() {
        let new = Value::Object(undo_entry(2, "power_on_vm", UndoStatus::InFlight));
        assert_eq!(new["status"], "unknown", "stored as upstream's 'unknown'");
        assert_eq!(UndoEntry(&new).status(), UndoStatus::InFlight);
        let legacy = json!({"step": 2, "tool": "t", "status": "unknown", "error": LEGACY_IN_FLIGHT_ERROR});
        assert_eq!(UndoEntry(&legacy).status(), UndoStatus::InFlight);
        let unknown = json!({"step": 2, "tool": "t", "status": "unknown", "error": "timed out"});
        assert_eq!(UndoEntry(&unknown).status(), UndoStatus::Unknown);
        assert_eq!(UndoEntry(&unknown).step(), Some(2));
        let odd = json!({"status": "maybe"});
        assert_eq!(UndoEntry(&odd).status(), UndoStatus::Unrecognised("maybe".into()));
        assert!(UndoStatus::Failed.leaves_doubt() && !UndoStatus::Partial.leaves_doubt());
    }
}
