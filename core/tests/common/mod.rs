//! What the driver and operations tests share: a fixed environment and a small workflow.

use pilot_core::engine;
use pilot_core::{Env, Timestamp, Workflow};
use serde_json::{json, Value};

pub fn env(t: i64) -> Env {
    Env::new(Timestamp { unix_micros: 1_795_305_600_000_000 + t * 1000, utc_offset_secs: 0 }, t as u64, "tester")
}

/// `n` steps that power on VMs (params hold a password), with a gate at `gate_at`.
pub fn workflow(n: usize, gate_at: Option<usize>) -> Workflow {
    let specs: Vec<Value> = (0..n)
        .map(|i| {
            if Some(i) == gate_at {
                json!({"action": "require_approval", "skill": "pilot", "tool": "approve", "params": {"message": "go?"}})
            } else {
                json!({"action": format!("s{i}"), "skill": "aiops", "tool": "power_on_vm",
                       "params": {"vm_name": format!("vm-{i}"), "password": "pw"}})
            }
        })
        .collect();
    let steps = engine::steps_from_specs(&specs).unwrap();
    engine::new_custom_workflow(&env(0), "t", "d", steps)
}
