//! Property tests: arbitrary JSON records, commands and results never make the core panic;
//! a refusal never changes the record; every record the core produces survives storage.

use pilot_core::engine::{self, Options, Reported, ToolResult};
use pilot_core::record::{workflow_from_json, workflow_from_value, Changes, DbJsonCache, Workflow};
use pilot_core::{Env, Timestamp};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn arb_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e20f64..1e20).prop_map(|f| json!(f)),
        Just(json!(-1)),
        Just(json!(0)),
        "[a-z_]{0,8}".prop_map(Value::from),
        prop_oneof![
            Just("__from_step_0__"),
            Just("__from_step_1__:plan_id"),
            Just("__from_step_-1__"),
            Just("__from_step_ 2__:k"),
            Just("__from_step___"),
            Just("__from_step_"),
            Just("__from_step_99999999999999999999__"),
            Just("***"),
            Just("preview"),
            Just("é→😀\u{2028}\u{7f}"),
        ]
        .prop_map(Value::from),
    ]
}

fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("error".to_string()),
        Just("action".to_string()),
        Just("exit_code".to_string()),
        Just("timed_out".to_string()),
        Just("password".to_string()),
        Just("Token".to_string()),
        Just("plan_id".to_string()),
        Just("result".to_string()),
        Just("new_name".to_string()),
        "[a-z]{1,6}",
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    arb_leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((arb_key(), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn arb_status() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            "pending",
            "running",
            "success",
            "failed",
            "skipped",
            "rolled_back",
            "partially_rolled_back",
            "not_executed",
            "reported_done",
            "interrupted",
            "odd",
        ])
        .prop_map(Value::from),
        Just(Value::Null),
    ]
}

fn arb_step() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["require_approval", "clone", "x"]),
        prop::sample::select(vec!["aiops", "vmware_aiops", "monitor", "pilot", "nsx", "zz"]),
        prop::sample::select(vec![
            "deploy_linked_clone",
            "run_vm_guest_command",
            "power_off_vm",
            "get_alarms",
            "vm_power_on",
            "mystery",
            "",
        ]),
        arb_json(),
        arb_status(),
        arb_json(),
        prop::sample::select(vec!["", "delete_vm", "power_off_vm", "undo"]),
        arb_json(),
        prop::sample::select(vec!["", "g1", "g2"]),
    )
        .prop_map(|(action, skill, tool, params, status, result, rb, rbp, group)| {
            let as_obj = |v: Value| if v.is_object() { v } else { json!({"v": v}) };
            json!({"action": action, "skill": skill, "tool": tool, "params": as_obj(params), "status": status,
                   "result": result, "rollback_tool": rb, "rollback_params": as_obj(rbp), "group_id": group})
        })
}

fn arb_record() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(arb_step(), 0..7),
        prop::sample::select(vec![
            "draft",
            "pending",
            "running",
            "awaiting_approval",
            "rolling_back",
            "completed",
            "failed",
            "cancelled",
        ]),
        arb_json(),
    )
        .prop_map(|(steps, state, params)| {
            let steps: Vec<Value> = steps
                .into_iter()
                .enumerate()
                .map(|(i, mut s)| {
                    s["index"] = json!(i);
                    s["started_at"] = json!("");
                    s["completed_at"] = json!("");
                    s
                })
                .collect();
            json!({"id": "wf-1", "workflow_type": "t", "state": state, "steps": steps,
                   "params": if params.is_object() { params } else { json!({}) },
                   "created_at": "", "updated_at": ""})
        })
}

#[derive(Debug, Clone)]
enum Cmd {
    Run,
    Report(i64, Reported),
    Approve(String, bool),
    Rollback,
    Cancel(String),
    Update(Option<Vec<Value>>),
    Confirm,
    Restart,
}

fn arb_reported() -> impl Strategy<Value = Reported> {
    prop_oneof![
        arb_json().prop_map(Reported::Returned),
        "[a-z ]{0,10}".prop_map(Reported::Raised),
        ("[a-z ]{0,10}", arb_json()).prop_map(|(message, payload)| Reported::EffectUnknown { message, payload }),
        (any::<bool>(), prop::collection::vec(arb_json(), 0..3), arb_json(), arb_json()).prop_map(
            |(is_error, content, structured_content, stored)| {
                Reported::ToolResult(ToolResult { is_error, content, structured_content, stored })
            }
        ),
    ]
}

fn arb_cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        3 => Just(Cmd::Run),
        4 => (-1i64..8, arb_reported()).prop_map(|(i, r)| Cmd::Report(i, r)),
        2 => ("[a-z ]{0,5}", any::<bool>()).prop_map(|(a, k)| Cmd::Approve(a, k)),
        1 => Just(Cmd::Rollback),
        1 => "[a-z ]{0,5}".prop_map(Cmd::Cancel),
        1 => prop::option::of(prop::collection::vec(arb_json(), 0..4)).prop_map(Cmd::Update),
        1 => Just(Cmd::Confirm),
        1 => Just(Cmd::Restart),
    ]
}

fn apply(wf: &mut Workflow, cmd: &Cmd, env: &Env, opts: &Options) -> Result<Changes, pilot_core::PilotError> {
    let with_response = |wf: &Workflow, t: pilot_core::Transition| {
        drop(t.response(wf));
        t.changes
    };
    match cmd.clone() {
        Cmd::Run => engine::run(wf, env, opts).map(|t| with_response(wf, t)),
        Cmd::Report(i, r) => engine::report(wf, env, i, r, opts).map(|t| with_response(wf, t)),
        Cmd::Approve(a, k) => engine::approve(wf, env, &a, k, opts).map(|t| with_response(wf, t)),
        Cmd::Rollback => engine::rollback(wf, env, opts).map(|t| with_response(wf, t)),
        Cmd::Cancel(r) => engine::cancel(wf, env, &r).map(|t| with_response(wf, t)),
        Cmd::Update(steps) => engine::update_draft(wf, env, "n", "d", steps.as_deref()),
        Cmd::Confirm => engine::confirm_draft(wf, env),
        Cmd::Restart => {
            *wf = workflow_from_json(&wf.to_db_json())?;
            Ok(Changes::whole())
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics_the_loader(v in arb_json()) {
        let _ = workflow_from_value(v.clone());
        let _ = workflow_from_json(&v.to_string());
    }

    #[test]
    fn arbitrary_commands_never_panic(record in arb_record(), cmds in prop::collection::vec((arb_cmd(), 0u8..3), 1..12)) {
        let Ok(mut wf) = workflow_from_value(record) else { return Ok(()); };
        let mut cache = DbJsonCache::default();
        prop_assert_eq!(cache.render(&wf, &Changes::whole()), wf.to_db_json());
        for (t, (cmd, mode)) in cmds.iter().enumerate() {
            let env = Env::new(Timestamp { unix_micros: 1_795_305_600_000_000 + t as i64, utc_offset_secs: 0 }, t as u64, "p");
            let refuse = |_: &[&pilot_core::WorkflowStep]| -> Result<(), String> { Err("no".into()) };
            let opts = match mode {
                0 => Options::agent(),
                1 => Options::host(),
                _ => Options { preflight: if t % 2 == 0 { Some(&refuse) } else { None }, ..Options::host_parallel() },
            };
            let before = wf.clone();
            match apply(&mut wf, cmd, &env, &opts) {
                Err(_) => prop_assert_eq!(&wf, &before, "a refusal changed the record: {:?}", cmd),
                // the piecewise stored text equals the whole one: every change was reported
                Ok(changes) => prop_assert_eq!(cache.render(&wf, &changes), wf.to_db_json(), "{:?}", cmd),
            }
            // whatever the core wrote survives storage unchanged
            let stored = wf.to_db_json();
            let reloaded = workflow_from_json(&stored).expect("a record the core wrote reloads");
            prop_assert_eq!(reloaded.to_db_json(), stored);
        }
    }

    #[test]
    fn classification_and_references_never_panic(r in arb_reported(), params in arb_json(), steps in prop::collection::vec(arb_step(), 0..5)) {
        for (skill, tool) in [("aiops", "run_vm_guest_command"), ("monitor", "get_alarms")] {
            let _ = engine::classify(&r, skill, tool);
        }
        if let (Value::Object(p), Ok(steps)) = (params, engine::steps_from_specs(&steps)) {
            for current in -1..6 {
                let _ = engine::resolve_params(&p, &steps, current);
            }
        }
    }
}
