//! The named functions templates may call. Everything a built-in template needs beyond plain
//! data is one of these, documented in docs/templates.md — there is no per-template code.

use serde_json::{json, Map, Value};

/// Why evaluation stopped: the template is wrong, or the caller's argument is refused.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum EvalError {
    Definition(String),
    Argument(String),
}

use crate::pyfmt::is_truthy;
use crate::pyfmt::{py_repr, py_repr_str_list, py_str};
use crate::safety::gated::{confirmed_params, refuse_caller_decision};

/// What functions may read besides their arguments.
#[derive(Debug, Clone, Default)]
pub(super) struct FnContext {
    /// The host's local time as `YYYYMMDD-HHMMSS` (for default names).
    pub local_time: String,
}

fn def(msg: String) -> EvalError {
    EvalError::Definition(msg)
}

fn arity(name: &str, args: &[Value], min: usize, max: usize) -> Result<(), EvalError> {
    if args.len() < min || args.len() > max {
        return Err(def(format!("{name}() takes {min}..{max} arguments, got {}", args.len())));
    }
    Ok(())
}

fn as_map<'a>(name: &str, v: &'a Value) -> Result<&'a Map<String, Value>, EvalError> {
    v.as_object().ok_or_else(|| def(format!("{name}() needs an object, got {}", crate::pyfmt::py_type_name(v))))
}

fn as_list<'a>(name: &str, v: &'a Value) -> Result<&'a Vec<Value>, EvalError> {
    v.as_array().ok_or_else(|| def(format!("{name}() needs a list, got {}", crate::pyfmt::py_type_name(v))))
}

fn as_str<'a>(name: &str, v: &'a Value) -> Result<&'a str, EvalError> {
    v.as_str().ok_or_else(|| def(format!("{name}() needs a string, got {}", crate::pyfmt::py_type_name(v))))
}

/// Calls function `name`.
pub(super) fn call(name: &str, args: Vec<Value>, ctx: &FnContext) -> Result<Value, EvalError> {
    match name {
        // len(x): items of a list or object, characters of a string
        "len" => {
            arity(name, &args, 1, 1)?;
            Ok(Value::from(match &args[0] {
                Value::Array(a) => a.len(),
                Value::Object(o) => o.len(),
                Value::String(s) => s.chars().count(),
                other => return Err(def(format!("len() of {}", crate::pyfmt::py_type_name(other)))),
            }))
        }
        // join(list, sep): Python's sep.join(str(x) for x in list)
        "join" => {
            arity(name, &args, 2, 2)?;
            let sep = as_str(name, &args[1])?;
            Ok(Value::from(as_list(name, &args[0])?.iter().map(py_str).collect::<Vec<_>>().join(sep)))
        }
        // concat(a, b, ...): Python's str() of each, joined
        "concat" => Ok(Value::from(args.iter().map(py_str).collect::<String>())),
        // or(a, b, ...): the first truthy value, else the last (Python's `a or b`)
        "or" => {
            arity(name, &args, 1, usize::MAX)?;
            let last = args.len() - 1;
            Ok(args.iter().position(is_truthy).map_or(args[last].clone(), |i| args[i].clone()))
        }
        // and(a, b, ...): the first falsy value, else the last (Python's `a and b`)
        "and" => {
            arity(name, &args, 1, usize::MAX)?;
            let last = args.len() - 1;
            Ok(args.iter().position(|v| !is_truthy(v)).map_or(args[last].clone(), |i| args[i].clone()))
        }
        "not" => {
            arity(name, &args, 1, 1)?;
            Ok(Value::Bool(!is_truthy(&args[0])))
        }
        // when(cond, value[, otherwise]): value when cond is truthy, else otherwise (null)
        "when" => {
            arity(name, &args, 2, 3)?;
            Ok(if is_truthy(&args[0]) { args[1].clone() } else { args.get(2).cloned().unwrap_or(Value::Null) })
        }
        // compact(list): the list without nulls
        "compact" => {
            arity(name, &args, 1, 1)?;
            Ok(Value::Array(as_list(name, &args[0])?.iter().filter(|v| !v.is_null()).cloned().collect()))
        }
        // gt(a, b): a > b for numbers
        "gt" => {
            arity(name, &args, 2, 2)?;
            match (args[0].as_f64(), args[1].as_f64()) {
                (Some(a), Some(b)) => Ok(Value::Bool(a > b)),
                _ => Err(def("gt() compares numbers".into())),
            }
        }
        // first(list, n): the first n items
        "first" => {
            arity(name, &args, 2, 2)?;
            let n = args[1].as_u64().ok_or_else(|| def("first() needs a count".into()))? as usize;
            Ok(Value::Array(as_list(name, &args[0])?.iter().take(n).cloned().collect()))
        }
        // unique(list): items in first-appearance order, repeats dropped
        "unique" => {
            arity(name, &args, 1, 1)?;
            let mut out: Vec<Value> = Vec::new();
            for v in as_list(name, &args[0])? {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            }
            Ok(Value::Array(out))
        }
        // pluck(list, key): the key's value from each object that has it
        "pluck" => {
            arity(name, &args, 2, 2)?;
            let key = as_str(name, &args[1])?;
            Ok(Value::Array(as_list(name, &args[0])?.iter().filter_map(|v| v.get(key).cloned()).collect()))
        }
        // pluck_or(list, key, default): each object's value for key, default when absent
        "pluck_or" => {
            arity(name, &args, 3, 3)?;
            let key = as_str(name, &args[1])?;
            Ok(Value::Array(
                as_list(name, &args[0])?
                    .iter()
                    .map(|v| v.get(key).cloned().unwrap_or_else(|| args[2].clone()))
                    .collect(),
            ))
        }
        // current_tool(skill, tool): the tool's 2.0 name (pre-2.0 names translated)
        "current_tool" => {
            arity(name, &args, 2, 2)?;
            Ok(Value::from(crate::catalog::current_tool_name(&py_str(&args[0]), &py_str(&args[1]))))
        }
        // get(obj, key, default): the key's value, or default when the key is absent
        "get" => {
            arity(name, &args, 3, 3)?;
            let key = as_str(name, &args[1])?;
            Ok(as_map(name, &args[0])?.get(key).cloned().unwrap_or_else(|| args[2].clone()))
        }
        // is_text(x): true for a string with something other than whitespace in it
        "is_text" => {
            arity(name, &args, 1, 1)?;
            Ok(Value::Bool(args[0].as_str().is_some_and(|s| !crate::pyfmt::py_strip(s).is_empty())))
        }
        // strip(s): surrounding whitespace removed
        "strip" => {
            arity(name, &args, 1, 1)?;
            Ok(Value::from(crate::pyfmt::py_strip(as_str(name, &args[0])?)))
        }
        // local_time(): the host's local time, YYYYMMDD-HHMMSS
        "local_time" => {
            arity(name, &args, 0, 0)?;
            Ok(Value::from(ctx.local_time.clone()))
        }
        // confirmed(skill, tool, params): params made to act for a gated tool (confirm: true)
        "confirmed" => {
            arity(name, &args, 3, 3)?;
            let (skill, tool) = (as_str(name, &args[0])?, as_str(name, &args[1])?);
            let params = args[2].as_object().cloned().unwrap_or_default();
            Ok(Value::Object(confirmed_params(skill, tool, &params)))
        }
        // no_caller_decision(skill, tool, params, where): refuses confirm/confirmed/dry_run
        // in caller-supplied params of a gated tool; null otherwise
        "no_caller_decision" => {
            arity(name, &args, 4, 4)?;
            let (skill, tool, place) = (as_str(name, &args[0])?, as_str(name, &args[1])?, as_str(name, &args[3])?);
            let params = args[2].as_object().cloned().unwrap_or_default();
            refuse_caller_decision(skill, tool, &params, place).map_err(EvalError::Argument)?;
            Ok(Value::Null)
        }
        // guest_username(username, where): the username, or a refusal: there is no default
        // guest account and Pilot never assumes root
        "guest_username" => {
            arity(name, &args, 2, 2)?;
            let place = as_str(name, &args[1])?;
            guest_username(&args[0], place).map_err(EvalError::Argument)
        }
        // aiops_change(change_spec): clone_and_test's change, mapped onto the aiops tool that
        // applies it (see aiops_change below)
        "aiops_change" => {
            arity(name, &args, 1, 1)?;
            aiops_change(&args[0]).map_err(EvalError::Argument)
        }
        other => Err(def(format!("unknown function {other}()"))),
    }
}

/// The guest username, or the refusal: there is no default guest account.
pub fn guest_username(v: &Value, place: &str) -> Result<Value, String> {
    match v.as_str() {
        Some(s) if !crate::pyfmt::py_strip(s).is_empty() => Ok(v.clone()),
        _ => Err(format!(
            "{place}: a guest username is required. vmware-aiops runs guest commands as the account \
             you name and has no default account, so pilot will not assume root either. Pass the \
             guest OS account (username='ops', say) and its password, then call \
             create_workflow_from_template again."
        )),
    }
}

const RESIZE_KEYS: [&str; 3] = ["cpu", "memory_mb", "memory_gb"];
const GUEST_KEYS: [&str; 5] = ["arguments", "command", "password", "username", "working_directory"];
const SPEC_SHAPES: &str = "Give either a resize — {'cpu': 4} and/or {'memory_mb': 32768}, or \
{'memory_gb': 32} — or one guest command — {'command': '/usr/bin/apt-get', 'arguments': \
'-y upgrade', 'username': '<guest account>', 'password': '...'}.";

/// clone_and_test's change: `{"tool", "params", "guest", "description", "caveat",
/// "command_line", "username"}`. A resize (`cpu`, `memory_mb`, `memory_gb` → `memory_mb`)
/// goes to `reconfigure_vm`; anything else must be one guest command for
/// `run_vm_guest_command`. Whatever the chosen tool would reject is refused here, before
/// any clone exists.
pub fn aiops_change(spec: &Value) -> Result<Value, String> {
    let Some(map) = spec.as_object().filter(|m| !m.is_empty()) else {
        let shown: String = py_repr(spec).chars().take(40).collect();
        return Err(format!(
            "clone_and_test: change_spec must be a non-empty dict (got {shown}); without it there is \
             nothing to apply to the staging VM. {SPEC_SHAPES} Then call create_workflow_from_template again."
        ));
    };
    if map.keys().any(|k| RESIZE_KEYS.contains(&k.as_str())) {
        let mut foreign: Vec<&String> = map.keys().filter(|k| !RESIZE_KEYS.contains(&k.as_str())).collect();
        foreign.sort();
        if !foreign.is_empty() {
            return Err(format!(
                "clone_and_test: change_spec combines a resize with {}, which vmware-aiops reconfigure_vm \
                 does not take (it takes cpu and memory_mb only). Plan the resize and the guest command as \
                 two separate create_workflow_from_template('clone_and_test', ...) calls.",
                py_repr_str_list(&foreign)
            ));
        }
        if map.contains_key("memory_gb") && map.contains_key("memory_mb") {
            return Err("clone_and_test: change_spec sets both memory_gb and memory_mb. Keep one — \
                        reconfigure_vm takes memory_mb, and memory_gb is converted to it — and call \
                        create_workflow_from_template again."
                .into());
        }
        let mut params: Map<String, Value> =
            map.iter().filter(|(k, _)| k.as_str() != "memory_gb").map(|(k, v)| (k.clone(), v.clone())).collect();
        if let Some(gb) = map.get("memory_gb") {
            params.insert("memory_mb".into(), gb_to_mb(gb)?);
        }
        let mut parts = Vec::new();
        if let Some(cpu) = params.get("cpu") {
            parts.push(format!("{} vCPU", py_str(cpu)));
        }
        if let Some(mb) = params.get("memory_mb") {
            parts.push(format!("{} MB memory", py_str(mb)));
        }
        return Ok(json!({
            "tool": "reconfigure_vm",
            "params": params,
            "guest": false,
            "description": format!("resize to {}", parts.join(" / ")),
            "caveat": "if it is running, resizing it in place needs CPU/memory hot-add enabled on that VM \
                       (without hot-add vCenter refuses the change and nothing is applied)",
        }));
    }
    let mut foreign: Vec<&String> = map.keys().filter(|k| !GUEST_KEYS.contains(&k.as_str())).collect();
    foreign.sort();
    if !foreign.is_empty() {
        return Err(format!(
            "clone_and_test: change_spec has {}, which is neither a resize key nor a vmware-aiops \
             run_vm_guest_command argument ({}). {SPEC_SHAPES} Then call create_workflow_from_template again.",
            py_repr_str_list(&foreign),
            GUEST_KEYS.join(", ")
        ));
    }
    let command = match map.get("command").and_then(Value::as_str) {
        Some(c) if !crate::pyfmt::py_strip(c).is_empty() => c.to_string(),
        _ => {
            return Err(format!(
                "clone_and_test: a guest change_spec needs 'command', the full path of the program to run \
                 in the guest ('/usr/bin/apt-get', say), with its arguments in 'arguments'; then call \
                 create_workflow_from_template again. {SPEC_SHAPES}"
            ))
        }
    };
    let username = guest_username(map.get("username").unwrap_or(&Value::Null), "clone_and_test change_spec")?;
    let arguments = match map.get("arguments") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(a)) => a.clone(),
        Some(other) => {
            return Err(format!(
                "clone_and_test: change_spec 'arguments' must be a string (the command's arguments), got {}",
                py_repr(other)
            ))
        }
    };
    let command_line =
        [command.as_str(), arguments.as_str()].iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(" ");
    Ok(json!({
        "tool": "run_vm_guest_command",
        "params": map,
        "guest": true,
        "description": format!("guest command '{command}'"),
        "caveat": "the command runs inside the running VM",
        "command_line": command_line,
        "username": username,
    }))
}

fn gb_to_mb(gb: &Value) -> Result<Value, String> {
    let Some(n) = gb.as_f64().filter(|_| gb.is_number()) else {
        return Err(format!(
            "clone_and_test: memory_gb must be a number, got {}. Pass {{'memory_gb': 32}}, say, or memory_mb \
             as a whole number, to create_workflow_from_template.",
            py_repr(gb)
        ));
    };
    // integer × 1024 stays an int; a float gives a float (as in Python)
    let mb: Value = match gb.as_i64() {
        Some(i) => i.checked_mul(1024).map(Value::from).unwrap_or_else(|| json!(n * 1024.0)),
        None => json!(n * 1024.0),
    };
    let mbf = n * 1024.0;
    if mbf <= 0.0 || mbf.fract() != 0.0 || !mbf.is_finite() {
        return Err(format!(
            "clone_and_test: memory_gb={} is {} MB, and reconfigure_vm takes memory_mb as a positive whole \
             number. Pass memory_mb directly ({{'memory_mb': 4096}}, say) to create_workflow_from_template.",
            py_repr(gb),
            py_repr(&mb)
        ));
    }
    Ok(Value::from(mbf as i64))
}
