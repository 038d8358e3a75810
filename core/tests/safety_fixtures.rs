//! The safety rules against upstream 2.4.0's own answers for 64 hand-built workflows
//! (tests/fixtures/safety-cases.json, scripts/capture_safety_fixtures.py): review, the
//! approval-gate rule and its refusal, the custom marker, the rollback and cancel blast radius
//! (both acknowledgement settings) and their refusals; plus truth tables for step
//! classification, the acting-flag rule and preview redaction. Upstream's prose is replaced in
//! the fixture by the facts our own wording must carry (`{"$prose": [...]}`).

use pilot_core::record::workflow_from_value;
use pilot_core::safety::blast::{cancel_blast_radius, is_secret_name, radius_refusal, rollback_blast_radius};
use pilot_core::safety::gate::{acts, gate_refusal, gate_violations, is_custom_workflow, GateViolation, RefusalText};
use pilot_core::safety::review::{classify_step, review};
use serde_json::{json, Value};

fn fixture() -> Value {
    serde_json::from_str(include_str!("../../tests/fixtures/safety-cases.json")).unwrap()
}

fn matches(want: &Value, got: &Value) -> Result<(), String> {
    match want {
        Value::Object(w) if w.contains_key("$prose") => {
            let text = got.as_str().ok_or_else(|| format!("expected text, got {got}"))?;
            for fact in w["$prose"].as_array().unwrap() {
                if !text.contains(fact.as_str().unwrap()) {
                    return Err(format!("lacks {fact}: {text}"));
                }
            }
            Ok(())
        }
        Value::Object(w) => {
            let g = got.as_object().ok_or_else(|| format!("expected object, got {got}"))?;
            let (wk, gk): (Vec<_>, Vec<_>) = (w.keys().collect(), g.keys().collect());
            if wk != gk {
                return Err(format!("keys {gk:?}, want {wk:?}"));
            }
            w.iter().try_for_each(|(k, v)| matches(v, &g[k]).map_err(|e| format!("{k}: {e}")))
        }
        Value::Array(w) => {
            let g = got.as_array().ok_or_else(|| format!("expected list, got {got}"))?;
            if w.len() != g.len() {
                return Err(format!("{} items, want {}: {got}", g.len(), w.len()));
            }
            w.iter().zip(g).enumerate().try_for_each(|(i, (a, b))| matches(a, b).map_err(|e| format!("[{i}] {e}")))
        }
        other if other == got => Ok(()),
        other => Err(format!("{got} != {other}")),
    }
}

#[test]
fn every_case_matches_upstream() {
    let f = fixture();
    let cases = f["cases"].as_array().unwrap();
    assert!(cases.len() >= 60);
    let mut failures = Vec::new();
    for c in cases {
        let name = c["case"].as_str().unwrap();
        let wf = workflow_from_value(c["workflow"].clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut check = |what: &str, want: &Value, got: Value| {
            if let Err(e) = matches(want, &got) {
                failures.push(format!("{name} / {what}: {e}"));
            }
        };
        check("review", &c["review"], review(&wf));
        let violations = gate_violations(&wf);
        check(
            "gate_violations",
            &c["gate_violations"],
            Value::Array(violations.iter().map(GateViolation::to_value).collect()),
        );
        check("is_custom", &c["is_custom"], Value::Bool(is_custom_workflow(&wf)));
        for (ack_key, ack) in [("ack_false", false), ("ack_true", true)] {
            let rb_typed = rollback_blast_radius(&wf, ack);
            let rb = rb_typed.to_value();
            let cn_typed = cancel_blast_radius(&wf, ack);
            let cn = cn_typed.to_value();
            check(&format!("rollback_radius.{ack_key}"), &c["rollback_radius"][ack_key], rb.clone());
            check(&format!("cancel_radius.{ack_key}"), &c["cancel_radius"][ack_key], cn.clone());
            check(
                &format!("rollback_refusal.{ack_key}"),
                &c["rollback_refusal"][ack_key],
                radius_refusal("roll back", &wf, &rb_typed).unwrap_or(Value::Null),
            );
            check(
                &format!("cancel_refusal.{ack_key}"),
                &c["cancel_refusal"][ack_key],
                radius_refusal("cancel", &wf, &cn_typed).unwrap_or(Value::Null),
            );
        }
        if let Some(g) = c.get("gate_refusal") {
            let a = &g["args"];
            let text = RefusalText {
                verb: a["verb"].as_str().unwrap(),
                source: a["source"].as_str().unwrap(),
                retry: a["retry"].as_str().unwrap(),
                extra: a["extra"].as_str().unwrap(),
            };
            check("gate_refusal", &g["result"], gate_refusal(a["workflow_name"].as_str().unwrap(), &violations, &text));
        }
    }
    assert!(failures.is_empty(), "{} differences:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn classification_truth_table() {
    for row in fixture()["classify"].as_array().unwrap() {
        let s = |k: &str| row[k].as_str().unwrap_or("").to_string();
        let (tier, reason) = classify_step(&s("skill"), &s("tool"), &s("action"));
        assert_eq!(
            (tier.as_str(), reason.as_str()),
            (row["tier"].as_str().unwrap(), row["reason"].as_str().unwrap()),
            "{row}"
        );
    }
}

#[test]
fn acting_flags_truth_table() {
    for row in fixture()["acts"].as_array().unwrap() {
        assert_eq!(acts(row["params"].as_object().unwrap()), row["acts"].as_bool().unwrap(), "{row}");
    }
}

#[test]
fn preview_redaction_truth_table() {
    for row in fixture()["preview_redaction"].as_array().unwrap() {
        assert_eq!(is_secret_name(row["key"].as_str().unwrap()), row["secret"].as_bool().unwrap(), "{row}");
    }
    let _ = json!(null);
}
