//! The lifecycle job measured by `benches/lifecycle.rs` and timed side by side with the
//! wasm build by `examples/lifecycle_timing.rs`: create a workflow of `n` steps (a gate at
//! step 1), run it in host mode through the driver and the in-memory store, approve, report
//! every dispatched step, until completed.

use std::hint::black_box;

use pilot_core::engine::{self, Options, Reported};
use pilot_core::storage::{Driver, MemoryStore};
use pilot_core::{Checkpoint, Env, Timestamp};
use serde_json::{json, Value};

pub fn specs(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            if i == 1 {
                json!({"action": "require_approval", "skill": "pilot", "tool": "approve", "params": {"message": "Proceed?"}})
            } else {
                json!({"action": format!("restart_{i}"), "skill": "aiops", "tool": "power_on_vm",
                       "params": {"vm_name": format!("vm-{i}"), "target": "vc-01"}})
            }
        })
        .collect()
}

pub fn lifecycle(n: usize) -> usize {
    let mut clock = 1_795_305_600_000_000i64;
    let mut env = || {
        clock += 17;
        Env::new(Timestamp { unix_micros: clock, utc_offset_secs: 0 }, clock as u64, "bench")
    };
    let opts = Options::host();
    let mut driver = Driver::new(MemoryStore::new());
    let steps = engine::steps_from_specs(&specs(n)).expect("valid steps");
    let wf = engine::new_custom_workflow(&env(), "bench", "lifecycle", steps);
    let id = driver.create(wf).expect("created").id.clone();
    let mut t = driver.run(&id, &env(), &opts).expect("run").0;
    let mut dispatched = 0;
    loop {
        t = match &t.checkpoint {
            Checkpoint::Dispatch(reqs) => {
                let index = reqs[0].index;
                dispatched += 1;
                let result = Reported::Returned(json!({"ok": true, "vm": black_box(&reqs[0].params)["vm_name"]}));
                driver.report(&id, index, result, &env(), &opts).expect("report").0
            }
            Checkpoint::AwaitingApproval(_) => driver.approve(&id, "lead", false, &env(), &opts).expect("approve").0,
            Checkpoint::Completed => break,
            other => panic!("unexpected checkpoint {other:?}"),
        };
    }
    dispatched
}
