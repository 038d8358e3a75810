//! Replays the fuzzing corpus (`tests/fuzz-corpus/<target>/`) through the fuzz targets on
//! stable Rust: every input must run without a panic and keep every invariant the targets
//! assert. The same target code is what cargo-fuzz runs (`fuzz/`, `scripts/fuzz-long.sh`).

mod fuzz_targets;

use std::panic;
use std::path::PathBuf;

fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fuzz-corpus").join(target)
}

fn replay(target: &str) {
    let (_, run) = fuzz_targets::TARGETS.iter().find(|(name, _)| *name == target).expect("a known target");
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir(target))
        .unwrap_or_else(|e| panic!("tests/fuzz-corpus/{target}: {e}"))
        .map(|entry| entry.expect("a readable corpus entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "tests/fuzz-corpus/{target} holds only {} inputs", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let data = std::fs::read(file).expect("a readable corpus file");
        if let Err(e) = panic::catch_unwind(|| run(&data)) {
            let message = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{}: {message}", file.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} {target} inputs failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn every_target_has_a_corpus() {
    for (name, _) in fuzz_targets::TARGETS {
        assert!(corpus_dir(name).is_dir(), "tests/fuzz-corpus/{name} is missing");
    }
}

#[test]
fn record_corpus() {
    replay("record");
}

#[test]
fn template_custom_corpus() {
    replay("template_custom");
}

#[test]
fn template_builtin_corpus() {
    replay("template_builtin");
}

#[test]
fn classify_corpus() {
    replay("classify");
}

#[test]
fn step_refs_corpus() {
    replay("step_refs");
}

#[test]
fn engine_corpus() {
    replay("engine");
}
