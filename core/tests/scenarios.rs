//! Replays every scenario file of `tests/scenarios/` (format: tests/README.md) through the
//! core's transitions, checking the expectations after each event.

use std::path::{Path, PathBuf};

use pilot_core::engine::{self, Options};
use pilot_core::error::{speak, speak_answer, Dialect};
use pilot_core::host;
use pilot_core::ops::record_api;
use pilot_core::record::{workflow_from_json, workflow_from_value, Workflow};
use pilot_core::{Env, Timestamp};
use serde_json::{json, Map, Value};

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios")
}

struct Clock(i64, u64);

impl Clock {
    fn env(&mut self, caller: &str) -> Env {
        self.0 += 1_000_000;
        self.1 += 1;
        Env::new(Timestamp { unix_micros: self.0, utc_offset_secs: 0 }, self.1, caller)
    }
}

/// The record a scenario starts from: `workflow` holds steps as step specs plus optional
/// stored fields (status, result, group_id...).
fn build(spec: &Value, clock: &mut Clock) -> Workflow {
    let env = clock.env("tester");
    if let Some(t) = spec.get("template") {
        let set = pilot_core::templates::TemplateSet::builtins();
        let args = t["args"].as_object().cloned().unwrap_or_default();
        return pilot_core::templates::create_from_template(&set, t["name"].as_str().unwrap(), &args, &env)
            .expect("scenario template builds");
    }
    let steps: Vec<Value> = spec["steps"].as_array().cloned().unwrap_or_default();
    let mut wf = engine::new_custom_workflow(&env, spec["type"].as_str().unwrap_or("custom"), "scenario", Vec::new());
    let mut v = wf.to_value();
    let built = engine::steps_from_specs(&steps).expect("scenario steps are valid");
    wf.steps = built;
    v["steps"] = serde_json::to_value(&wf.steps).unwrap();
    for (i, s) in steps.iter().enumerate() {
        for key in ["status", "result", "group_id", "started_at", "completed_at"] {
            if let Some(x) = s.get(key) {
                v["steps"][i][key] = x.clone();
            }
        }
    }
    for key in ["state", "params", "created_by", "authors", "approved_by", "audit_log"] {
        if let Some(x) = spec.get(key) {
            v[key] = x.clone();
        }
    }
    workflow_from_value(v).expect("scenario record loads")
}

/// The record API's arguments for one event (the names the bindings pass).
fn record_args(wf: &Workflow, event: &Value) -> Map<String, Value> {
    let mut args = Map::new();
    args.insert("record".into(), wf.to_value());
    let copy = |args: &mut Map<String, Value>, from: &str, to: &str| {
        if let Some(v) = event.get(from) {
            args.insert(to.into(), v.clone());
        }
    };
    for key in ["approver", "acknowledge_not_executed", "hold", "reason", "name", "description", "steps"] {
        copy(&mut args, key, key);
    }
    copy(&mut args, "step", "index");
    args.insert("outcome".into(), event.clone()); // {returned | raised | unknown | tool_result, ...}
    args
}

/// Applies one event through the core's record API — the function the npm pure functions and
/// `vmware_pilot.core` call — and returns the response (the upstream shape, or the refusal).
fn apply(wf: &mut Workflow, event: &Value, env: &Env, opts: &Options) -> (Value, Option<&'static str>) {
    let op = event["do"].as_str().unwrap_or_default();
    if op == "restart" {
        // a new process: only what storage holds survives
        *wf = workflow_from_json(&wf.to_db_json()).expect("stored row reloads");
        return (wf.to_value(), None);
    }
    assert!(
        matches!(op, "run" | "report" | "approve" | "rollback" | "cancel" | "update_draft" | "confirm_draft"),
        "unknown event {op:?}"
    );
    match record_api::call(op, &record_args(wf, event), env, opts) {
        // transitions answer {record, checkpoint, response}; draft edits the record itself
        Ok(out) => {
            let (record, response) = match out.get("response") {
                Some(r) => (out["record"].clone(), r.clone()),
                None => (out.clone(), out),
            };
            *wf = workflow_from_value(record).expect("the record API returns a loadable record");
            (response, None)
        }
        Err(e) => (e.to_response(), Some(e.code())),
    }
}

/// `want` matches `got` when every key it names matches; `{"$contains": s}` matches a
/// string holding `s`; `{"$lacks": s}` one that does not; lists match element-wise.
fn matches(want: &Value, got: &Value) -> bool {
    match want {
        // `$js`: the npm package's wording of the same phrase (its prose speaks JavaScript)
        Value::Object(w) if w.contains_key("$contains") => got.as_str().is_some_and(|g| {
            g.contains(w["$contains"].as_str().unwrap_or_default())
                && w.get("$js").and_then(Value::as_str).is_none_or(|js| speak(g, Dialect::JavaScript).contains(js))
        }),
        Value::Object(w) if w.contains_key("$lacks") => {
            got.as_str().is_some_and(|g| !g.contains(w["$lacks"].as_str().unwrap_or_default()))
        }
        Value::Object(w) => w.iter().all(|(k, v)| {
            if v.is_null() {
                got.get(k).is_none_or(Value::is_null)
            } else {
                got.get(k).is_some_and(|g| matches(v, g))
            }
        }),
        Value::Array(w) => {
            got.as_array().is_some_and(|g| g.len() == w.len() && w.iter().zip(g).all(|(a, b)| matches(a, b)))
        }
        other => other == got,
    }
}

#[allow(clippy::too_many_arguments)]
fn check(
    name: &str,
    step: usize,
    expect: &Value,
    resp: &Value,
    code: Option<&str>,
    wf: &Workflow,
    before: &Value,
    audit_before: usize,
) {
    let ctx = format!("{name} event {step}");
    let record = wf.to_value();
    let e = expect.as_object().expect("expect is an object");
    for (key, want) in e {
        let ok = match key.as_str() {
            "outcome" => matches(want, resp.get("outcome").unwrap_or(&Value::Null)),
            "error_code" => want.as_str() == code,
            "error" => matches(want, resp.get("error").unwrap_or(&Value::Null)),
            "state" => record["state"] == *want,
            "statuses" => {
                let got: Vec<Value> = wf.steps.iter().map(|s| s.status.to_value()).collect();
                Value::Array(got) == *want
            }
            "dispatch" => {
                let got: Vec<Value> = resp.get("dispatch").and_then(Value::as_array).cloned().unwrap_or_default();
                matches(want, &Value::Array(got))
            }
            "waiting_for" => resp.get("waiting_for") == Some(want),
            "pending_dispatch" => {
                let got: Vec<Value> = resp
                    .get("pending_dispatch")
                    .and_then(Value::as_array)
                    .map(|l| l.iter().map(|p| p["index"].clone()).collect())
                    .unwrap_or_default();
                Value::Array(got) == *want
            }
            "rollback_results" => matches(want, &record["rollback_results"]),
            "results" => want.as_object().unwrap().iter().all(|(i, w)| {
                let i: usize = i.parse().unwrap();
                matches(w, &record["steps"][i]["result"])
            }),
            "audit" => {
                let got: Vec<Value> =
                    wf.audit_log[audit_before.min(wf.audit_log.len())..].iter().map(|a| json!(a.action)).collect();
                Value::Array(got) == *want
            }
            "audit_details" => {
                let got: Vec<Value> =
                    wf.audit_log[audit_before.min(wf.audit_log.len())..].iter().map(|a| json!(a.detail)).collect();
                matches(want, &Value::Array(got))
            }
            "unchanged" => (record == *before) == want.as_bool().unwrap_or(true),
            "response" => matches(want, resp),
            "record" => matches(want, &record),
            other => panic!("{ctx}: unknown expectation {other:?}"),
        };
        assert!(ok, "{ctx}: expectation {key} = {want} failed\n response: {resp}\n code: {code:?}\n record: {record}");
    }
}

/// Transitions answer with prose; a draft edit answers with the record itself (its refusals
/// are answers).
fn is_answer(event: &Value) -> bool {
    !matches!(event["do"].as_str(), Some("restart" | "update_draft" | "confirm_draft"))
}

/// Python spellings left in an answer's prose (the keys `speak_answer` translates).
fn python_isms_in(v: &Value) -> Vec<String> {
    const TOOLS: [&str; 11] = [
        "create_workflow",
        "design_workflow",
        "update_draft",
        "confirm_draft",
        "run_workflow",
        "cancel_workflow",
        "review_workflow",
        "get_workflow_status",
        "list_workflows",
        "get_skill_catalog",
        "acknowledge_",
    ];
    const SPELLINGS: [&str; 12] = [
        "=True",
        "=False",
        "None",
        "True",
        "False",
        "KeyError",
        "TypeError",
        "ValueError",
        "JSONDecodeError",
        "AttributeError",
        "{'",
        "NoneType",
    ];
    let mut found = Vec::new();
    let mut walk = |text: &str| {
        for w in TOOLS.iter().chain(SPELLINGS.iter()) {
            if text.contains(w) {
                found.push(format!("{w} in {text:?}"));
            }
        }
    };
    fn prose<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        const DATA: [&str; 11] = [
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
        const PROSE: [&str; 10] = [
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
        match v {
            Value::Object(m) => m.iter().for_each(|(k, c)| match c {
                Value::String(s) if PROSE.contains(&k.as_str()) => out.push(s),
                Value::Array(items) if PROSE.contains(&k.as_str()) => {
                    items.iter().filter_map(Value::as_str).for_each(|s| out.push(s))
                }
                _ if DATA.contains(&k.as_str()) => {}
                _ => prose(c, out),
            }),
            Value::Array(items) => items.iter().for_each(|i| prose(i, out)),
            _ => {}
        }
    }
    let mut texts = Vec::new();
    prose(v, &mut texts);
    texts.into_iter().for_each(&mut walk);
    found
}

fn options(mode: &str) -> Options<'static> {
    let mode = host::mode_from_value(Some(&Value::from(mode))).expect("a scenario's mode is one the hosts take");
    Options { mode, preflight: None, live_host: false }
}

#[test]
fn scenarios_replay() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .expect("tests/scenarios exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut events = 0;
    // Every event's outcome, for the other hosts' runners to compare with (the Node suite
    // checks that the wasm build produces exactly this).
    let mut transcript = Map::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let sc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        // upstream's executor path only (the record API refuses what these start from)
        if sc.get("api").and_then(Value::as_str) == Some("executor") {
            continue;
        }
        let mut clock = Clock(1_795_305_600_000_000, 0);
        let mut wf = build(&sc["workflow"], &mut clock);
        let mut steps = vec![json!({"start": wf.to_value()})];
        // the host that dispatched is live until a restart, after which the new process is
        // recovering; a scenario that starts from a record with a step running starts there
        let mut recovering = wf.steps.iter().any(|s| s.status_is("running"));
        for (i, event) in sc["events"].as_array().unwrap().iter().enumerate() {
            let mode = event.get("mode").or(sc.get("mode")).and_then(Value::as_str).unwrap_or("agent");
            let opts = if recovering { options(mode) } else { options(mode).live() };
            recovering |= event["do"] == "restart";
            let preflight_refusal = event.get("preflight_refuses").and_then(Value::as_str).map(str::to_string);
            let pf = move |_: &[&pilot_core::WorkflowStep]| -> Result<(), String> {
                match &preflight_refusal {
                    Some(r) => Err(r.clone()),
                    None => Ok(()),
                }
            };
            let opts =
                if event.get("preflight_refuses").is_some() { Options { preflight: Some(&pf), ..opts } } else { opts };
            let before = wf.to_value();
            let audit_before = wf.audit_log.len();
            let env = clock.env(event.get("caller").and_then(Value::as_str).unwrap_or("tester"));
            let (resp, code) = apply(&mut wf, event, &env, &opts);
            if let Some(expect) = event.get("expect") {
                check(&name, i, expect, &resp, code, &wf, &before, audit_before);
            }
            // a refusal never changes the record
            if code.is_some() {
                assert_eq!(wf.to_value(), before, "{name} event {i}: a refusal changed the record");
            }
            let mut entry = json!({"response": resp, "code": code, "record": wf.to_value()});
            // what the npm package answers: the same, its prose in JavaScript's words
            if code.is_some() || is_answer(event) {
                let mut js = resp.clone();
                speak_answer(&mut js, Dialect::JavaScript);
                let isms = python_isms_in(&js);
                assert!(isms.is_empty(), "{name} event {i}: the JavaScript answer still speaks Python: {isms:?}");
                if js != resp {
                    entry["response_js"] = js;
                }
            }
            steps.push(entry);
            events += 1;
        }
        transcript.insert(name, Value::Array(steps));
    }
    eprintln!("replayed {} scenarios, {events} events", files.len());
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/scenario-transcript.json");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&out, serde_json::to_string(&Value::Object(transcript)).unwrap()).unwrap();
}
