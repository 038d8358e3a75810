"""The scenario corpus of tests/scenarios, replayed through the Python API (WorkflowExecutor,
WorkflowStore on SQLite): the same expectations ``cargo test`` checks on the core."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from conftest import SCENARIOS
from scenario_runner import Replay
from vmware_pilot.models import WorkflowStore

FILES = sorted(SCENARIOS.glob("*.json"))


def test_the_corpus_is_there():
    assert len(FILES) >= 60


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario(path: Path):
    sc = json.loads(path.read_text())
    db = Path(tempfile.mkdtemp()) / "workflows.db"
    outcome = Replay(path.name, sc, WorkflowStore(db), db, upstream=False).run()
    if outcome.startswith("skipped"):
        pytest.skip(outcome)
    assert outcome.startswith("ok"), outcome
