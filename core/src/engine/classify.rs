//! How a dispatch result is read (spec §2.7): success, a failure the tool returned, a
//! preview that changed nothing, or an effect nobody knows.

use serde_json::{Map, Value};

use super::text;
use crate::catalog::bare_skill;
use crate::pyfmt::is_truthy;
use crate::pyfmt::{py_repr, py_str};

/// An MCP `CallToolResult` as the host received it (an object with attributes, not a
/// plain dict: its `isError` counts, a dict's `isError` key does not).
#[derive(Debug, Clone, PartialEq)]
pub struct ToolResult {
    pub is_error: bool,
    /// The content blocks, e.g. `{"type": "text", "text": "..."}`.
    pub content: Vec<Value>,
    /// `structuredContent`, or null.
    pub structured_content: Value,
    /// What the step keeps as its `result`.
    pub stored: Value,
}

impl ToolResult {
    /// A tool result as received, keeping what `--dispatch` keeps as the step's result (the
    /// tool's own data, so that `__from_step_N__:key` can read it).
    pub fn received(is_error: bool, content: Vec<Value>, structured_content: Value) -> Self {
        let texts: Vec<String> = content
            .iter()
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect();
        let stored = crate::dispatch::payload(is_error, &texts, &structured_content);
        ToolResult { is_error, content, structured_content, stored }
    }
}

/// What the host reports for a dispatched step.
#[derive(Debug, Clone, PartialEq)]
pub enum Reported {
    /// The value the tool call returned.
    Returned(Value),
    /// An MCP result object.
    ToolResult(ToolResult),
    /// The call raised (a refusal, a transport error before anything ran): a failure.
    Raised(String),
    /// The call ended without telling whether it took effect (a timeout, a lost child):
    /// the step becomes `interrupted`. `payload` is whatever the tool did return.
    EffectUnknown { message: String, payload: Value },
}

/// The engine's reading of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Keep this as the step's result.
    Success(Value),
    /// `message` for the log; `result` for the step.
    Failed { message: String, result: Value },
    /// `message` for the log; `result` for the step (the payload plus `error`).
    Unknown { message: String, result: Value },
}

fn is_exit_code_tool(skill: &str, tool: &str) -> bool {
    bare_skill(skill) == "aiops" && matches!(tool, "run_vm_guest_command" | "run_vm_guest_command_with_output")
}

/// The objects a result carries at its top level (never recursive).
fn top_level_payloads(reported: &Reported) -> Vec<&Map<String, Value>> {
    match reported {
        Reported::Returned(Value::Object(m)) => vec![m],
        Reported::ToolResult(tr) => {
            let mut out = Vec::new();
            if let Value::Object(s) = &tr.structured_content {
                out.push(s);
                if let Some(Value::Object(inner)) = s.get("result") {
                    out.push(inner);
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// The single text block of a tool result parsed as a JSON object, when there is one.
fn single_text_object(tr: &ToolResult) -> Option<Map<String, Value>> {
    if tr.content.len() != 1 {
        return None;
    }
    let text = tr.content[0].get("text")?.as_str()?;
    if !text.trim_start().starts_with('{') {
        return None;
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    }
}

/// `err not in (None, "", [], {})`.
fn is_error_value(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(_) => true,
    }
}

fn equals_minus_one(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Number(n)) => n.as_i64() == Some(-1) || n.as_f64() == Some(-1.0),
        _ => false,
    }
}

fn guest_unknown(payloads: &[&Map<String, Value>], tool: &str) -> Option<String> {
    payloads.iter().find_map(|p| {
        let timed_out = p.get("timed_out") == Some(&Value::Bool(true));
        if timed_out || equals_minus_one(p.get("exit_code")) {
            let code = p.get("exit_code").map(py_repr).unwrap_or_else(|| "None".into());
            Some(text::guest_unknown(tool, &code))
        } else {
            None
        }
    })
}

fn guest_failure(payloads: &[&Map<String, Value>], tool: &str) -> Option<String> {
    payloads.iter().find_map(|p| {
        // an int only: `2.0` and `true` are data, not exit codes
        let v = p.get("exit_code")?;
        let code = match (v.as_i64(), v.as_u64()) {
            (Some(0), _) => return None,
            (Some(i), _) => i.to_string(),
            (None, Some(u)) => u.to_string(),
            _ => return None,
        };
        let stderr = match p.get("stderr") {
            Some(v) if is_truthy(v) => py_str(v),
            _ => String::new(),
        };
        let cut: String = stderr.chars().take(300).collect();
        Some(text::guest_failure(tool, &code, &cut))
    })
}

/// The failure message, if this result reports one (everything but unknown effects).
fn failure_message(reported: &Reported, payloads: &[&Map<String, Value>], skill: &str, tool: &str) -> Option<String> {
    if payloads.iter().any(|p| p.get("action").and_then(Value::as_str) == Some("preview")) {
        return Some(text::PREVIEW_ONLY.to_string());
    }
    if let Reported::ToolResult(tr) = reported {
        if tr.is_error {
            if let Some(first) = tr.content.first() {
                if let Some(t) = first.get("text").filter(|t| is_truthy(t)) {
                    return Some(py_str(t));
                }
            }
            return Some(if tr.content.is_empty() {
                text::IS_ERROR_NO_TEXT.to_string()
            } else {
                py_str(&Value::Array(tr.content.clone()))
            });
        }
    }
    for p in payloads {
        if is_error_value(p.get("error")) {
            return p.get("error").map(py_str);
        }
    }
    if let Reported::Returned(Value::Array(items)) = reported {
        if let [Value::Object(row)] = items.as_slice() {
            if is_error_value(row.get("error")) {
                return row.get("error").map(py_str);
            }
        }
    }
    if is_exit_code_tool(skill, tool) {
        return guest_failure(payloads, tool);
    }
    None
}

/// The failure a returned value reports (preview, isError, top-level error, one error row,
/// guest exit code), or `None` — upstream's `_returned_failure`, which leaves unknown effects
/// to its own check.
pub fn returned_failure(reported: &Reported, skill: &str, tool: &str) -> Option<String> {
    let mut payloads = top_level_payloads(reported);
    let parsed = match reported {
        Reported::ToolResult(tr) => single_text_object(tr),
        _ => None,
    };
    if let Some(m) = &parsed {
        payloads.push(m);
    }
    failure_message(reported, &payloads, skill, tool)
}

/// Reads a report for `skill.tool` (the rollback tool for an undo).
pub fn classify(reported: &Reported, skill: &str, tool: &str) -> Verdict {
    let stored = match reported {
        Reported::Returned(v) => v.clone(),
        Reported::ToolResult(tr) => tr.stored.clone(),
        Reported::Raised(message) => return Verdict::Failed { message: message.clone(), result: error_only(message) },
        Reported::EffectUnknown { message, payload } => {
            return Verdict::Unknown { message: message.clone(), result: with_error(payload, message) }
        }
    };
    let mut payloads = top_level_payloads(reported);
    let parsed_text = match reported {
        Reported::ToolResult(tr) => single_text_object(tr),
        _ => None,
    };
    if let Some(m) = &parsed_text {
        payloads.push(m);
    }
    if is_exit_code_tool(skill, tool) {
        if let Some(message) = guest_unknown(&payloads, tool) {
            let result = with_error(&stored, &message);
            return Verdict::Unknown { message, result };
        }
    }
    if let Some(message) = failure_message(reported, &payloads, skill, tool) {
        let result = match &stored {
            Value::Object(m) if matches!(reported, Reported::Returned(_)) => {
                if m.get("error").is_some_and(is_truthy) {
                    stored.clone()
                } else {
                    with_error(&stored, &message)
                }
            }
            _ => error_only(&message),
        };
        return Verdict::Failed { message, result };
    }
    Verdict::Success(stored)
}

fn error_only(message: &str) -> Value {
    let mut m = Map::new();
    m.insert("error".into(), Value::from(message));
    Value::Object(m)
}

/// `{**payload, "error": message}` when the payload is an object, else `{"error": message}`.
fn with_error(payload: &Value, message: &str) -> Value {
    let mut m = match payload {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    m.insert("error".into(), Value::from(message));
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn verdict(v: Value, skill: &str, tool: &str) -> Verdict {
        classify(&Reported::Returned(v), skill, tool)
    }

    #[test]
    fn successes() {
        for v in [
            json!("Error: prose is data"),
            json!({"error": null}),
            json!([{"error": "a"}, {"error": "b"}]),
            json!({"rows": [{"error": "nested"}]}),
            json!({"exit_code": 3}),
            json!(null),
            json!(5),
        ] {
            assert!(matches!(verdict(v.clone(), "monitor", "get_events"), Verdict::Success(_)), "{v}");
        }
    }

    #[test]
    fn failures() {
        match verdict(json!({"error": "boom", "hint": "h"}), "aiops", "power_on_vm") {
            Verdict::Failed { message, result } => {
                assert_eq!(message, "boom");
                assert_eq!(result, json!({"error": "boom", "hint": "h"}));
            }
            other => panic!("{other:?}"),
        }
        match verdict(json!([{"error": 7}]), "aiops", "x") {
            Verdict::Failed { message, result } => {
                assert_eq!(message, "7");
                assert_eq!(result, json!({"error": "7"}));
            }
            other => panic!("{other:?}"),
        }
        match verdict(json!({"action": "preview", "blast_radius": {}}), "aiops", "delete_vm") {
            Verdict::Failed { message, result } => {
                assert!(message.contains("only previewed") && message.contains("confirm=True"));
                assert_eq!(result["action"], "preview");
                assert_eq!(result["error"], json!(message));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn guest_commands() {
        match verdict(json!({"exit_code": 2, "stderr": "bad"}), "vmware_aiops", "run_vm_guest_command") {
            Verdict::Failed { message, result } => {
                assert!(message.contains("exit_code 2") && message.contains("stderr: bad"));
                assert_eq!(result["exit_code"], 2);
            }
            other => panic!("{other:?}"),
        }
        match verdict(json!({"exit_code": -1, "pid": 4242}), "aiops", "run_vm_guest_command_with_output") {
            Verdict::Unknown { message, result } => {
                assert!(message.contains("UNKNOWN") && message.contains("exit_code -1"));
                assert_eq!(result["pid"], 4242);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            verdict(json!({"timed_out": true}), "AIops", "run_vm_guest_command"),
            Verdict::Unknown { .. }
        ));
        assert!(matches!(verdict(json!({"exit_code": 2.0}), "aiops", "run_vm_guest_command"), Verdict::Success(_)));
        assert!(matches!(verdict(json!({"exit_code": true}), "aiops", "run_vm_guest_command"), Verdict::Success(_)));
    }

    #[test]
    fn tool_result_objects() {
        let tr = ToolResult {
            is_error: true,
            content: vec![json!({"type": "text", "text": "clone failed"})],
            structured_content: Value::Null,
            stored: json!("CallToolResult(...)"),
        };
        match classify(&Reported::ToolResult(tr), "aiops", "deploy_linked_clone") {
            Verdict::Failed { message, result } => {
                assert_eq!(message, "clone failed");
                assert_eq!(result, json!({"error": "clone failed"}));
            }
            other => panic!("{other:?}"),
        }
        let preview = ToolResult {
            is_error: false,
            content: vec![json!({"type": "text", "text": " {\"action\": \"preview\"}"})],
            structured_content: Value::Null,
            stored: json!("x"),
        };
        assert!(matches!(classify(&Reported::ToolResult(preview), "aiops", "delete_vm"), Verdict::Failed { .. }));
        let dict_with_flag = json!({"isError": true, "content": []});
        assert!(matches!(verdict(dict_with_flag, "aiops", "x"), Verdict::Success(_)));
    }
}
