//! Rules of `--dispatch` mode (spec §7): which executable runs a step's skill, how long a
//! call may take, how a child's MCP answer becomes the step's result, and what to say when a
//! call cannot start, times out or loses its child. Spawning processes is the host's.

use serde_json::{json, Value};

use crate::catalog::{bare_skill, catalog_skill_names};
use crate::pyfmt::{py_repr, py_repr_str};

/// The environment variable with the per-call timeout in seconds.
pub const ENV_TIMEOUT: &str = "VMWARE_PILOT_DISPATCH_TIMEOUT";
/// The timeout when none is set: 30 minutes.
pub const DEFAULT_TIMEOUT: f64 = 1800.0;

/// The executable name (`vmware-<skill>-mcp`) for a step's skill, or why Pilot will not run it.
pub fn executable_for(skill: &Value) -> Result<String, String> {
    let Some(text) = skill.as_str().filter(|s| !crate::pyfmt::py_strip(s).is_empty()) else {
        return Err(format!("Step names no skill ({}); Pilot cannot run it.", py_repr(skill)));
    };
    let bare = bare_skill(text);
    let well_formed = bare.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && bare.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !well_formed {
        return Err(format!("Skill name {} is not a family skill name.", py_repr_str(text)));
    }
    if bare == "pilot" {
        return Err("A step names skill 'pilot' with a tool that is not an approval gate; Pilot does not \
                    dispatch to itself. Use a require_approval step for a gate."
            .into());
    }
    let mut family = catalog_skill_names();
    if !family.contains(&bare) {
        family.sort();
        return Err(format!(
            "Skill {} is not a VMware family skill Pilot can run (known: {}).",
            py_repr_str(text),
            family.join(", ")
        ));
    }
    Ok(format!("vmware-{bare}-mcp"))
}

/// The refusal when the executable is found nowhere.
pub fn not_installed(executable: &str, skill: &str, interpreter: &str) -> String {
    let bare = bare_skill(skill);
    format!(
        "{executable} is not installed where Pilot can find it (next to {interpreter} or on PATH), so this \
         step was not run. Install the skill (uv tool install vmware-{bare}) and restart Pilot, or run Pilot \
         without --dispatch and perform the step yourself."
    )
}

/// The per-call timeout from the environment variable's raw value (None: unset). A rule, not
/// I/O: every host that dispatches (Python's, Node's) reads the variable and parses it here.
pub fn timeout_from(raw: Option<&str>) -> Result<f64, String> {
    let raw = raw.map(crate::pyfmt::py_strip).unwrap_or("");
    if raw.is_empty() {
        return Ok(DEFAULT_TIMEOUT);
    }
    let value: f64 =
        parse_float(raw).ok_or_else(|| format!("{ENV_TIMEOUT}={} is not a number of seconds.", py_repr_str(raw)))?;
    if !value.is_finite() || value <= 0.0 {
        return Err(format!("{ENV_TIMEOUT} must be positive, got {}.", py_repr_str(raw)));
    }
    Ok(value)
}

/// Python's `float()` of a string: decimal, exponent, `inf`/`nan` spellings, `_` between digits.
fn parse_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if matches!(body, "inf" | "infinity" | "nan") {
        let v = if body == "nan" { f64::NAN } else { f64::INFINITY };
        return Some(if lower.starts_with('-') { -v } else { v });
    }
    if s.contains("__") || s.starts_with('_') || s.ends_with('_') {
        return None;
    }
    s.replace('_', "").parse::<f64>().ok().filter(|_| !s.contains(['x', 'X']))
}

/// Why a network caller's step is not dispatched.
pub const NETWORK_CALLER_REFUSAL: &str = "Pilot does not run steps for a network caller: the skill's server \
would act with no caller identity, so roles could not apply. Serve Pilot over stdio to use --dispatch, or perform \
the steps from pending_dispatch yourself.";

/// The preflight refusal: every step that cannot be started, one line each.
pub fn preflight_refusal(problems: &[String]) -> String {
    format!("Nothing was run — these steps could not be started: {}", problems.join(" | "))
}

/// Python's `{x:g}` of a timeout.
fn short_seconds(t: f64) -> String {
    if t.fract() == 0.0 && t.abs() < 1e15 {
        format!("{}", t as i64)
    } else {
        let s = format!("{t}");
        if s.len() > 8 {
            format!("{t:.6}").trim_end_matches('0').to_string()
        } else {
            s
        }
    }
}

pub fn timeout_message(executable: &str, tool: &str, timeout: f64) -> String {
    format!(
        "{executable} did not answer {tool} within {} s; the call was abandoned and its effect is UNKNOWN — \
         check the target system before retrying or rolling back (raise {ENV_TIMEOUT} for long operations).",
        short_seconds(timeout)
    )
}

pub fn connection_lost_message(executable: &str, tool: &str, cause: &str) -> String {
    format!(
        "{executable} ended while running {tool} ({cause}); whether the call took effect is UNKNOWN — check the \
         target system before retrying or rolling back."
    )
}

pub fn did_not_start_message(executable: &str, cause: &str) -> String {
    format!(
        "{executable} did not start or did not finish the MCP handshake ({cause}); nothing was run. Start \
         {executable} by hand to see its error (install, config, credentials)."
    )
}

fn parse_json_or_text(t: &str) -> Value {
    serde_json::from_str(t).unwrap_or_else(|_| Value::String(t.to_string()))
}

fn truthy_error(v: &Value) -> bool {
    v.get("error").is_some_and(crate::pyfmt::is_truthy)
}

/// A child's `CallToolResult` as the step's result: the tool's own data, so that step
/// references read it. `texts` are the non-empty text blocks; `structured` its
/// `structuredContent` (null when absent). A result flagged `isError` becomes the family's
/// error envelope, so the engine records a failure.
pub fn payload(is_error: bool, texts: &[String], structured: &Value) -> Value {
    let (structured, wrapped) = match structured {
        Value::Object(m) if m.len() == 1 && m.contains_key("result") => (m["result"].clone(), true),
        other => (other.clone(), false),
    };
    if is_error {
        if structured.is_object() && truthy_error(&structured) {
            return structured;
        }
        let parsed: Vec<Value> = texts.iter().map(|t| parse_json_or_text(t)).collect();
        if let [one] = parsed.as_slice() {
            if one.is_object() && truthy_error(one) {
                return one.clone();
            }
            if let Value::Array(items) = one {
                if let [row] = items.as_slice() {
                    if row.is_object() && truthy_error(row) {
                        return row.clone();
                    }
                }
            }
        }
        let joined = texts.join(" ");
        return json!({"error": if joined.is_empty() { "the tool reported isError with no message".to_string() } else { joined }});
    }
    if wrapped || !structured.is_null() {
        return structured;
    }
    let parsed: Vec<Value> = texts.iter().map(|t| parse_json_or_text(t)).collect();
    if parsed.len() == 1 {
        parsed.into_iter().next().unwrap_or(Value::Null)
    } else {
        Value::Array(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skills() {
        assert_eq!(executable_for(&json!("vmware_aiops")).unwrap(), "vmware-aiops-mcp");
        assert_eq!(executable_for(&json!("log_insight")).unwrap(), "vmware-log-insight-mcp");
        assert!(executable_for(&json!("pilot")).unwrap_err().contains("dispatch to itself"));
        assert!(executable_for(&json!("nope")).unwrap_err().contains("not a VMware family skill"));
        assert!(executable_for(&json!("a b")).unwrap_err().contains("not a family skill name"));
        assert!(executable_for(&json!("")).unwrap_err().contains("names no skill"));
        assert!(executable_for(&json!(null)).unwrap_err().contains("names no skill (None)"));
    }

    #[test]
    fn timeouts() {
        assert_eq!(timeout_from(None).unwrap(), 1800.0);
        assert_eq!(timeout_from(Some(" 2.5 ")).unwrap(), 2.5);
        assert!(timeout_from(Some("soon")).unwrap_err().contains("is not a number of seconds"));
        assert!(timeout_from(Some("0")).unwrap_err().contains("must be positive"));
        assert!(timeout_from(Some("inf")).unwrap_err().contains("must be positive"));
        assert!(timeout_from(Some("nan")).unwrap_err().contains("must be positive"));
        assert!(timeout_message("x", "t", 1800.0).contains("within 1800 s"));
        assert!(timeout_message("x", "t", 0.5).contains("within 0.5 s"));
    }

    #[test]
    fn payloads() {
        assert_eq!(payload(false, &[], &json!({"result": null})), Value::Null);
        assert_eq!(payload(false, &[], &json!({"result": "x"})), json!("x"));
        assert_eq!(payload(false, &["{\"a\": 1}".into()], &Value::Null), json!({"a": 1}));
        assert_eq!(payload(false, &["a".into(), "b".into()], &Value::Null), json!(["a", "b"]));
        assert_eq!(payload(false, &[], &Value::Null), json!([]));
        assert_eq!(
            payload(true, &["{\"error\": \"e\", \"hint\": \"h\"}".into()], &Value::Null),
            json!({"error": "e", "hint": "h"})
        );
        assert_eq!(payload(true, &["boom".into()], &Value::Null), json!({"error": "boom"}));
        assert_eq!(payload(true, &[], &Value::Null), json!({"error": "the tool reported isError with no message"}));
    }
}
