//! Loading a stored record (spec §1.8): rows written by 2.4.0 and by older releases load;
//! missing optional fields take their defaults; pre-2.0 tool names are translated. A damaged
//! record is a clean error naming the Python exception class upstream would have raised, in
//! upstream's order of checks (steps first, then the required keys, then the state).

use serde_json::{Map, Value};

use super::state::WorkflowState;
use super::step::{StepStatus, WorkflowStep};
use super::workflow::{AuditEntry, Workflow};
use crate::catalog::current_tool_name;
use crate::error::{PilotError, RecordFault};

const STEP_FIELDS: [&str; 12] = [
    "index",
    "action",
    "skill",
    "tool",
    "params",
    "status",
    "result",
    "started_at",
    "completed_at",
    "rollback_tool",
    "rollback_params",
    "group_id",
];

fn fault(fault: RecordFault, detail: impl Into<String>) -> PilotError {
    PilotError::InvalidRecord { fault, detail: detail.into() }
}

/// Parses the text of a stored `data` column.
pub fn workflow_from_json(text: &str) -> Result<Workflow, PilotError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| fault(RecordFault::JsonDecode, format!("the stored data is not JSON: {e}")))?;
    workflow_from_value(value)
}

fn take_str(m: &mut Map<String, Value>, key: &str, ctx: &str) -> Result<Option<String>, PilotError> {
    match m.remove(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(fault(
            RecordFault::Type,
            format!("{ctx} field '{key}' must be a string, found {}", crate::pyfmt::py_type_name(&other)),
        )),
    }
}

fn take_map(m: &mut Map<String, Value>, key: &str, ctx: &str) -> Result<Option<Map<String, Value>>, PilotError> {
    match m.remove(key) {
        None => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(other) => Err(fault(
            RecordFault::Type,
            format!("{ctx} field '{key}' must be an object, found {}", crate::pyfmt::py_type_name(&other)),
        )),
    }
}

fn step_from_value(pos: usize, v: Value) -> Result<WorkflowStep, PilotError> {
    let ctx = format!("step {pos}");
    let Value::Object(mut m) = v else {
        return Err(fault(
            RecordFault::Attribute,
            format!("{ctx} is {}, not an object", crate::pyfmt::py_type_name(&v)),
        ));
    };
    if let Some(extra) = m.keys().find(|k| !STEP_FIELDS.contains(&k.as_str())) {
        return Err(fault(RecordFault::Type, format!("{ctx} has an unexpected field '{extra}'")));
    }
    for required in ["index", "action", "skill", "tool", "params"] {
        if !m.contains_key(required) {
            return Err(fault(RecordFault::Type, format!("{ctx} is missing the required field '{required}'")));
        }
    }
    let index = match m.remove("index") {
        Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64().unwrap_or_default(),
        Some(other) => {
            return Err(fault(
                RecordFault::Type,
                format!("{ctx} field 'index' must be an integer, found {}", crate::pyfmt::py_type_name(&other)),
            ))
        }
        None => 0,
    };
    let skill = take_str(&mut m, "skill", &ctx)?.unwrap_or_default();
    let tool = take_str(&mut m, "tool", &ctx)?.unwrap_or_default();
    let rollback_tool = take_str(&mut m, "rollback_tool", &ctx)?.unwrap_or_default();
    Ok(WorkflowStep {
        index,
        action: take_str(&mut m, "action", &ctx)?.unwrap_or_default(),
        tool: current_tool_name(&skill, &tool),
        rollback_tool: current_tool_name(&skill, &rollback_tool),
        skill,
        params: take_map(&mut m, "params", &ctx)?.unwrap_or_default(),
        status: StepStatus::from_value(m.remove("status").unwrap_or_else(|| Value::from("pending"))),
        result: m.remove("result").unwrap_or(Value::Null),
        started_at: take_str(&mut m, "started_at", &ctx)?.unwrap_or_default(),
        completed_at: take_str(&mut m, "completed_at", &ctx)?.unwrap_or_default(),
        rollback_params: take_map(&mut m, "rollback_params", &ctx)?.unwrap_or_default(),
        group_id: take_str(&mut m, "group_id", &ctx)?.unwrap_or_default(),
    })
}

fn audit_from_value(pos: usize, v: Value) -> Result<AuditEntry, PilotError> {
    match v {
        Value::Object(m) => Ok(AuditEntry::from_object(m)),
        other => Err(fault(
            RecordFault::Type,
            format!("audit_log entry {pos} is {}, not an object", crate::pyfmt::py_type_name(&other)),
        )),
    }
}

fn required_str(m: &mut Map<String, Value>, key: &str) -> Result<String, PilotError> {
    take_str(m, key, "the record")?.ok_or_else(|| fault(RecordFault::Key, format!("the record has no '{key}'")))
}

/// Builds a record from a decoded `data` value.
pub fn workflow_from_value(v: Value) -> Result<Workflow, PilotError> {
    let Value::Object(mut m) = v else {
        return Err(fault(
            RecordFault::Attribute,
            format!("the stored data is {}, not an object", crate::pyfmt::py_type_name(&v)),
        ));
    };
    let steps = match m.remove("steps") {
        None => Vec::new(),
        Some(Value::Array(items)) => {
            items.into_iter().enumerate().map(|(i, s)| step_from_value(i, s)).collect::<Result<Vec<_>, _>>()?
        }
        Some(other) => {
            return Err(fault(
                RecordFault::Type,
                format!("'steps' must be a list, found {}", crate::pyfmt::py_type_name(&other)),
            ))
        }
    };
    let id = required_str(&mut m, "id")?;
    let workflow_type = required_str(&mut m, "workflow_type")?;
    let state = match m.remove("state") {
        None => return Err(fault(RecordFault::Key, "the record has no 'state'")),
        Some(Value::String(s)) => WorkflowState::parse(&s)?,
        Some(other) => {
            return Err(fault(
                RecordFault::Value,
                format!("{} is not a valid WorkflowState", crate::pyfmt::py_repr(&other)),
            ))
        }
    };
    let params = take_map(&mut m, "params", "the record")?.unwrap_or_default();
    let created_at = required_str(&mut m, "created_at")?;
    let updated_at = required_str(&mut m, "updated_at")?;
    let audit_log = match m.remove("audit_log") {
        None => Vec::new(),
        Some(Value::Array(items)) => {
            items.into_iter().enumerate().map(|(i, e)| audit_from_value(i, e)).collect::<Result<Vec<_>, _>>()?
        }
        Some(_) => return Err(fault(RecordFault::Type, "'audit_log' must be a list")),
    };
    let rollback_results = match m.remove("rollback_results") {
        None => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(fault(RecordFault::Type, "'rollback_results' must be a list")),
    };
    let authors = match m.remove("authors") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|a| match a {
                Value::String(s) => Ok(s),
                _ => Err(fault(RecordFault::Type, "'authors' must hold strings")),
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(fault(RecordFault::Type, "'authors' must be a list")),
    };
    Ok(Workflow {
        id,
        workflow_type,
        state,
        steps,
        params,
        created_at,
        updated_at,
        approved_by: take_str(&mut m, "approved_by", "the record")?.unwrap_or_default(),
        diff_report: take_map(&mut m, "diff_report", "the record")?.unwrap_or_default(),
        audit_log,
        blocked_reason: take_str(&mut m, "blocked_reason", "the record")?.unwrap_or_default(),
        rollback_results,
        created_by: take_str(&mut m, "created_by", "the record")?.unwrap_or_default(),
        authors,
    })
}
