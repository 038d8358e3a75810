//! Building a workflow from a template and the caller's arguments: one interpreter for the
//! built-ins and for users' templates.

use serde_json::{Map, Value};

use super::document::Template;
use super::expr::{parse_template_string, render_string, EvalError, Scope};
use super::functions::FnContext;
use crate::env::Env;
use crate::error::PilotError;
use crate::pyfmt::is_truthy;
use crate::pyfmt::py_str;
use crate::record::{Workflow, WorkflowState, WorkflowStep, APPROVAL_ACTION};
use crate::safety::gate::{gate_refusal, gate_violations, RefusalText};

struct Ctx<'a> {
    template: &'a Template,
    fns: FnContext,
}

impl Ctx<'_> {
    fn err(&self, e: EvalError) -> PilotError {
        match e {
            EvalError::Definition(message) => {
                PilotError::TemplateDefinition { template: self.template.name.clone(), message }
            }
            EvalError::Argument(message) => {
                PilotError::TemplateArgument { template: self.template.name.clone(), message }
            }
        }
    }
    fn def(&self, message: impl Into<String>) -> PilotError {
        PilotError::TemplateDefinition { template: self.template.name.clone(), message: message.into() }
    }
}

/// Binds the caller's arguments to typed parameters the way Python binds keywords: the first
/// missing required parameter (in signature order), else the first unexpected key (in the
/// caller's order); then defaults; then each value's type and checks.
pub fn bind(t: &Template, args: &Map<String, Value>) -> Result<Map<String, Value>, PilotError> {
    let Some(params) = &t.parameters else {
        return Ok(args.clone());
    };
    let bind_err =
        |message: String| PilotError::TemplateBind { template: t.name.clone(), message, signature: t.signature() };
    if let Some(p) = params.iter().find(|p| p.default.is_none() && !args.contains_key(&p.name)) {
        return Err(bind_err(format!("missing a required argument: '{}'", p.name)));
    }
    if let Some(k) = args.keys().find(|k| !params.iter().any(|p| &p.name == *k)) {
        return Err(bind_err(format!("got an unexpected keyword argument '{k}'")));
    }
    let mut bound = Map::new();
    for p in params {
        let v = args.get(&p.name).cloned().or_else(|| p.default.clone()).unwrap_or(Value::Null);
        bound.insert(p.name.clone(), v);
    }
    for p in params {
        if let Some(problem) = p.problem(&t.name, &bound[&p.name]) {
            // a check's own message may name other arguments: render it with them in scope
            let scope = Scope::new(bound.clone());
            let message = match render_string(&problem, &scope, &FnContext::default()) {
                Ok(v) => py_str(&v),
                Err(_) => problem,
            };
            return Err(PilotError::TemplateArgument { template: t.name.clone(), message });
        }
    }
    Ok(bound)
}

/// Renders a value: strings through the expression language; in objects, `$merge...` keys
/// splice an object in place and `{"$if": c, "$then": v, "$else": w}` values are chosen (a
/// missing `$else` drops the key or list item).
fn render(v: &Value, scope: &Scope, ctx: &Ctx) -> Result<Option<Value>, PilotError> {
    match v {
        Value::String(s) => Ok(Some(render_string(s, scope, &ctx.fns).map_err(|e| ctx.err(e))?)),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                if let Some(x) = render(i, scope, ctx)? {
                    out.push(x);
                }
            }
            Ok(Some(Value::Array(out)))
        }
        Value::Object(m) if m.contains_key("$if") => {
            let cond = render(&m["$if"], scope, ctx)?.unwrap_or(Value::Null);
            let branch = if is_truthy(&cond) { m.get("$then") } else { m.get("$else") };
            match branch {
                None => Ok(None),
                Some(b) => render(b, scope, ctx),
            }
        }
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                if k.starts_with("$merge") {
                    match render(x, scope, ctx)? {
                        Some(Value::Object(spliced)) => {
                            for (sk, sv) in spliced {
                                out.insert(sk, sv);
                            }
                        }
                        Some(Value::Null) | None => {}
                        Some(_) => return Err(ctx.def(format!("'{k}' must give an object to merge"))),
                    }
                    continue;
                }
                if let Some(rendered) = render(x, scope, ctx)? {
                    out.insert(k.clone(), rendered);
                }
            }
            Ok(Some(Value::Object(out)))
        }
        other => Ok(Some(other.clone())),
    }
}

fn render_str(v: Option<&Value>, default: &str, scope: &Scope, ctx: &Ctx, what: &str) -> Result<String, PilotError> {
    match v {
        None => Ok(default.to_string()),
        Some(x) => match render(x, scope, ctx)? {
            Some(Value::String(s)) => Ok(s),
            Some(other) => Ok(py_str(&other)),
            None => Err(ctx.def(format!("{what} rendered to nothing"))),
        },
    }
}

fn render_map(v: Option<&Value>, scope: &Scope, ctx: &Ctx, what: &str) -> Result<Map<String, Value>, PilotError> {
    match v {
        None => Ok(Map::new()),
        Some(x) => match render(x, scope, ctx)? {
            Some(Value::Object(m)) => Ok(m),
            Some(Value::Null) | None => Ok(Map::new()),
            Some(other) => {
                Err(ctx.def(format!("{what} must render to an object, not {}", crate::pyfmt::py_type_name(&other))))
            }
        },
    }
}

fn condition(entry: &Map<String, Value>, scope: &Scope, ctx: &Ctx) -> Result<bool, PilotError> {
    match entry.get("when") {
        None => Ok(true),
        Some(c) => Ok(render(c, scope, ctx)?.is_some_and(|v| is_truthy(&v))),
    }
}

/// Expands a list of step entries into steps (appended to `out`).
fn expand(
    entries: &[Value],
    scope: &mut Scope,
    ctx: &Ctx,
    group: &str,
    out: &mut Vec<WorkflowStep>,
) -> Result<(), PilotError> {
    for entry in entries {
        let Value::Object(e) = entry else {
            return Err(ctx.def("every step entry must be a mapping"));
        };
        // `let` names values for this entry (and what it contains); `check` runs refusing
        // functions; `when` skips the entry when falsy
        let mut frame = Map::new();
        if let Some(Value::Object(lets)) = e.get("let") {
            scope.push(Map::new());
            for (name, expr) in lets {
                let v = render(expr, scope, ctx)?.unwrap_or(Value::Null);
                scope.set(name, v.clone());
                frame.insert(name.clone(), v);
            }
            scope.pop();
        }
        scope.push(frame);
        let r = expand_entry(e, scope, ctx, group, out);
        scope.pop();
        r?;
    }
    Ok(())
}

fn expand_entry(
    e: &Map<String, Value>,
    scope: &mut Scope,
    ctx: &Ctx,
    group: &str,
    out: &mut Vec<WorkflowStep>,
) -> Result<(), PilotError> {
    if let Some(Value::Array(checks)) = e.get("check") {
        for c in checks {
            render(c, scope, ctx)?;
        }
    }
    if !condition(e, scope, ctx)? {
        return Ok(());
    }
    {
        if let Some(list_expr) = e.get("for_each") {
            let list = render(list_expr, scope, ctx)?.unwrap_or(Value::Null);
            let Value::Array(items) = list else {
                return Err(ctx.def("for_each must give a list"));
            };
            let var = e.get("as").and_then(Value::as_str).unwrap_or("item").to_string();
            let index_var = e.get("index_as").and_then(Value::as_str).map(String::from);
            let body = e.get("steps").and_then(Value::as_array).cloned().unwrap_or_default();
            for (i, item) in items.into_iter().enumerate() {
                let mut frame = Map::new();
                frame.insert(var.clone(), item);
                if let Some(iv) = &index_var {
                    frame.insert(iv.clone(), Value::from(i));
                }
                scope.push(frame);
                let r = expand(&body, scope, ctx, group, out);
                scope.pop();
                r?;
            }
            return Ok(());
        }
        if let Some(Value::Array(body)) = e.get("steps") {
            let group_id = match e.get("group") {
                None => group.to_string(),
                Some(g) => {
                    let g = render_str(Some(g), "", scope, ctx, "group")?;
                    if g.is_empty() {
                        return Err(ctx.def(
                            "a parallel group needs a non-empty id: it is the tag that lets these steps be \
                             dispatched together and that review_workflow checks; drop 'group' to keep them sequential",
                        ));
                    }
                    g
                }
            };
            expand(body, scope, ctx, &group_id, out)?;
            return Ok(());
        }
        if let Some(message) = e.get("gate") {
            let mut params = Map::new();
            params.insert("message".into(), render(message, scope, ctx)?.unwrap_or(Value::Null));
            out.push(WorkflowStep::new(out.len() as i64, APPROVAL_ACTION, "pilot", "approve", params));
            return Ok(());
        }
        let index = out.len();
        let action = render_str(e.get("action"), &format!("step_{index}"), scope, ctx, "action")?;
        let skill = render_str(e.get("skill"), "unknown", scope, ctx, "skill")?;
        let tool = render_str(e.get("tool"), "unknown", scope, ctx, "tool")?;
        let params = render_map(e.get("params"), scope, ctx, "params")?;
        let rollback_tool = render_str(e.get("rollback_tool"), "", scope, ctx, "rollback_tool")?;
        let rollback_params = render_map(e.get("rollback_params"), scope, ctx, "rollback_params")?;
        let step_group = match e.get("group") {
            Some(g) => render_str(Some(g), "", scope, ctx, "group")?,
            None => group.to_string(),
        };
        out.push(
            WorkflowStep::new(index as i64, action, skill, tool, params)
                .with_rollback(rollback_tool, rollback_params)
                .with_group(step_group),
        );
    }
    Ok(())
}

/// Runs `prepare`: `let` names a value, `require` refuses with `error` when falsy, `check`
/// evaluates a refusing function.
fn prepare(entries: &[Value], scope: &mut Scope, ctx: &Ctx) -> Result<(), PilotError> {
    for entry in entries {
        let Value::Object(e) = entry else {
            return Err(ctx.def("prepare entries must be mappings"));
        };
        if let Some(name) = e.get("let").and_then(Value::as_str) {
            let v = render(e.get("value").unwrap_or(&Value::Null), scope, ctx)?.unwrap_or(Value::Null);
            scope.set(name, v);
        } else if let Some(cond) = e.get("require") {
            let ok = render(cond, scope, ctx)?.is_some_and(|v| is_truthy(&v));
            if !ok {
                let message = render_str(e.get("error"), "an argument was refused", scope, ctx, "error")?;
                return Err(PilotError::TemplateArgument { template: ctx.template.name.clone(), message });
            }
        } else if let Some(check) = e.get("check") {
            render(check, scope, ctx)?;
        } else {
            return Err(ctx.def("a prepare entry needs let, require or check"));
        }
    }
    Ok(())
}

/// `{{var}}` substitution of upstream's custom YAML: only in strings, each placeholder
/// replaced by Python's `str()` of the caller's value; unknown names stay as written.
pub fn substitute_braces(v: &Value, args: &Map<String, Value>) -> Value {
    match v {
        Value::String(s) => {
            if !s.contains("{{") {
                return v.clone();
            }
            let mut out = String::with_capacity(s.len());
            let mut rest = s.as_str();
            while let Some(start) = rest.find("{{") {
                out.push_str(&rest[..start]);
                let after = &rest[start + 2..];
                let name_len: usize =
                    after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').map(char::len_utf8).sum();
                if name_len > 0 && after[name_len..].starts_with("}}") {
                    let name = &after[..name_len];
                    match args.get(name) {
                        Some(val) => out.push_str(&py_str(val)),
                        None => out.push_str(&rest[start..start + 2 + name_len + 2]),
                    }
                    rest = &after[name_len + 2..];
                } else {
                    out.push_str("{{");
                    rest = after;
                }
            }
            out.push_str(rest);
            Value::String(out)
        }
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), substitute_braces(x, args))).collect()),
        Value::Array(items) => Value::Array(items.iter().map(|x| substitute_braces(x, args)).collect()),
        other => other.clone(),
    }
}

fn untyped_steps(t: &Template, args: &Map<String, Value>) -> Result<Vec<WorkflowStep>, PilotError> {
    let entries = t.doc.get("steps").and_then(Value::as_array).cloned().unwrap_or_default();
    let def = |m: String| PilotError::TemplateDefinition { template: t.name.clone(), message: m };
    let mut steps = Vec::with_capacity(entries.len());
    for (i, raw) in entries.iter().enumerate() {
        let Value::Object(r) = raw else {
            return Err(def(format!("step {i} is not a mapping")));
        };
        let text = |k: &str, d: &str| -> Result<String, PilotError> {
            match r.get(k) {
                None => Ok(d.to_string()),
                Some(Value::String(s)) => Ok(s.clone()),
                Some(other) => {
                    Err(def(format!("step {i}: '{k}' must be a string, not {}", crate::pyfmt::py_type_name(other))))
                }
            }
        };
        let map = |k: &str| -> Result<Map<String, Value>, PilotError> {
            match r.get(k).map(|v| substitute_braces(v, args)) {
                None => Ok(Map::new()),
                Some(Value::Object(m)) => Ok(m),
                Some(other) => {
                    Err(def(format!("step {i}: '{k}' must be a mapping, not {}", crate::pyfmt::py_type_name(&other))))
                }
            }
        };
        steps.push(
            WorkflowStep::new(
                i as i64,
                text("action", &format!("step_{i}"))?,
                text("skill", "unknown")?,
                text("tool", "unknown")?,
                map("params")?,
            )
            .with_rollback(text("rollback_tool", "")?, map("rollback_params")?),
        );
    }
    Ok(steps)
}

/// Builds the workflow `t` describes for `args`. Custom templates (with a source file) get
/// `_source`/`_description` params and their authors, and must pass the approval-gate rule.
pub fn instantiate(t: &Template, args: &Map<String, Value>, env: &Env) -> Result<Workflow, PilotError> {
    let bound = bind(t, args)?;
    let ctx = Ctx { template: t, fns: FnContext { local_time: env.now.local_compact() } };
    let (steps, mut params) = if t.is_typed() {
        let mut scope = Scope::new(bound.clone());
        if let Some(entries) = t.doc.get("prepare") {
            let list = entries.as_array().ok_or_else(|| ctx.def("'prepare' must be a list"))?;
            prepare(list, &mut scope, &ctx)?;
        }
        let mut steps = Vec::new();
        let entries = t.doc.get("steps").and_then(Value::as_array).cloned().unwrap_or_default();
        expand(&entries, &mut scope, &ctx, "", &mut steps)?;
        let params = match t.doc.get("params") {
            None => bound.clone(),
            Some(p) => render_map(Some(p), &scope, &ctx, "params")?,
        };
        (steps, params)
    } else {
        (untyped_steps(t, &bound)?, bound.clone())
    };
    if let Some(src) = &t.source {
        params.insert("_source".into(), Value::from(src.file_name.clone()));
        params.insert("_description".into(), Value::from(t.description.clone()));
    }
    let mut wf = Workflow::new(env, t.name.clone(), WorkflowState::Pending, steps, params);
    for a in &t.authors {
        wf.with_author(a);
    }
    if let Some(src) = &t.source {
        let violations = gate_violations(&wf);
        if !violations.is_empty() {
            let retry = format!("call create_workflow_from_template('{}', ...) again", t.name);
            let payload = gate_refusal(
                &t.name,
                &violations,
                &RefusalText { verb: "plan", source: &src.display_path, retry: &retry, extra: "" },
            );
            return Err(PilotError::ApprovalGate { payload });
        }
    }
    Ok(wf)
}

/// The `${...}` expressions of a typed template that do not parse (a template author's
/// check; names and functions are checked when it is instantiated).
pub fn lint(t: &Template) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) if s.contains("${") => {
                if let Err(e) = parse_template_string(s) {
                    out.push(e);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(m) => m.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if t.is_typed() {
        walk(&Value::Object(t.doc.clone()), &mut out);
    }
    out
}
