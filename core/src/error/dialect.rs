//! The language a host's callers speak, for the prose of answers and errors.
//!
//! The core writes its messages once, in the words of the MCP tools (upstream's phrases:
//! `run_workflow('wf-…')`, `acknowledge_not_executed=True`), because those are the phrases
//! MCP callers look for. A JavaScript caller holds a `Pilot` and option objects instead, so
//! the npm package asks for [`Dialect::JavaScript`] and gets `pilot.run('wf-…')` and
//! `{acknowledgeNotExecuted: true}`. Codes never change; records are data and are never
//! rewritten (a record's step error is the same bytes whichever host stored it), only the
//! prose keys of an answer (see [`speak_answer`]).

use serde_json::Value;

/// Who reads the prose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Dialect {
    /// The MCP tools' words (the Python drop-in, the MCP servers): the text as written.
    #[default]
    Mcp,
    /// The npm package's API: `Pilot` methods, option objects, JSON literals.
    JavaScript,
}

/// An MCP tool and the JavaScript call that does its job. `params` are filled with the
/// tool call's positional arguments when it has them; keyword arguments go into an options
/// object after them.
struct Call {
    tool: &'static str,
    js: &'static str,
    params: &'static [&'static str],
    /// Also a plain English word ("approve or reject"): translated only as a call.
    word: bool,
}

const CALLS: &[Call] = &[
    Call {
        tool: "create_workflow_from_template",
        js: "pilot.createFromTemplate",
        params: &["name", "args"],
        word: false,
    },
    Call {
        tool: "create_workflow",
        js: "pilot.createWorkflow",
        params: &["name", "description", "steps"],
        word: false,
    },
    Call { tool: "design_workflow", js: "pilot.designDraft", params: &["goal"], word: false },
    Call { tool: "update_draft", js: "pilot.updateDraft", params: &["id", "{steps}"], word: false },
    Call { tool: "confirm_draft", js: "pilot.confirmDraft", params: &["id"], word: false },
    Call { tool: "run_workflow", js: "pilot.run", params: &["id"], word: false },
    Call { tool: "approve", js: "pilot.approve", params: &["id", "approver"], word: true },
    Call { tool: "rollback", js: "pilot.rollback", params: &["id"], word: true },
    Call { tool: "cancel_workflow", js: "pilot.cancel", params: &["id"], word: false },
    Call { tool: "review_workflow", js: "pilot.review", params: &["id"], word: false },
    Call { tool: "get_workflow_status", js: "pilot.status", params: &["id"], word: false },
    Call { tool: "list_workflows", js: "pilot.list", params: &[], word: false },
    Call { tool: "get_skill_catalog", js: "skillCatalog", params: &[], word: false },
];

/// Pilot's own keyword options and their JavaScript names. Any other `name=True` (a sibling
/// tool's param such as `dry_run`) keeps its name: step params are JSON either way.
const OPTIONS: &[(&str, &str)] = &[
    ("acknowledge_not_executed", "acknowledgeNotExecuted"),
    ("acknowledge_unknown_effects", "acknowledgeUnknownEffects"),
    ("approve_mode", "approveMode"),
    ("save_as_template", "saveAsTemplate"),
    ("workflow_id", "id"),
];

/// Python's exception classes, as upstream names a damaged record's fault.
const FAULTS: &[(&str, &str)] = &[
    ("JSONDecodeError", "not JSON"),
    ("KeyError", "a required field is missing"),
    ("ValueError", "a field holds a value it cannot hold"),
    ("TypeError", "a field has the wrong type"),
    ("AttributeError", "a field has the wrong type"),
];

/// Python type names after the words that introduce a type in the core's messages.
const TYPES: &[(&str, &str)] = &[
    ("dict", "object"),
    ("list", "array"),
    ("tuple", "array"),
    ("str", "string"),
    ("NoneType", "null"),
    ("int", "integer"),
    ("float", "number"),
    ("bool", "boolean"),
];
const TYPE_INTRODUCERS: &[&str] = &["found", "not", "is", "returned", "got", "a", "an"];

/// Whole phrases that read better rewritten as a unit than word by word.
const PHRASES: &[(&str, &str)] = &[
    (
        "call approve again with acknowledge_not_executed=True",
        "call pilot.approve(id, approver, {acknowledgeNotExecuted: true}) again",
    ),
    ("cancel_workflow this one", "cancel this one with pilot.cancel(id)"),
    ("cancel_workflow on this one", "pilot.cancel(id) on this one"),
    ("by a Pilot without --dispatch", "by a Pilot in agent mode"),
    ("call again with confirm=True", "call again with {confirm: true}"),
];

/// `text` as `dialect`'s callers read it.
pub fn speak(text: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::Mcp => text.to_string(),
        Dialect::JavaScript => {
            let mut text = text.to_string();
            for (py, js) in PHRASES {
                if text.contains(py) {
                    text = text.replace(py, js);
                }
            }
            Js::new(&text).translate()
        }
    }
}

/// The keys of an answer that hold the core's prose (a string, or a list of strings).
const PROSE: &[&str] = &[
    "error",
    "message",
    "hint",
    "next_step",
    "note",
    "reason",
    "retry",
    "blockers",
    "unmeasured",
    "handed_out_to_caller_note",
];
/// Subtrees that are data: a record, its steps and params, a dispatch request, results.
const DATA: &[&str] = &[
    "record",
    "records",
    "steps",
    "params",
    "result",
    "rollback_results",
    "audit_log",
    "requests",
    "dispatch",
    "pending_dispatch",
    "diff_report",
];

/// An answer (response, refusal payload, preview) with its prose in `dialect`; data subtrees
/// are left byte for byte as they are.
pub fn speak_answer(v: &mut Value, dialect: Dialect) {
    if dialect == Dialect::Mcp {
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                if DATA.contains(&k.as_str()) {
                    continue;
                }
                let prose = PROSE.contains(&k.as_str());
                match child {
                    Value::String(s) if prose => *s = speak(s, dialect),
                    Value::Array(items) if prose && items.iter().all(Value::is_string) => {
                        for item in items {
                            if let Value::String(s) = item {
                                *s = speak(s, dialect);
                            }
                        }
                    }
                    Value::Object(_) | Value::Array(_) => speak_answer(child, dialect),
                    _ => {}
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| speak_answer(i, dialect)),
        _ => {}
    }
}

/// One left-to-right pass over the text: quoted strings are copied as they are (they name
/// the caller's data), identifiers are looked up in the tables above.
struct Js {
    chars: Vec<char>,
    pos: usize,
    out: String,
    braces: usize,
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}
fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Js {
    fn new(text: &str) -> Self {
        Js { chars: text.chars().collect(), pos: 0, out: String::with_capacity(text.len() + 16), braces: 0 }
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn translate(mut self) -> String {
        while let Some(c) = self.at(self.pos) {
            let prev = self.pos.checked_sub(1).and_then(|i| self.at(i));
            let boundary = !prev.is_some_and(|p| is_ident(p) || p == '.');
            if c == '\'' && !prev.is_some_and(|p| p.is_alphanumeric()) {
                self.quoted();
            } else if is_ident_start(c) && boundary {
                self.word();
            } else {
                match c {
                    '{' => self.braces += 1,
                    '}' => self.braces = self.braces.saturating_sub(1),
                    _ => {}
                }
                self.out.push(c);
                self.pos += 1;
            }
        }
        self.out
    }

    /// A single-quoted string: kept, except a dict key (`{'memory_mb': 4096}`) loses its
    /// quotes the way a JavaScript object literal writes it.
    fn quoted(&mut self) {
        let start = self.pos;
        let end = (start + 1..self.chars.len())
            .find(|&i| self.chars[i] == '\'' && !self.at(i + 1).is_some_and(|n| n.is_alphanumeric()));
        let Some(end) = end else {
            self.out.push('\'');
            self.pos += 1;
            return;
        };
        let inner: String = self.chars[start + 1..end].iter().collect();
        let key = self.braces > 0
            && self.at(end + 1) == Some(':')
            && !inner.is_empty()
            && inner.chars().next().is_some_and(is_ident_start)
            && inner.chars().all(is_ident);
        if key {
            self.out.push_str(&inner);
        } else {
            self.out.push('\'');
            self.out.push_str(&inner);
            self.out.push('\'');
        }
        self.pos = end + 1;
    }

    fn ident_at(&self, from: usize) -> (String, usize) {
        let mut end = from;
        while self.at(end).is_some_and(is_ident) {
            end += 1;
        }
        (self.chars[from..end].iter().collect(), end)
    }

    fn word(&mut self) {
        let (ident, end) = self.ident_at(self.pos);
        let next = self.at(end);
        if let Some(call) = CALLS.iter().find(|c| c.tool == ident) {
            if next == Some('(') {
                if let Some(close) = self.matching_paren(end) {
                    let args: String = self.chars[end + 1..close].iter().collect();
                    self.out.push_str(&js_call(call, &args));
                    self.pos = close + 1;
                    return;
                }
            }
            if !call.word {
                self.out.push_str(&js_call(call, ""));
                self.pos = end;
                return;
            }
        }
        if next == Some('=') && self.at(end + 1) != Some('=') {
            if let Some((value, after)) = self.literal_at(end + 1) {
                self.out.push_str(&format!("{{{}: {}}}", option_name(&ident), value));
                self.pos = after;
                return;
            }
        }
        if let Some((_, plain)) = FAULTS.iter().find(|(class, _)| *class == ident) {
            self.out.push_str(plain);
        } else if let Some(lit) = js_literal(&ident) {
            self.out.push_str(lit);
        } else if let Some(js_type) = self.type_name(&ident) {
            self.out.push_str(js_type);
        } else {
            self.out.push_str(&ident);
        }
        self.pos = end;
    }

    /// A Python type name where the sentence introduces a type ("found dict", "not a
    /// list"); "a" becomes "an" before a vowel.
    fn type_name(&mut self, ident: &str) -> Option<&'static str> {
        let (_, js) = TYPES.iter().find(|(py, _)| *py == ident)?;
        let before = self.out.trim_end_matches(' ');
        let last = before.rsplit(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
        if !TYPE_INTRODUCERS.contains(&last) || before.len() == self.out.len() {
            return None;
        }
        if last == "a" && js.starts_with(['a', 'e', 'i', 'o', 'u']) {
            let cut = before.len() - 1;
            self.out.truncate(cut);
            self.out.push_str("an ");
        }
        Some(js)
    }

    /// A Python literal value starting at `from` (`True`, `None`, a number, a quoted
    /// string) in JavaScript, and where it ends.
    fn literal_at(&self, from: usize) -> Option<(String, usize)> {
        let c = self.at(from)?;
        if is_ident_start(c) {
            let (word, end) = self.ident_at(from);
            return js_literal(&word).map(|l| (l.to_string(), end));
        }
        if c.is_ascii_digit() {
            let mut end = from;
            while self.at(end).is_some_and(|d| d.is_ascii_digit() || d == '.') {
                end += 1;
            }
            return Some((self.chars[from..end].iter().collect(), end));
        }
        if c == '\'' {
            let close = (from + 1..self.chars.len()).find(|&i| self.chars[i] == '\'')?;
            return Some((self.chars[from..=close].iter().collect(), close + 1));
        }
        None
    }

    fn matching_paren(&self, open: usize) -> Option<usize> {
        let mut depth = 0;
        let mut quote = false;
        for i in open..self.chars.len() {
            match self.chars[i] {
                '\'' => quote = !quote,
                '(' if !quote => depth += 1,
                ')' if !quote => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        None
    }
}

fn js_literal(word: &str) -> Option<&'static str> {
    match word {
        "True" => Some("true"),
        "False" => Some("false"),
        "None" => Some("null"),
        _ => None,
    }
}

fn option_name(py: &str) -> &str {
    OPTIONS.iter().find(|(p, _)| *p == py).map_or(py, |(_, js)| js)
}

/// `call` written as a JavaScript call: positional arguments fill the parameters in order,
/// keyword arguments (`confirm=True`) go into one options object at the end.
fn js_call(call: &Call, args: &str) -> String {
    let mut positional: Vec<String> = Vec::new();
    let mut options: Vec<String> = Vec::new();
    for arg in split_args(args) {
        let arg = arg.trim();
        if arg.is_empty() {
            continue;
        }
        match arg.split_once('=') {
            Some((name, value)) if name.chars().all(is_ident) && !value.starts_with('=') => {
                let value = js_literal(value.trim()).map_or_else(|| value.trim().to_string(), str::to_string);
                options.push(format!("{}: {}", option_name(name.trim()), value));
            }
            _ => positional.push(speak(arg, Dialect::JavaScript)),
        }
    }
    // With nothing given the call shows its shape; with options, the parameters before them
    // are needed; given arguments fill the parameters in order.
    let mut parts: Vec<String> = Vec::new();
    for (i, param) in call.params.iter().enumerate() {
        match positional.get(i) {
            Some(given) => parts.push(given.clone()),
            None if positional.is_empty() && options.is_empty() => parts.push(param.to_string()),
            None if !options.is_empty() && !param.starts_with('{') => parts.push(param.to_string()),
            None => {}
        }
    }
    parts.extend(positional.iter().skip(call.params.len()).cloned());
    if !options.is_empty() {
        parts.push(format!("{{{}}}", options.join(", ")));
    }
    format!("{}({})", call.js, parts.join(", "))
}

/// Arguments split at top-level commas (not inside quotes, brackets or braces).
fn split_args(args: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let (mut depth, mut quote) = (0i32, false);
    for c in args.chars() {
        match c {
            '\'' => quote = !quote,
            '(' | '[' | '{' if !quote => depth += 1,
            ')' | ']' | '}' if !quote => depth -= 1,
            ',' if !quote && depth == 0 => {
                out.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(s) = out.last_mut() {
            s.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(text: &str) -> String {
        speak(text, Dialect::JavaScript)
    }

    #[test]
    fn tool_calls_become_pilot_methods() {
        assert_eq!(js("Call run_workflow('wf-1') to run it."), "Call pilot.run('wf-1') to run it.");
        assert_eq!(js("get_workflow_status('wf-2') shows every step"), "pilot.status('wf-2') shows every step");
        assert_eq!(
            js("approve(acknowledge_not_executed=True) records them"),
            "pilot.approve(id, approver, {acknowledgeNotExecuted: true}) records them"
        );
        assert_eq!(js("call update_draft() first"), "call pilot.updateDraft(id, {steps}) first");
        assert_eq!(js("get_skill_catalog() lists the tools"), "skillCatalog() lists the tools");
        assert_eq!(
            js("call create_workflow_from_template('x', ...) again"),
            "call pilot.createFromTemplate('x', ...) again"
        );
        assert_eq!(js("rollback() reverses steps"), "pilot.rollback(id) reverses steps");
        assert_eq!(
            js("rollback(confirm=True, acknowledge_unknown_effects=True)"),
            "pilot.rollback(id, {confirm: true, acknowledgeUnknownEffects: true})"
        );
    }

    #[test]
    fn bare_tool_names_and_words() {
        assert_eq!(js("list_workflows shows them"), "pilot.list() shows them");
        assert_eq!(js("Use cancel_workflow on this one"), "Use pilot.cancel(id) on this one");
        assert_eq!(js("cancel_workflow, check the target"), "pilot.cancel(id), check the target");
        // the English words stay words
        assert_eq!(js("approve or reject on a workflow"), "approve or reject on a workflow");
        assert_eq!(js("rollback reverses what can be reversed"), "rollback reverses what can be reversed");
    }

    #[test]
    fn keyword_flags_become_option_objects() {
        assert_eq!(
            js("call approve again with acknowledge_not_executed=True; do not"),
            "call pilot.approve(id, approver, {acknowledgeNotExecuted: true}) again; do not"
        );
        assert_eq!(js("approve with acknowledge_not_executed=True"), "approve with {acknowledgeNotExecuted: true}");
        assert_eq!(js("with force=True once a human"), "with {force: true} once a human");
        assert_eq!(js("a caller's dry_run=True into"), "a caller's {dry_run: true} into");
        assert_eq!(js("a == b stays"), "a == b stays");
    }

    #[test]
    fn python_values_types_and_classes() {
        assert_eq!(
            js("Pass memory_mb directly ({'memory_mb': 4096}, say)"),
            "Pass memory_mb directly ({memory_mb: 4096}, say)"
        );
        assert_eq!(js("None is not a valid WorkflowState"), "null is not a valid WorkflowState");
        assert_eq!(
            js("could not be read (KeyError): the record has no 'id'"),
            "could not be read (a required field is missing): the record has no 'id'"
        );
        assert_eq!(js("field 'params' must be an object, found list"), "field 'params' must be an object, found array");
        assert_eq!(js("returned str, not a dict"), "returned string, not an object");
        assert_eq!(js("'steps' must be a list, found NoneType"), "'steps' must be an array, found null");
        // quoted data is the caller's: kept as written
        assert_eq!(js("the workflow 'run_workflow None' is"), "the workflow 'run_workflow None' is");
        assert_eq!(js("the workflow's state"), "the workflow's state");
        assert_eq!(js("a list of steps, a dictionary"), "an array of steps, a dictionary");
    }

    #[test]
    fn answers_keep_their_data() {
        let mut v = serde_json::json!({
            "error": "call run_workflow('w')",
            "record": {"steps": [{"error": "confirm=True"}]},
            "blast_radius": {"blockers": ["with acknowledge_unknown_effects=True"], "x": [{"reason": "force=True"}]},
            "steps": [{"message": "force=True"}]
        });
        speak_answer(&mut v, Dialect::JavaScript);
        assert_eq!(v["error"], "call pilot.run('w')");
        assert_eq!(v["record"]["steps"][0]["error"], "confirm=True");
        assert_eq!(v["steps"][0]["message"], "force=True");
        assert_eq!(v["blast_radius"]["blockers"][0], "with {acknowledgeUnknownEffects: true}");
        assert_eq!(v["blast_radius"]["x"][0]["reason"], "{force: true}");
        let mut same = v.clone();
        speak_answer(&mut same, Dialect::Mcp);
        assert_eq!(same, v);
    }
}
