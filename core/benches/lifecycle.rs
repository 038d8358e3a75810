//! A full lifecycle through the driver and the in-memory store: create, run, approve,
//! dispatch and report every step, completed — for 10, 100 and 1,000 steps. The figure to
//! watch is the time per step, which must stay flat as workflows grow.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use pilot_core::engine::{self, Options, Reported};
use pilot_core::storage::{Driver, MemoryStore};
use pilot_core::{Checkpoint, Env, Timestamp};
use serde_json::{json, Value};

fn specs(n: usize) -> Vec<Value> {
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

fn lifecycle(n: usize) -> usize {
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

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("lifecycle");
    group.measurement_time(Duration::from_secs(4)).sample_size(20);
    for n in [10usize, 100, 1000] {
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| b.iter(|| lifecycle(n)));
    }
    group.finish();

    // One plain summary line per size, so the flatness is visible at a glance.
    println!("\nper-step cost (create + run + approve + dispatch/report of every step):");
    for n in [10usize, 100, 1000] {
        let rounds = (20_000 / n).max(5);
        let start = Instant::now();
        for _ in 0..rounds {
            black_box(lifecycle(n));
        }
        let per_step = start.elapsed().as_secs_f64() / (rounds * n) as f64;
        println!("  {n:>5} steps: {:>7.2} µs per step", per_step * 1e6);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
