//! Rows written by upstream vmware-pilot 2.4.0 (captured by scripts/capture_upstream_rows.py)
//! load here and are written back byte for byte.

use pilot_core::record::{workflow_from_json, workflow_from_value};
use pilot_core::{PilotError, RecordFault, WorkflowState};
use serde_json::Value;

fn rows() -> Vec<String> {
    let text = include_str!("../../tests/fixtures/upstream-rows.json");
    serde_json::from_str(text).expect("fixture is a JSON list of strings")
}

#[test]
fn every_upstream_row_round_trips_to_the_byte() {
    let rows = rows();
    assert!(rows.len() >= 9);
    for row in rows {
        let wf = workflow_from_json(&row).expect("upstream row loads");
        assert_eq!(wf.to_db_json(), row);
    }
}

#[test]
fn older_rows_load_with_defaults_and_new_names() {
    let mut v: Value = serde_json::from_str(&rows()[0]).unwrap();
    let m = v.as_object_mut().unwrap();
    for key in ["rollback_results", "created_by", "authors"] {
        m.remove(key);
    }
    for step in m["steps"].as_array_mut().unwrap() {
        let s = step.as_object_mut().unwrap();
        s.remove("group_id");
        if s["tool"] == "reconfigure_vm" {
            s.insert("tool".into(), Value::from("vm_reconfigure"));
        }
    }
    let wf = workflow_from_value(v).unwrap();
    assert_eq!(wf.created_by, "");
    assert!(wf.authors.is_empty() && wf.rollback_results.is_empty());
    assert!(wf.steps.iter().all(|s| s.group_id.is_empty()));
    assert!(wf.steps.iter().any(|s| s.tool == "reconfigure_vm"));
    assert!(wf.steps.iter().all(|s| s.tool != "vm_reconfigure"));
}

fn fault_of(text: &str) -> RecordFault {
    match workflow_from_json(text) {
        Err(PilotError::InvalidRecord { fault, .. }) => fault,
        other => panic!("expected a clean InvalidRecord error, got {other:?}"),
    }
}

#[test]
fn damaged_rows_are_clean_errors_named_like_upstream() {
    let good: Value = serde_json::from_str(&rows()[0]).unwrap();
    assert_eq!(fault_of("{not json"), RecordFault::JsonDecode);
    assert_eq!(fault_of("[1, 2]"), RecordFault::Attribute);
    let mut no_id = good.clone();
    no_id.as_object_mut().unwrap().remove("id");
    assert_eq!(fault_of(&no_id.to_string()), RecordFault::Key);
    for dead in ["monitoring", "committing", "blocked_by_policy", "exploded"] {
        let mut v = good.clone();
        v["state"] = Value::from(dead);
        assert_eq!(fault_of(&v.to_string()), RecordFault::Value, "{dead}");
        let msg = workflow_from_json(&v.to_string()).unwrap_err().to_string();
        assert!(msg.contains(dead) && msg.contains("ValueError"), "{msg}");
    }
    let mut extra = good.clone();
    extra["steps"][0]["surprise"] = Value::from(1);
    assert_eq!(fault_of(&extra.to_string()), RecordFault::Type);
    let mut no_params = good.clone();
    no_params["steps"][0].as_object_mut().unwrap().remove("params");
    assert_eq!(fault_of(&no_params.to_string()), RecordFault::Type);
    let mut not_obj = good.clone();
    not_obj["steps"][0] = Value::from("step");
    assert_eq!(fault_of(&not_obj.to_string()), RecordFault::Attribute);
    // steps are checked before the top-level keys, as upstream does
    let mut both = no_id.clone();
    both["steps"][0] = Value::from(3);
    assert_eq!(fault_of(&both.to_string()), RecordFault::Attribute);
}

#[test]
fn unusual_statuses_round_trip() {
    let mut v: Value = serde_json::from_str(&rows()[0]).unwrap();
    v["steps"][0]["status"] = Value::Null;
    v["steps"][1]["status"] = Value::from("weird");
    let wf = workflow_from_value(v.clone()).unwrap();
    assert_eq!(wf.steps[0].status, pilot_core::record::StepStatus::Unrecognised(serde_json::Value::Null));
    assert!(!wf.steps[1].is_known_status());
    assert_eq!(wf.to_value(), v);
    assert_eq!(wf.state, WorkflowState::AwaitingApproval);
}
