"""The SQLite store: upstream's rows and modes, and what we do better — a copy older than the
stored row never acts, and rows move between this package and upstream 2.4.0 both ways."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import textwrap

import pytest

from vmware_pilot import _native
from vmware_pilot.executor import WorkflowExecutor
from vmware_pilot.models import Workflow, WorkflowConflictError, WorkflowState, WorkflowStep, WorkflowStore
from vmware_pilot.templates import rolling_restart

UPSTREAM_PYTHON = os.environ.get("PILOT_UPSTREAM_PYTHON")


def _gated(wf_id: str = "wf-gate") -> Workflow:
    return Workflow(
        id=wf_id, workflow_type="t", state=WorkflowState.PENDING,
        steps=[
            WorkflowStep(index=0, action="a", skill="aiops", tool="power_on_vm", params={"vm_name": "x"}),
            WorkflowStep(index=1, action="require_approval", skill="pilot", tool="approve", params={}),
            WorkflowStep(index=2, action="b", skill="aiops", tool="power_off_vm",
                         params={"vm_name": "x", "password": "s3cret", "confirm": True}),
        ],
        params={"custom": True}, created_at="", updated_at="",
    )


def _row(db, wf_id):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT type, state, data FROM workflows WHERE id = ?", (wf_id,)).fetchone()


def test_schema_modes_and_redaction(tmp_path):
    state_dir = tmp_path / "dotvmware"
    state_dir.mkdir(mode=0o755)
    db = state_dir / "workflows.db"
    store = WorkflowStore(db)
    store.save(_gated())
    assert stat.S_IMODE(os.stat(state_dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    with sqlite3.connect(db) as conn:
        cols = [r[1] for r in conn.execute("PRAGMA table_info(workflows)")]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert cols == ["id", "type", "state", "data", "created_at", "updated_at"]
    kind, state, data = _row(db, "wf-gate")
    assert (kind, state) == ("t", "pending")
    assert "s3cret" not in data and json.loads(data)["steps"][2]["params"]["password"] == "***"
    # the live object keeps the secret within this process
    assert store.load("wf-gate").steps[2].params["password"] == "s3cret"


def test_a_stale_copy_never_acts(tmp_path):
    db = tmp_path / "w.db"
    a, b = WorkflowStore(db), WorkflowStore(db)  # two processes' stores, each with its cache
    wf = _gated()
    a.save(wf)
    WorkflowExecutor(a).run_until_checkpoint(wf)
    stale = b.load("wf-gate")
    assert stale.state == WorkflowState.AWAITING_APPROVAL
    # process A approves first
    out = WorkflowExecutor(a).resume_after_approval(wf, "alice", acknowledge_not_executed=True)
    assert out["outcome"] == "dispatch_required"
    # process B still holds the copy from before: its approval must not be applied
    calls = []
    with pytest.raises(WorkflowConflictError, match="changed in the store"):
        WorkflowExecutor(b, dispatch=lambda *a: calls.append(a)).resume_after_approval(
            stale, "bob", acknowledge_not_executed=True)
    assert calls == [], "nothing was dispatched from the stale copy"
    kept = json.loads(_row(db, "wf-gate")[2])
    assert kept["approved_by"] == "alice", "alice's approval is not lost"
    # B reads the workflow again and gets a clear refusal instead
    fresh = b.load("wf-gate")
    assert fresh is not stale and fresh.approved_by == "alice"
    assert "not awaiting approval" in WorkflowExecutor(b).resume_after_approval(fresh, "bob")["error"]


def test_load_refreshes_a_changed_row_and_keeps_this_processes_secrets(tmp_path):
    db = tmp_path / "w.db"
    mine, other = WorkflowStore(db), WorkflowStore(db)
    wf = _gated()
    mine.save(wf)
    theirs = other.load("wf-gate")
    assert theirs.steps[2].params["password"] == "***"
    theirs.log("touched", "by another process")
    other.save(theirs)
    again = mine.load("wf-gate")
    assert again is not wf
    assert again.audit_log[-1]["action"] == "touched"
    assert again.steps[2].params["password"] == "s3cret", "the secret this process holds is kept"


def test_every_transition_is_committed_before_the_next_dispatch(tmp_path):
    db = tmp_path / "w.db"
    store = WorkflowStore(db)
    seen = []

    def dispatch(skill, tool, params):
        data = json.loads(_row(db, wf.id)[2])
        running = [s["index"] for s in data["steps"] if s["status"] == "running"]
        seen.append((params["vm_name"] if "vm_name" in params else tool, running))
        return {"ok": True}

    wf = rolling_restart(["a", "b"])
    store.save(wf)
    ex = WorkflowExecutor(store, dispatch=dispatch)
    assert ex.run_until_checkpoint(wf)["outcome"] == "awaiting_approval"
    assert ex.resume_after_approval(wf, "ops")["outcome"] == "completed"
    # the store showed exactly the dispatched step running, every time
    assert [r for _, r in seen] == [[0], [2], [3], [4], [5], [6], [7]]


@pytest.mark.skipif(not UPSTREAM_PYTHON, reason="needs upstream vmware-pilot 2.4.0 (PILOT_UPSTREAM_PYTHON)")
def test_rows_move_between_upstream_and_us_both_ways(tmp_path):
    db = tmp_path / "w.db"
    # upstream creates and pauses a workflow
    script = textwrap.dedent(f"""
        from vmware_pilot.models import WorkflowStore
        from vmware_pilot.executor import WorkflowExecutor
        from vmware_pilot.templates import rolling_restart
        store = WorkflowStore({str(db)!r})
        wf = rolling_restart(vm_names=["web-01"], target="vc")
        wf.id = "wf-from-upstream"
        store.save(wf)
        print(WorkflowExecutor(store).run_until_checkpoint(wf)["outcome"])
    """)
    out = subprocess.run([UPSTREAM_PYTHON, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "awaiting_approval"
    upstream_row = _row(db, "wf-from-upstream")[2]
    # we load it, write it back byte for byte, and continue it
    store = WorkflowStore(db)
    wf = store.load("wf-from-upstream")
    assert _native.render_row(wf)[2] == upstream_row
    res = WorkflowExecutor(store).resume_after_approval(wf, "ops", acknowledge_not_executed=True)
    assert res["outcome"] == "dispatch_required"
    assert [s.status for s in wf.steps] == ["reported_done", "success", "not_executed", "not_executed", "not_executed"]
    # upstream loads what we wrote and refuses a second approval the same way
    script = textwrap.dedent(f"""
        from vmware_pilot.models import WorkflowStore
        from vmware_pilot.executor import WorkflowExecutor
        store = WorkflowStore({str(db)!r})
        wf = store.load("wf-from-upstream")
        print(wf.state.value, [s.status for s in wf.steps][:3], wf.approved_by)
        print("not awaiting approval" in WorkflowExecutor(store).resume_after_approval(wf, "x")["error"])
    """)
    out = subprocess.run([UPSTREAM_PYTHON, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["pending ['reported_done', 'success', 'not_executed'] ops", "True"]
