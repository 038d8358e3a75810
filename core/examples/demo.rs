//! A workflow driven through its approval gate to completion, with the in-memory store and
//! a simulated dispatcher standing in for the VMware skills. Prints every checkpoint.
//!
//!     cargo run -p vmware-pilot-core --example demo

use std::time::{SystemTime, UNIX_EPOCH};

use pilot_core::engine::{self, Options, Reported};
use pilot_core::storage::{Driver, MemoryStore};
use pilot_core::{Checkpoint, Env, Timestamp};
use serde_json::{json, Value};

/// The host's environment: the real clock, fresh entropy for ids, the OS user.
fn env() -> Env {
    let micros = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or(0);
    let entropy = (micros as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(std::process::id());
    Env::new(Timestamp { unix_micros: micros, utc_offset_secs: 0 }, entropy, "demo-operator")
}

/// What the skills would answer.
fn simulated_skill(skill: &str, tool: &str, params: &serde_json::Map<String, Value>) -> Value {
    match tool {
        "get_alarms" => json!({"alarms": [], "checked": params.get("target")}),
        "power_off_vm" => json!({"vm": params["vm_name"], "power_state": "poweredOff"}),
        "power_on_vm" => json!({"vm": params["vm_name"], "power_state": "poweredOn"}),
        _ => json!({"skill": skill, "tool": tool, "ok": true}),
    }
}

fn main() {
    let steps = json!([
        {"action": "pre_check", "skill": "monitor", "tool": "get_alarms", "params": {"target": "vc-lab"}},
        {"action": "require_approval", "skill": "pilot", "tool": "approve",
         "params": {"message": "Rolling restart 1 VM: web-01. Proceed?"}},
        {"action": "power_off_web-01", "skill": "aiops", "tool": "power_off_vm",
         "params": {"vm_name": "web-01", "force": false, "target": "vc-lab", "confirm": true},
         "rollback_tool": "power_on_vm", "rollback_params": {"vm_name": "web-01", "target": "vc-lab"}},
        {"action": "power_on_web-01", "skill": "aiops", "tool": "power_on_vm", "params": {"vm_name": "web-01", "target": "vc-lab"}},
        {"action": "health_check_web-01", "skill": "monitor", "tool": "get_alarms", "params": {"target": "vc-lab"}}
    ]);
    let steps = engine::steps_from_specs(steps.as_array().expect("a list")).expect("valid steps");
    let opts = Options::host();
    let mut driver = Driver::new(MemoryStore::new());
    let wf = engine::new_custom_workflow(&env(), "rolling_restart_demo", "restart web-01", steps);
    let id = driver.create(wf).expect("stored").id.clone();
    println!(
        "created {id} ({} steps), stored as revision {}",
        driver.get(&id).unwrap().steps.len(),
        driver.revision(&id).unwrap()
    );

    let (mut t, _) = driver.run(&id, &env(), &opts).expect("run");
    loop {
        let wf = driver.get(&id).expect("loaded").clone();
        match &t.checkpoint {
            Checkpoint::Dispatch(requests) => {
                let r = &requests[0];
                println!(
                    "checkpoint dispatch: step {} {}.{} — stored as '{}' before the call",
                    r.index,
                    r.skill,
                    r.tool,
                    driver.store().get(&id).expect("stored").steps[r.index as usize].status_text()
                );
                let answer = simulated_skill(&r.skill, &r.tool, &r.params);
                println!("  skill answered {answer}");
                t = driver.report(&id, r.index, Reported::Returned(answer), &env(), &opts).expect("report").0;
            }
            Checkpoint::AwaitingApproval(gate) => {
                let message = wf.steps[*gate as usize].params["message"].as_str().unwrap_or_default().to_string();
                println!("checkpoint awaiting_approval at step {gate}: {message}");
                let refused = driver.approve(&id, "  ", false, &env(), &opts).unwrap_err();
                println!("  approve without a name is refused [{}]: {refused}", refused.code());
                println!("  approved by alice");
                t = driver.approve(&id, "alice", false, &env(), &opts).expect("approve").0;
            }
            Checkpoint::Completed => {
                println!("checkpoint completed: state {}", wf.state);
                break;
            }
            other => panic!("unexpected checkpoint {other:?}"),
        }
    }
    let wf = driver.get(&id).expect("loaded");
    println!("\nsteps:");
    for s in &wf.steps {
        println!("  {} {:<22} {:<28} {}", s.index, s.action, format!("{}.{}", s.skill, s.tool), s.status_text());
    }
    println!("audit trail:");
    for e in &wf.audit_log {
        println!("  {:<20} {}", e.action, e.detail);
    }
    println!("\nstored row (the bytes vmware-pilot 2.4.0 keeps in workflows.db), first 160 chars:");
    println!("  {}…", &wf.to_db_json().chars().take(160).collect::<String>());
}
