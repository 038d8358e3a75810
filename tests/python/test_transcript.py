"""The scenario corpus through our wheel's record API (``vmware_pilot.core``): every
expectation holds, and every event's response, error code and record are byte for byte what
the Rust core produced (target/scenario-transcript.json, from ``cargo test --test
scenarios``) — the same check the Node suite makes of the npm package."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from transcript_runner import SCENARIOS, replay

TRANSCRIPT = Path(__file__).resolve().parents[2] / "target" / "scenario-transcript.json"
# `"api": "executor"`: upstream's executor path only (the record API refuses their start)
FILES = sorted(p.name for p in SCENARIOS.glob("*.json") if json.loads(p.read_text()).get("api") != "executor")
RUST = json.loads(TRANSCRIPT.read_text()) if TRANSCRIPT.exists() else None


def test_the_corpus_is_there():
    assert len(FILES) >= 60


@pytest.mark.parametrize("name", FILES, ids=[f[:-5] for f in FILES])
def test_same_transcript_as_the_rust_core(name):
    transcript, problems = replay(name)
    assert problems == []
    assert RUST is not None, "target/scenario-transcript.json is missing: run cargo test --release --test scenarios"
    assert name in RUST, f"the Rust transcript has no {name}: rerun cargo test"
    want = RUST[name]
    assert len(transcript) == len(want)
    for i, (got, exp) in enumerate(zip(transcript, want)):
        # `response_js` is the npm package's wording of the response; this host speaks MCP's
        exp = {k: v for k, v in exp.items() if k != "response_js"}
        assert json.dumps(got) == json.dumps(exp), f"{name}: event {i - 1} differs from the Rust core"


def test_refusals_are_pilot_errors_with_codes():
    from vmware_pilot import core

    with pytest.raises(core.PilotError) as e:
        core.create_from_template("no_such_template")
    assert e.value.code == "unknown_template"
    assert "Available" in e.value.details["error"]
    with pytest.raises(core.PilotError) as e:
        core.run({"id": "x"})
    assert e.value.code == "invalid_record"
    with pytest.raises(core.PilotError) as e:
        core.run(core.create_from_template("compliance_scan"), mode="turbo")
    assert e.value.code == "invalid_argument"
