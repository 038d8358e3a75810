//! Prints the lifecycle job's time per step as JSON (`{"10": µs, "100": µs, "1000": µs}`), for
//! `benches/node_lifecycle.mjs` to put beside the same job run through the wasm build.

use std::hint::black_box;
use std::time::Instant;

#[path = "../benches/shared/lifecycle_job.rs"]
mod lifecycle_job;

fn main() {
    let mut out = Vec::new();
    for n in [10usize, 100, 1000] {
        let rounds = (20_000 / n).max(5);
        black_box(lifecycle_job::lifecycle(n)); // warm up
        let start = Instant::now();
        for _ in 0..rounds {
            black_box(lifecycle_job::lifecycle(n));
        }
        let per_step = start.elapsed().as_secs_f64() / (rounds * n) as f64;
        out.push(format!("\"{n}\": {:.3}", per_step * 1e6));
    }
    println!("{{{}}}", out.join(", "));
}
