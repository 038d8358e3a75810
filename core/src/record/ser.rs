//! Serialising records in upstream's key order, either live (`to_dict()`) or redacted for
//! storage — the redaction happens while writing, without copying the record.

use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

use super::redact::{is_sensitive_key, mask_credentials, REDACTED};
use super::step::WorkflowStep;
use super::workflow::{AuditEntry, Workflow};

/// The live view of a record: `to_dict()`, secrets included.
pub struct Live<'a>(pub &'a Workflow);

/// The stored view of a record: every sensitive key masked, and credentials inside strings
/// (spec §1.7, widened: docs/redaction.md).
pub struct Persisted<'a>(pub &'a Workflow);

impl Serialize for Live<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        WorkflowSer { wf: self.0, redact: false }.serialize(s)
    }
}

impl Serialize for Persisted<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        WorkflowSer { wf: self.0, redact: true }.serialize(s)
    }
}

struct WorkflowSer<'a> {
    wf: &'a Workflow,
    redact: bool,
}

struct StepSer<'a> {
    step: &'a WorkflowStep,
    redact: bool,
}

pub(crate) struct ValueSer<'a> {
    pub v: &'a Value,
    pub redact: bool,
}

/// A step status: its name, or the unrecognised value as stored.
struct StatusSer<'a> {
    s: &'a super::StepStatus,
    redact: bool,
}

impl Serialize for StatusSer<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        match self.s {
            super::StepStatus::Unrecognised(v) => ValueSer { v, redact: self.redact }.serialize(ser),
            known => ser.serialize_str(known.as_str().unwrap_or_default()),
        }
    }
}

struct MapSer<'a> {
    m: &'a Map<String, Value>,
    redact: bool,
}

struct StepsSer<'a> {
    steps: &'a [WorkflowStep],
    redact: bool,
}

struct ValuesSer<'a> {
    items: &'a [Value],
    redact: bool,
}

impl Serialize for StepsSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.steps.len()))?;
        for step in self.steps {
            seq.serialize_element(&StepSer { step, redact: self.redact })?;
        }
        seq.end()
    }
}

impl Serialize for ValuesSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.items.len()))?;
        for v in self.items {
            seq.serialize_element(&ValueSer { v, redact: self.redact })?;
        }
        seq.end()
    }
}

impl Serialize for WorkflowSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let wf = self.wf;
        let redact = self.redact;
        let mut st = s.serialize_struct("Workflow", 14)?;
        st.serialize_field("id", &wf.id)?;
        st.serialize_field("workflow_type", &wf.workflow_type)?;
        st.serialize_field("state", wf.state.as_str())?;
        st.serialize_field("steps", &StepsSer { steps: &wf.steps, redact })?;
        st.serialize_field("params", &MapSer { m: &wf.params, redact })?;
        st.serialize_field("created_at", &wf.created_at)?;
        st.serialize_field("updated_at", &wf.updated_at)?;
        st.serialize_field("approved_by", &wf.approved_by)?;
        st.serialize_field("diff_report", &MapSer { m: &wf.diff_report, redact })?;
        st.serialize_field("audit_log", &AuditLogSer { log: &wf.audit_log, redact })?;
        st.serialize_field("blocked_reason", &wf.blocked_reason)?;
        st.serialize_field("rollback_results", &ValuesSer { items: &wf.rollback_results, redact })?;
        st.serialize_field("created_by", &wf.created_by)?;
        st.serialize_field("authors", &wf.authors)?;
        st.end()
    }
}

/// An audit entry; an entry kept in its stored shape is redacted like any other object.
struct AuditSer<'a> {
    e: &'a AuditEntry,
    redact: bool,
}

struct AuditLogSer<'a> {
    log: &'a [AuditEntry],
    redact: bool,
}

impl Serialize for AuditLogSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.log.len()))?;
        for e in self.log {
            seq.serialize_element(&AuditSer { e, redact: self.redact })?;
        }
        seq.end()
    }
}

impl Serialize for AuditSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.e.stored {
            Some(m) => MapSer { m, redact: self.redact }.serialize(s),
            None => self.e.serialize(s),
        }
    }
}

impl Serialize for AuditEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let Some(m) = &self.stored {
            return m.serialize(s);
        }
        let mut st = s.serialize_struct("AuditEntry", 3)?;
        st.serialize_field("ts", &self.ts)?;
        st.serialize_field("action", &self.action)?;
        st.serialize_field("detail", &self.detail)?;
        st.end()
    }
}

impl Serialize for StepSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let step = self.step;
        let redact = self.redact;
        let mut st = s.serialize_struct("WorkflowStep", 12)?;
        st.serialize_field("index", &step.index)?;
        st.serialize_field("action", &step.action)?;
        st.serialize_field("skill", &step.skill)?;
        st.serialize_field("tool", &step.tool)?;
        st.serialize_field("params", &MapSer { m: &step.params, redact })?;
        st.serialize_field("status", &StatusSer { s: &step.status, redact })?;
        st.serialize_field("result", &ValueSer { v: &step.result, redact })?;
        st.serialize_field("started_at", &step.started_at)?;
        st.serialize_field("completed_at", &step.completed_at)?;
        st.serialize_field("rollback_tool", &step.rollback_tool)?;
        st.serialize_field("rollback_params", &MapSer { m: &step.rollback_params, redact })?;
        st.serialize_field("group_id", &step.group_id)?;
        st.end()
    }
}

impl Serialize for WorkflowStep {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        StepSer { step: self, redact: false }.serialize(s)
    }
}

impl Serialize for MapSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.m.len()))?;
        for (k, v) in self.m {
            if self.redact && is_sensitive_key(k) {
                map.serialize_entry(k, REDACTED)?;
            } else {
                map.serialize_entry(k, &ValueSer { v, redact: self.redact })?;
            }
        }
        map.end()
    }
}

impl Serialize for ValueSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.v {
            Value::Object(m) => MapSer { m, redact: self.redact }.serialize(s),
            Value::Array(items) => ValuesSer { items, redact: self.redact }.serialize(s),
            // borrowed (so written byte for byte) unless a credential was masked
            Value::String(text) if self.redact => mask_credentials(text).serialize(s),
            other => other.serialize(s),
        }
    }
}

/// The stored text of a record, kept up to date piece by piece: each step and each audit
/// entry is serialised once and re-serialised only when it changes, so writing a workflow
/// after one step costs the bytes of that step, not of the whole history (plus copying).
#[derive(Debug, Clone, Default)]
pub struct DbJsonCache {
    steps: Vec<String>,
    audit: Vec<String>,
}

impl DbJsonCache {
    /// The record's stored text (exactly [`Workflow::to_db_json`]); `changed` says what differs
    /// since the previous call (`Changes::whole()` the first time, or when unsure).
    pub fn render(&mut self, wf: &Workflow, changed: &super::Changes) -> String {
        use crate::pyfmt::to_db_json;
        let rebuild = changed.all || self.steps.len() != wf.steps.len() || self.audit.len() > wf.audit_log.len();
        if rebuild {
            self.steps = wf.steps.iter().map(|step| to_db_json(&StepSer { step, redact: true })).collect();
            self.audit = wf.audit_log.iter().map(|e| to_db_json(&AuditSer { e, redact: true })).collect();
        } else {
            for &p in &changed.steps {
                if let Some(step) = wf.steps.get(p) {
                    self.steps[p] = to_db_json(&StepSer { step, redact: true });
                }
            }
            let from = changed.audit_from.min(self.audit.len());
            self.audit.truncate(from);
            self.audit.extend(wf.audit_log[from..].iter().map(|e| to_db_json(&AuditSer { e, redact: true })));
        }
        let field = |out: &mut String, key: &str, value: String| {
            out.push_str(", \"");
            out.push_str(key);
            out.push_str("\": ");
            out.push_str(&value);
        };
        let size: usize =
            self.steps.iter().map(String::len).sum::<usize>() + self.audit.iter().map(String::len).sum::<usize>();
        let mut out = String::with_capacity(size + 1024);
        out.push_str("{\"id\": ");
        out.push_str(&to_db_json(&wf.id));
        field(&mut out, "workflow_type", to_db_json(&wf.workflow_type));
        field(&mut out, "state", to_db_json(wf.state.as_str()));
        out.push_str(", \"steps\": [");
        push_joined(&mut out, &self.steps);
        out.push(']');
        field(&mut out, "params", to_db_json(&MapSer { m: &wf.params, redact: true }));
        field(&mut out, "created_at", to_db_json(&wf.created_at));
        field(&mut out, "updated_at", to_db_json(&wf.updated_at));
        field(&mut out, "approved_by", to_db_json(&wf.approved_by));
        field(&mut out, "diff_report", to_db_json(&MapSer { m: &wf.diff_report, redact: true }));
        out.push_str(", \"audit_log\": [");
        push_joined(&mut out, &self.audit);
        out.push(']');
        field(&mut out, "blocked_reason", to_db_json(&wf.blocked_reason));
        field(&mut out, "rollback_results", to_db_json(&ValuesSer { items: &wf.rollback_results, redact: true }));
        field(&mut out, "created_by", to_db_json(&wf.created_by));
        field(&mut out, "authors", to_db_json(&wf.authors));
        out.push('}');
        out
    }
}

/// `parts` joined by `", "`, written straight into `out` (no intermediate string).
fn push_joined(out: &mut String, parts: &[String]) {
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(part);
    }
}

/// The record's own renderings, through the serialisers above.
impl Workflow {
    /// `to_dict()`: the record as a JSON object, secrets included (the live view).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(Live(self)).unwrap_or(Value::Null)
    }

    /// The record as upstream stores it in the `data` column: redacted, `json.dumps` bytes.
    pub fn to_db_json(&self) -> String {
        crate::pyfmt::to_db_json(&Persisted(self))
    }

    /// `json.dumps`-style text of the live view (no redaction).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&Live(self)).unwrap_or_default()
    }
}
