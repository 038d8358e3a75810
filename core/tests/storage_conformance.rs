//! The storage conformance cases of tests/storage/conformance.json, run against the core's
//! in-memory store through the `Storage` trait.

use std::collections::HashMap;

use pilot_core::record::{workflow_from_json, Changes, WorkflowState};
use pilot_core::storage::{ListFilter, MemoryStore, Revision, Storage};
use pilot_core::templates::{create_from_template, TemplateSet};
use pilot_core::{Env, PilotError, Timestamp, Workflow};
use serde_json::Value;

const CASES: &str = include_str!("../../tests/storage/conformance.json");
const ROWS: &str = include_str!("../../tests/fixtures/upstream-rows.json");

struct Run {
    store: MemoryStore,
    ids: HashMap<String, String>,
    handles: HashMap<String, (Workflow, Revision)>,
    entropy: u64,
}

fn matches(want: &Value, got: &Value) -> bool {
    match want {
        Value::Object(w) => w.iter().all(|(k, v)| got.get(k).is_some_and(|g| matches(v, g))),
        other => other == got,
    }
}

impl Run {
    fn id(&self, name: &Value) -> String {
        let name = name.as_str().unwrap_or_default();
        self.ids.get(name).cloned().unwrap_or_else(|| name.to_string())
    }

    fn op(&mut self, case: &str, op: &Value) {
        let ctx = format!("{case}: {op}");
        match op["op"].as_str().unwrap_or_default() {
            "create" => {
                self.entropy += 1;
                let env = Env::new(
                    Timestamp { unix_micros: 1_795_305_600_000_000, utc_offset_secs: 0 },
                    self.entropy,
                    "tester",
                );
                let args = op["args"].as_object().cloned().unwrap_or_default();
                let mut wf =
                    create_from_template(&TemplateSet::builtins(), op["template"].as_str().unwrap(), &args, &env)
                        .expect("the template builds");
                if let Some(c) = op["created_at"].as_str() {
                    wf.created_at = c.to_string();
                }
                if let Some(s) = op["state"].as_str() {
                    wf.state = WorkflowState::parse(s).expect("a state");
                }
                self.store.save(&wf, None, &Changes::whole()).expect(&ctx);
                self.ids.insert(op["as"].as_str().unwrap().to_string(), wf.id.clone());
            }
            "open" => {
                let loaded = self.store.load(&self.id(&op["id"])).expect(&ctx).expect("stored");
                self.handles.insert(op["handle"].as_str().unwrap().to_string(), loaded);
            }
            "write" => {
                let name = op["handle"].as_str().unwrap();
                let (mut wf, rev) = self.handles[name].clone();
                wf.blocked_reason = op["blocked_reason"].as_str().unwrap().to_string();
                let got = self.store.save(&wf, Some(rev), &Changes::whole());
                match (op["expect"].as_str().unwrap(), got) {
                    ("ok", Ok(new_rev)) => {
                        self.handles.insert(name.to_string(), (wf, new_rev));
                    }
                    ("conflict", Err(PilotError::Conflict { .. })) => {}
                    (want, got) => panic!("{ctx}: expected {want}, got {got:?}"),
                }
            }
            "load" => {
                let got = self.store.load(&self.id(&op["id"])).expect(&ctx);
                match (&op["expect"], got) {
                    (Value::Null, None) => {}
                    (want, Some((wf, _))) if !want.is_null() => assert!(matches(want, &wf.to_value()), "{ctx}"),
                    (want, got) => panic!("{ctx}: expected {want}, got {:?}", got.map(|g| g.0.id)),
                }
            }
            "list" => {
                let filter = if op["active"] == true { ListFilter::Active } else { ListFilter::All { limit: None } };
                let got: Vec<String> = self.store.list(filter).expect(&ctx).into_iter().map(|s| s.id).collect();
                let want: Vec<String> = op["expect"].as_array().unwrap().iter().map(|n| self.id(n)).collect();
                assert_eq!(got, want, "{ctx}");
            }
            "list_row" => {
                let id = self.id(&op["id"]);
                let rows = self.store.list(ListFilter::All { limit: None }).expect(&ctx);
                let row = rows.iter().find(|s| s.id == id).expect("listed").to_value();
                assert!(matches(&op["expect"], &row), "{ctx}: {row}");
            }
            "delete" => assert_eq!(self.store.delete(&self.id(&op["id"])).expect(&ctx), op["expect"] == true, "{ctx}"),
            "load_unknown" => assert!(self.store.load("wf-20990101-000000-ffffff").expect(&ctx).is_none()),
            "stored_text_lacks" => {
                let wf = self.store.get(&self.id(&op["id"])).expect("stored");
                assert!(!wf.to_db_json().contains(op["text"].as_str().unwrap()), "{ctx}");
                assert!(!wf.to_value().to_string().contains(op["text"].as_str().unwrap()), "{ctx}");
            }
            "load_fresh" => {
                let (wf, _) = self.store.load(&self.id(&op["id"])).expect(&ctx).expect("stored");
                let p = &op["expect_param"];
                let step = &wf.steps[p["step"].as_u64().unwrap() as usize];
                assert_eq!(step.params[p["key"].as_str().unwrap()], p["value"], "{ctx}");
            }
            "upstream_rows" => {
                let rows: Vec<String> = serde_json::from_str(ROWS).unwrap();
                assert!(rows.len() >= 5);
                for row in rows {
                    let wf = workflow_from_json(&row).expect("an upstream row loads");
                    // the fixture holds several states of some workflows: each replaces the last
                    let current = self.store.load(&wf.id).expect(&ctx).map(|(_, rev)| rev);
                    self.store.save(&wf, current, &Changes::whole()).expect(&ctx);
                    let (back, _) = self.store.load(&wf.id).expect(&ctx).expect("stored");
                    assert_eq!(back.to_db_json(), row, "{ctx}");
                }
            }
            other => panic!("{case}: unknown op {other:?}"),
        }
    }
}

#[test]
fn memory_store_conforms() {
    let cases: Value = serde_json::from_str(CASES).unwrap();
    let mut ops = 0;
    for case in cases["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let mut run = Run { store: MemoryStore::new(), ids: HashMap::new(), handles: HashMap::new(), entropy: 0 };
        for op in case["ops"].as_array().unwrap() {
            run.op(name, op);
            ops += 1;
        }
    }
    assert!(ops >= 30, "{ops} operations");
}
