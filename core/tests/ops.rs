//! The operations layer over a driver: the tools' checks refuse before anything is saved,
//! separation of duties, rejection, the blast radius, draft edits.

use pilot_core::engine::{self, Options, Reported};
use pilot_core::ops::{self, hosts::DriverHost, ApproveArgs, ApproverCheck, Undo};
use pilot_core::safety::roles::ApproveMode;
use pilot_core::storage::{Driver, MemoryStore};
use serde_json::json;

mod common;
use common::{env, workflow};

fn approval(approver: &str, mode: ApproveMode, hold: bool) -> ApproveArgs<'_> {
    ApproveArgs { approver, caller: None, check: ApproverCheck::Mode(mode), acknowledge_not_executed: false, hold }
}

#[test]
fn run_refuses_an_ungated_destructive_custom_step_and_saves_nothing() {
    let mut d = Driver::new(MemoryStore::new());
    let steps = engine::steps_from_specs(&[json!({"skill": "aiops", "tool": "delete_vm", "params": {"vm_name": "x"}})])
        .unwrap();
    let id = d.create(engine::new_custom_workflow(&env(0), "wipe", "d", steps)).unwrap().id.clone();
    let rev = d.store().revision(&id).unwrap();
    let opts = Options::host();
    let err = ops::run(&mut DriverHost { driver: &mut d, opts: &opts }, &id, true, &env(1)).unwrap_err();
    assert_eq!(err.code(), "gate_missing");
    assert!(err.to_response()["approval_gate_violations"].is_array(), "{}", err.to_response());
    assert_eq!(d.store().revision(&id), Some(rev));
    assert!(d.store().get(&id).unwrap().steps[0].status_is("pending"));
    // an unknown id and a cancelled workflow: one code each
    let err = ops::run(&mut DriverHost { driver: &mut d, opts: &opts }, "wf-missing", false, &env(2)).unwrap_err();
    assert_eq!(err.code(), "not_found");
    d.cancel(&id, "stop", &env(3)).unwrap();
    let err = ops::run(&mut DriverHost { driver: &mut d, opts: &opts }, &id, false, &env(4)).unwrap_err();
    assert_eq!(err.code(), "run_cancelled");
    assert_eq!(err.to_response()["state"], "cancelled");
}

#[test]
fn approval_under_separation_of_duties_and_rejection() {
    let mut d = Driver::new(MemoryStore::new());
    let opts = Options::host();
    let id = d.create(workflow(3, Some(1))).unwrap().id.clone();
    d.run(&id, &env(1), &opts).unwrap();
    d.report(&id, 0, Reported::Returned(json!({"ok": true})), &env(2), &opts).unwrap();
    let rev = d.store().revision(&id).unwrap();
    // "tester" created it (env's caller): under "others" it may not approve
    let mut h = DriverHost { driver: &mut d, opts: &opts };
    let err = ops::approve(&mut h, &id, approval("tester", ApproveMode::Others, false), &env(3)).unwrap_err();
    assert_eq!(err.code(), "approval_refused");
    assert!(err.to_string().contains("tester created it, and separation of duties"), "{err}");
    assert_eq!(d.store().revision(&id), Some(rev));
    // ApproveMode::Any lets it; hold stops right after the approval
    let mut h = DriverHost { driver: &mut d, opts: &opts };
    let answer = ops::approve(&mut h, &id, approval("tester", ApproveMode::Any, true), &env(4)).unwrap();
    assert_eq!(answer["checkpoint"]["kind"], "approved");
    assert_eq!(answer["state"], "pending");
    assert!(d.store().get(&id).unwrap().steps[2].status_is("pending"), "nothing ran past the gate");
    // a second workflow is rejected at its gate: cancelled, nothing after the gate runs
    let mut second = workflow(3, Some(1));
    second.id = "wf-20261121-000000-second".into();
    let id2 = d.create(second).unwrap().id.clone();
    let mut h = DriverHost { driver: &mut d, opts: &opts };
    assert_eq!(ops::reject(&mut h, &id2, "ana", "no", &env(7)).unwrap_err().code(), "not_awaiting_approval");
    d.run(&id2, &env(5), &opts).unwrap();
    d.report(&id2, 0, Reported::Returned(json!({"ok": true})), &env(6), &opts).unwrap();
    let mut h = DriverHost { driver: &mut d, opts: &opts };
    assert_eq!(ops::reject(&mut h, &id2, " ", "no", &env(8)).unwrap_err().code(), "approver_required");
    let answer = ops::reject(&mut h, &id2, "ana", "window closed", &env(9)).unwrap();
    assert_eq!(answer["checkpoint"]["kind"], "cancelled");
    assert_eq!(answer["action"], "cancelled");
    assert_eq!(answer["blast_radius"]["left_in_place"][0]["index"], 0);
    let wf = d.store().get(&id2).unwrap();
    assert!(wf.steps[2].status_is("skipped"));
    assert!(wf.audit_log.iter().any(|a| a.detail.contains("approval rejected by ana: window closed")));
}

#[test]
fn confirmed_cancel_is_refused_while_a_step_is_in_flight() {
    let mut d = Driver::new(MemoryStore::new());
    let opts = Options::host();
    let id = d.create(workflow(2, None)).unwrap().id.clone();
    d.run(&id, &env(1), &opts).unwrap();
    let rev = d.store().revision(&id).unwrap();
    let mut h = DriverHost { driver: &mut d, opts: &opts };
    let preview = ops::cancel(&mut h, &id, "stop", false, false, &env(2)).unwrap();
    assert!(matches!(&preview, Undo::Preview(p) if p["action"] == "preview"), "{preview:?}");
    let err = ops::cancel(&mut h, &id, "stop", true, false, &env(2)).unwrap_err();
    assert_eq!(err.code(), "radius_refused");
    assert!(err.to_response()["blast_radius"].is_object());
    assert_eq!(d.store().revision(&id), Some(rev));
}

#[test]
fn update_draft_checks_its_arguments_once() {
    let mut d = Driver::new(MemoryStore::new());
    let opts = Options::agent();
    let id = d.create(engine::design_draft(&env(0), "goal", "")).unwrap().id.clone();
    let rev = d.store().revision(&id).unwrap();
    let mut h = DriverHost { driver: &mut d, opts: &opts };
    let err = ops::update_draft(&mut h, &id, "", "", &json!({"steps": 1}), &env(1)).unwrap_err();
    assert_eq!(err.code(), "invalid_argument");
    assert!(err.to_string().contains("steps is an array"), "{err}");
    assert_eq!(d.store().revision(&id), Some(rev));
    let mut h = DriverHost { driver: &mut d, opts: &opts };
    let steps = json!([{"skill": "monitor", "tool": "get_alarms", "params": {}}]);
    let answer = ops::update_draft(&mut h, &id, "", "", &steps, &env(2)).unwrap();
    assert_eq!(answer["steps"].as_array().map(Vec::len), Some(1));
    assert_eq!(d.store().get(&id).unwrap().steps.len(), 1);
}
