//! A full lifecycle through the driver and the in-memory store: create, run, approve,
//! dispatch and report every step, completed — for 10, 100 and 1,000 steps. The figure to
//! watch is the time per step, which must stay flat as workflows grow.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

#[path = "shared/lifecycle_job.rs"]
mod lifecycle_job;
use lifecycle_job::lifecycle;

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
