//! The fuzz targets, in one place: each is a pure function of bytes that must never panic on
//! any input, and that asserts the invariants the engine promises (a panic here is a bug).
//!
//! Used twice, with no copy of the logic:
//! * `fuzz/fuzz_targets/*.rs` (cargo-fuzz, nightly) include this file with `#[path]`;
//! * `core/tests/fuzz_corpus.rs` (stable `cargo test`) replays `tests/fuzz-corpus/<target>/`.
//!
//! Input formats are text so that the corpus stays readable:
//! * `record` — the text of a stored `data` column (any bytes; invalid UTF-8 is replaced);
//! * `template_custom` — a custom template as YAML, optionally followed by a line
//!   `#--args--` and a JSON object of arguments;
//! * `template_builtin` — a first line naming a built-in template (empty: every built-in),
//!   then a JSON object of arguments;
//! * `classify` — a JSON value: returned as is, wrapped as an MCP tool result, and read as a
//!   scenario report (`returned`, `raised`, `unknown`/`payload`, `tool_result`);
//! * `step_refs` — a JSON object `{"params": {...}, "steps": [...], "current": n}` (steps as
//!   step specs with `status` and `result`), or any object taken as params;
//! * `engine` — a scenario (tests/README.md: `workflow` or `record` or `template`, `mode`,
//!   `events`); expectations are ignored, every transition's invariants are checked.

use std::borrow::Cow;

use pilot_core::engine::{self, Checkpoint, Options, Reported, ToolResult, Verdict};
use pilot_core::record::{workflow_from_json, workflow_from_value, Changes, DbJsonCache, Workflow, WorkflowStep};
use pilot_core::templates::{self, CustomFile, Kind, Template, TemplateSet};
use pilot_core::{Env, PilotError, Timestamp, Transition};
use serde_json::{json, Map, Value};

/// A fuzz target: any bytes in, a panic only for a bug.
pub type Target = fn(&[u8]);

/// Every target, by the name of its corpus folder and cargo-fuzz binary.
pub const TARGETS: [(&str, Target); 6] = [
    ("record", record),
    ("template_custom", template_custom),
    ("template_builtin", template_builtin),
    ("classify", classify),
    ("step_refs", step_refs),
    ("engine", engine),
];

/// The most events or steps one input drives (keeps every execution fast).
const MAX_EVENTS: usize = 48;
const MAX_STEPS: usize = 64;
const ARGS_MARK: &str = "\n#--args--\n";
const PREFIX: &str = "__from_step_";

fn text(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

fn env_at(micros: i64, offset: i32, entropy: u64, caller: &str) -> Env {
    Env::new(Timestamp { unix_micros: micros, utc_offset_secs: offset }, entropy, caller)
}

fn default_env() -> Env {
    env_at(1_795_305_600_000_000, 0, 7, "fuzzer")
}

/// What storage keeps of `wf` loads again and is written back identically.
fn assert_storable(wf: &Workflow) {
    let stored = wf.to_db_json();
    let reloaded = match workflow_from_json(&stored) {
        Ok(r) => r,
        Err(e) => panic!("a record the core renders does not reload: {e}\n{stored}"),
    };
    assert_eq!(reloaded.to_db_json(), stored, "a stored record re-renders differently");
    let mut cache = DbJsonCache::default();
    assert_eq!(cache.render(wf, &Changes::whole()), stored, "DbJsonCache differs from to_db_json");
    let _ = wf.to_json();
    let _ = wf.to_value();
}

/// One transition's promises: a refusal leaves the record as it was; an accepted one reports
/// every change (the piecewise stored text equals the whole one) and stays storable.
fn check_outcome(
    wf: &Workflow,
    before: &Workflow,
    cache: &mut DbJsonCache,
    what: &str,
    out: Result<Changes, PilotError>,
) {
    match out {
        Err(e) => {
            assert_eq!(wf, before, "the refusal of {what} changed the record: {e}");
            let _ = (e.to_response(), e.code(), e.to_string());
        }
        Ok(changes) => {
            assert_eq!(cache.render(wf, &changes), wf.to_db_json(), "{what} did not report all its changes");
            assert_storable(wf);
        }
    }
}

fn with_response(t: Result<Transition, PilotError>, wf: &Workflow) -> Result<Changes, PilotError> {
    t.map(|t| {
        let _ = t.response(wf);
        let _ = t.extras_beside_checkpoint(wf);
        let _ = t.requests();
        t.changes
    })
}

// ---------------------------------------------------------------------------------------
// record loading

/// A stored record: loads or is refused cleanly; one that loads survives storage, and the
/// first transitions on it keep their promises.
pub fn record(data: &[u8]) {
    let text = text(data);
    let Ok(wf) = workflow_from_json(&text) else { return };
    assert_storable(&wf);
    let _ = wf.current_step();
    let _ = wf.completed_steps().count();
    let env = default_env();
    // each command on a fresh copy of the loaded record
    let attempt = |what: &str, f: &dyn Fn(&mut Workflow) -> Result<Changes, PilotError>| {
        let mut w = wf.clone();
        let mut cache = DbJsonCache::default();
        cache.render(&w, &Changes::whole());
        let out = f(&mut w);
        check_outcome(&w, &wf, &mut cache, what, out);
    };
    for (i, opts) in [Options::agent(), Options::host(), Options::host_parallel()].iter().enumerate() {
        attempt("run", &|w| with_response(engine::run(w, &env, opts), w));
        attempt("rollback", &|w| with_response(engine::rollback(w, &env, opts), w));
        attempt("approve", &|w| with_response(engine::approve(w, &env, "lead", i == 1, opts), w));
    }
    attempt("cancel", &|w| with_response(engine::cancel(w, &env, "fuzz"), w));
    attempt("confirm_draft", &|w| engine::confirm_draft(w, &env));
}

// ---------------------------------------------------------------------------------------
// template instantiation

/// A value of a parameter's kind, for templates whose arguments the input does not give.
fn sample_arg(kind: Kind) -> Value {
    match kind {
        Kind::String | Kind::Any => json!("web-01"),
        Kind::Int => json!(2),
        Kind::Bool => json!(true),
        Kind::List => json!(["web-01", "web-02"]),
        Kind::Object => json!({"cpu": 4}),
    }
}

fn sample_args(t: &Template) -> Map<String, Value> {
    t.parameters.iter().flatten().map(|p| (p.name.clone(), sample_arg(p.kind))).collect()
}

/// A template's listings, schema and instantiation: refused cleanly, or a storable pending
/// workflow of the template's type.
fn exercise_template(set: &TemplateSet, t: &Template, args: &[Map<String, Value>], env: &Env) {
    let _ = (t.signature(), t.params_schema(), t.is_typed(), t.step_entries());
    let _ = templates::lint(t);
    for a in args {
        let _ = templates::bind(t, a);
        match templates::create_from_template(set, &t.name, a, env) {
            Ok(wf) => {
                assert_eq!(wf.workflow_type, t.name, "an instance is not of its template's type");
                assert_storable(&wf);
            }
            Err(e) => {
                let _ = (e.to_response(), e.code(), e.to_string());
            }
        }
    }
}

/// A custom template (YAML text, then optional `#--args--` and JSON arguments).
pub fn template_custom(data: &[u8]) {
    let text = text(data);
    let (yaml, args_text) = match text.split_once(ARGS_MARK) {
        Some((y, a)) => (y, Some(a)),
        None => (&*text, None),
    };
    let Ok(doc) = templates::parse_yaml(yaml) else { return };
    let _ = templates::custom_listing(&doc, "fuzz.yaml");
    let t = match templates::custom_template(doc, "fuzz.yaml", "~/.vmware/workflows/fuzz.yaml") {
        CustomFile::Template(t) => *t,
        CustomFile::Skipped(_) => return,
    };
    let mut args = vec![Map::new(), sample_args(&t)];
    if let Some(Ok(Value::Object(m))) = args_text.map(serde_json::from_str::<Value>) {
        args.push(m);
    }
    let set = TemplateSet::with_customs(vec![t.clone()]);
    let _ = set.names();
    assert!(set.get(&t.name).is_some(), "a custom template is missing from its set");
    exercise_template(&set, &t, &args, &default_env());
}

/// JSON arguments against a built-in template (first line: its name; empty: all of them).
pub fn template_builtin(data: &[u8]) {
    let text = text(data);
    let (name, rest) = text.split_once('\n').unwrap_or((&text, ""));
    let name = name.trim();
    let mut args = Vec::new();
    if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(rest) {
        args.push(m);
    }
    let set = TemplateSet::builtins();
    let env = default_env();
    if name.is_empty() {
        for t in set.iter() {
            exercise_template(&set, t, &args, &env);
        }
        return;
    }
    match set.get(name) {
        Some(t) => {
            args.push(sample_args(t));
            exercise_template(&set, t, &args, &env);
        }
        None => {
            let refused = templates::create_from_template(&set, name, &args.pop().unwrap_or_default(), &env);
            assert!(matches!(refused, Err(PilotError::UnknownTemplate { .. })), "unknown template {name:?} built");
        }
    }
}

// ---------------------------------------------------------------------------------------
// result classification

const TOOLS: [(&str, &str); 6] = [
    ("aiops", "run_vm_guest_command"),
    ("vmware_aiops", "run_vm_guest_command_with_output"),
    ("aiops", "power_off_vm"),
    ("monitor", "get_alarms"),
    ("pilot", "approve"),
    ("", ""),
];

/// A scenario-style report (`returned`, `raised`, `unknown` + `payload`, `tool_result`).
fn reported_from(event: &Value) -> Option<Reported> {
    if let Some(v) = event.get("returned") {
        Some(Reported::Returned(v.clone()))
    } else if let Some(m) = event.get("raised") {
        Some(Reported::Raised(m.as_str().map(str::to_string).unwrap_or_else(|| m.to_string())))
    } else if let Some(m) = event.get("unknown") {
        Some(Reported::EffectUnknown {
            message: m.as_str().map(str::to_string).unwrap_or_else(|| m.to_string()),
            payload: event.get("payload").cloned().unwrap_or(Value::Null),
        })
    } else {
        event.get("tool_result").map(|tr| Reported::ToolResult(tool_result_from(tr)))
    }
}

fn tool_result_from(tr: &Value) -> ToolResult {
    ToolResult {
        is_error: tr.get("isError").is_some_and(|e| e.as_bool().unwrap_or(!e.is_null())),
        content: match tr.get("content") {
            Some(Value::Array(a)) => a.clone(),
            Some(other) => vec![other.clone()],
            None => Vec::new(),
        },
        structured_content: tr.get("structuredContent").cloned().unwrap_or(Value::Null),
        stored: tr.get("stored").cloned().unwrap_or_else(|| tr.clone()),
    }
}

/// `classify` and `returned_failure` agree, and a verdict keeps what it must.
fn check_verdict(r: &Reported, skill: &str, tool: &str) {
    let verdict = engine::classify(r, skill, tool);
    let failure = engine::returned_failure(r, skill, tool);
    match (r, &verdict) {
        (Reported::Raised(m), Verdict::Failed { message, result }) => {
            assert_eq!(message, m);
            assert_eq!(result.get("error"), Some(&Value::from(m.clone())));
        }
        (Reported::Raised(_), v) => panic!("a raised call was read as {v:?}"),
        (Reported::EffectUnknown { message: m, .. }, Verdict::Unknown { message, result }) => {
            assert_eq!(message, m);
            assert_eq!(result.get("error"), Some(&Value::from(m.clone())));
        }
        (Reported::EffectUnknown { .. }, v) => panic!("an unknown effect was read as {v:?}"),
        (_, Verdict::Success(v)) => {
            assert_eq!(failure, None, "classify saw success where returned_failure saw a failure");
            let stored = match r {
                Reported::Returned(x) => x,
                Reported::ToolResult(tr) => &tr.stored,
                _ => unreachable!(),
            };
            assert_eq!(v, stored, "a success does not keep the stored result");
        }
        (_, Verdict::Failed { message, result }) => {
            assert_eq!(failure.as_ref(), Some(message), "classify and returned_failure disagree");
            assert!(result.get("error").is_some(), "a failure's result has no error: {result}");
        }
        (_, Verdict::Unknown { result, .. }) => {
            assert!(result.get("error").is_some(), "an unknown effect's result has no error: {result}");
        }
    }
}

/// A JSON value (or raw text) as every kind of report, against tools of every kind.
pub fn classify(data: &[u8]) {
    let text = text(data);
    let parsed = serde_json::from_str::<Value>(&text).ok();
    let v = parsed.clone().unwrap_or_else(|| Value::from(&*text));
    let mut reports = vec![
        Reported::Returned(v.clone()),
        Reported::Raised(text.to_string()),
        Reported::EffectUnknown { message: text.to_string(), payload: v.clone() },
        Reported::ToolResult(tool_result_from(&v)),
        Reported::ToolResult(ToolResult {
            is_error: false,
            content: vec![json!({"type": "text", "text": &*text})],
            structured_content: Value::Null,
            stored: v.clone(),
        }),
        Reported::ToolResult(ToolResult {
            is_error: true,
            content: vec![json!({"type": "text", "text": &*text})],
            structured_content: v.clone(),
            stored: Value::Null,
        }),
        Reported::ToolResult(ToolResult {
            is_error: false,
            content: Vec::new(),
            structured_content: v.clone(),
            stored: v.clone(),
        }),
    ];
    reports.extend(reported_from(&v));
    let named = (v.get("skill").and_then(Value::as_str), v.get("tool").and_then(Value::as_str));
    for r in &reports {
        for (skill, tool) in TOOLS {
            check_verdict(r, skill, tool);
        }
        if let (Some(skill), Some(tool)) = named {
            check_verdict(r, skill, tool);
        }
    }
}

// ---------------------------------------------------------------------------------------
// step references

/// Steps as step specs with stored `status` and `result`; anything else takes a default.
fn steps_from(specs: &[Value]) -> Vec<WorkflowStep> {
    let s =
        |spec: &Value, key: &str, default: &str| spec.get(key).and_then(Value::as_str).unwrap_or(default).to_string();
    specs
        .iter()
        .take(MAX_STEPS)
        .enumerate()
        .map(|(i, spec)| {
            let params = spec.get("params").and_then(Value::as_object).cloned().unwrap_or_default();
            let mut step = WorkflowStep::new(
                i as i64,
                s(spec, "action", "step"),
                s(spec, "skill", "aiops"),
                s(spec, "tool", "t"),
                params,
            );
            step.status = pilot_core::record::StepStatus::from_value(
                spec.get("status").cloned().unwrap_or_else(|| Value::from("success")),
            );
            step.result = spec.get("result").cloned().unwrap_or(Value::Null);
            step
        })
        .collect()
}

/// The steps referenced when an input gives none: every status a source can have.
fn default_steps() -> Vec<WorkflowStep> {
    steps_from(&[
        json!({"status": "success", "result": {"plan_id": "p-7", "n": 1, "": 0}}),
        json!({"status": "success", "result": "text"}),
        json!({"status": "failed", "result": {"error": "x"}}),
        json!({"status": "reported_done", "result": {"k": 1}}),
        json!({"status": "success", "result": [1, 2]}),
        json!({"status": null, "result": null}),
        json!({"status": "success", "result": {"plan_id": {"deep": ["__from_step_0__"]}}}),
    ])
}

fn count_references(v: &Value) -> usize {
    match v {
        Value::Object(m) => m.values().map(count_references).sum(),
        Value::Array(a) => a.iter().map(count_references).sum(),
        Value::String(s) => usize::from(s.starts_with(PREFIX)),
        _ => 0,
    }
}

/// Resolving references: refused cleanly, or every reference names an earlier successful
/// step and `referenced_indices` lists exactly those.
pub fn step_refs(data: &[u8]) {
    let text = text(data);
    let v = serde_json::from_str::<Value>(&text).unwrap_or_else(|_| json!({"params": {"p": &*text}}));
    let params = match v.get("params") {
        Some(Value::Object(p)) => p.clone(),
        Some(other) => Map::from_iter([("p".to_string(), other.clone())]),
        None => v.as_object().cloned().unwrap_or_else(|| Map::from_iter([("p".to_string(), v.clone())])),
    };
    let steps = match v.get("steps") {
        Some(Value::Array(specs)) => steps_from(specs),
        _ => default_steps(),
    };
    let indices = engine::referenced_indices(&params);
    let references = count_references(&Value::Object(params.clone()));
    assert!(indices.len() <= references, "more indices than references");
    let len = steps.len() as i64;
    let mut currents: Vec<i64> = (-1..=len + 1).collect();
    currents.extend([i64::MIN, i64::MAX]);
    currents.extend(v.get("current").and_then(Value::as_i64));
    for current in currents {
        match engine::resolve_params(&params, &steps, current) {
            Ok(resolved) => {
                assert_eq!(indices.len(), references, "a reference resolved that referenced_indices skips");
                for &i in &indices {
                    assert!(i >= 0 && i < len.min(current), "step {i} resolved from step {current}");
                    assert!(steps[i as usize].status_is("success"), "a reference read an unsuccessful step");
                }
                if references == 0 {
                    assert_eq!(resolved, params, "params without references changed");
                }
                assert_eq!(resolved.keys().collect::<Vec<_>>(), params.keys().collect::<Vec<_>>());
            }
            Err(e) => {
                assert!(references > 0, "params without references were refused: {e}");
                let _ = (e.to_response(), e.code(), e.to_string());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// whole transitions

/// The record a scenario starts from (tolerant: `None` when it cannot be built).
fn start_record(v: &Value, env: &Env) -> Option<Workflow> {
    match v.get("record") {
        Some(Value::String(s)) => return workflow_from_json(s).ok(),
        Some(r @ Value::Object(_)) => return workflow_from_value(r.clone()).ok(),
        _ => {}
    }
    let spec = v.get("workflow").unwrap_or(v);
    if let Some(t) = spec.get("template") {
        let args = t.get("args").and_then(Value::as_object).cloned().unwrap_or_default();
        let name = t.get("name").and_then(Value::as_str)?;
        return templates::create_from_template(&TemplateSet::builtins(), name, &args, env).ok();
    }
    let specs: Vec<Value> = spec.get("steps").and_then(Value::as_array).cloned().unwrap_or_default();
    let specs: Vec<Value> = specs.into_iter().take(MAX_STEPS).collect();
    let name = spec.get("type").and_then(Value::as_str).unwrap_or("custom");
    let mut wf = engine::new_custom_workflow(env, name, "fuzz", Vec::new());
    wf.steps = engine::steps_from_specs(&specs).ok()?;
    let mut rec = wf.to_value();
    for (i, s) in specs.iter().enumerate() {
        for key in ["status", "result", "group_id", "started_at", "completed_at"] {
            if let Some(x) = s.get(key) {
                rec["steps"][i][key] = x.clone();
            }
        }
    }
    for key in ["state", "params", "created_by", "authors", "approved_by"] {
        if let Some(x) = spec.get(key) {
            rec[key] = x.clone();
        }
    }
    workflow_from_value(rec).ok()
}

fn mode_options<'a>(mode: Option<&str>, preflight: Option<engine::Preflight<'a>>) -> Options<'a> {
    let base = match mode {
        Some("host") => Options::host(),
        Some("host_parallel") => Options::host_parallel(),
        _ => Options::agent(),
    };
    Options { preflight, ..base }
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// A scenario driven to its end: whatever the events, no transition panics, a refusal
/// changes nothing, every change is reported and every record survives storage.
pub fn engine(data: &[u8]) {
    let text = text(data);
    let Ok(v) = serde_json::from_str::<Value>(&text) else { return };
    let mut micros = v.get("now").and_then(Value::as_i64).unwrap_or(1_795_305_600_000_000);
    let offset = v.get("utc_offset").and_then(Value::as_i64).and_then(|o| i32::try_from(o).ok()).unwrap_or(0);
    let Some(mut wf) = start_record(&v, &env_at(micros, offset, 1, "tester")) else { return };
    assert_storable(&wf);
    let mut cache = DbJsonCache::default();
    cache.render(&wf, &Changes::whole());
    let default_mode = v.get("mode").and_then(Value::as_str);
    let events = v.get("events").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut last_dispatch: Vec<i64> = Vec::new();
    for (n, event) in events.iter().take(MAX_EVENTS).enumerate() {
        micros = micros.saturating_add(1_000_000);
        let caller = event.get("caller").and_then(Value::as_str).unwrap_or("tester");
        let env = env_at(micros, offset, n as u64 + 2, caller);
        let refusal = event.get("preflight_refuses").map(|r| r.as_str().unwrap_or("refused").to_string());
        let refuse = |_: &[&WorkflowStep]| -> Result<(), String> { Err(refusal.clone().unwrap_or_default()) };
        let preflight: Option<engine::Preflight<'_>> = if refusal.is_some() { Some(&refuse) } else { None };
        let opts = mode_options(event.get("mode").and_then(Value::as_str).or(default_mode), preflight);
        let before = wf.clone();
        let what = str_of(event, "do");
        let acknowledge = event.get("acknowledge_not_executed").and_then(Value::as_bool).unwrap_or(false);
        let transition = match what {
            "run" => Some(engine::run(&mut wf, &env, &opts)),
            "report" => {
                let Some(r) = reported_from(event) else { continue };
                let step = event.get("step").and_then(Value::as_i64).or(last_dispatch.first().copied()).unwrap_or(0);
                Some(engine::report(&mut wf, &env, step, r, &opts))
            }
            "approve" if event.get("hold") == Some(&Value::Bool(true)) => {
                Some(engine::approve_and_hold(&mut wf, &env, str_of(event, "approver"), acknowledge))
            }
            "approve" => Some(engine::approve(&mut wf, &env, str_of(event, "approver"), acknowledge, &opts)),
            "rollback" => Some(engine::rollback(&mut wf, &env, &opts)),
            "cancel" => Some(engine::cancel(&mut wf, &env, str_of(event, "reason"))),
            _ => None,
        };
        let out = match (transition, what) {
            (Some(t), _) => {
                if let Ok(Transition { checkpoint: Checkpoint::Dispatch(list), .. }) = &t {
                    last_dispatch = list.iter().map(|d| d.index).collect();
                }
                with_response(t, &wf)
            }
            (None, "update_draft") => {
                let steps = event.get("steps").and_then(Value::as_array).cloned();
                let (name, description) = (str_of(event, "name"), str_of(event, "description"));
                engine::update_draft(&mut wf, &env, name, description, steps.as_deref())
            }
            (None, "confirm_draft") => engine::confirm_draft(&mut wf, &env),
            (None, "restart") => {
                let stored = wf.to_db_json();
                wf = workflow_from_json(&stored).expect("a stored record reloads");
                Ok(Changes::whole())
            }
            _ => continue,
        };
        check_outcome(&wf, &before, &mut cache, what, out);
    }
}
