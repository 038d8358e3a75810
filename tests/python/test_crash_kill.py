"""Crash injection with a real process and the real SQLite store: a child process runs a
template's lifecycle with a dispatcher and is killed (``os._exit``, no cleanup) right after
its k-th committed write, or in the middle of its k-th dispatched call — for every k. A new
process resumes from the database. Then: no step was performed twice, the killed process's
last commit is in the database, a step whose fate is unknown is ``interrupted``, and the
workflow is settled."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from vmware_pilot.executor import WorkflowExecutor
from vmware_pilot.models import WorkflowState, WorkflowStore
from vmware_pilot.templates import capacity_expansion, incident_response, rolling_restart

KILLED = 137
TEMPLATES = {
    "rolling_restart": lambda: rolling_restart(vm_names=["web-01", "web-02"]),
    "incident_response": lambda: incident_response(alert_entity="esx-01", alert_name="CPU"),
    "capacity_expansion": lambda: capacity_expansion(vm_name="app-01", cpu=8),
}


def _stored(db, wf_id):
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT data FROM workflows WHERE id = ?", (wf_id,)).fetchone()
    return row[0] if row else None


def _drive(db, wf_id, log, kill_after_write=None, kill_in_dispatch=None, last_commit=None) -> None:
    """One process's life: run the workflow to a settled state, approving gates."""
    store = WorkflowStore(db)
    writes = [0]
    calls = [0]
    write = store._store  # every write, whether by save() or by the executor

    def writing(wf, row):
        write(wf, row)
        writes[0] += 1
        if last_commit:
            with open(last_commit, "w") as f:
                f.write(row[2])
        if writes[0] == kill_after_write:
            os._exit(KILLED)

    store._store = writing

    def dispatch(skill, tool, params):
        # the step being performed is the one stored running (write-ahead)
        running = [s["index"] for s in json.loads(_stored(db, wf_id))["steps"] if s["status"] == "running"]
        assert len(running) == 1, running
        with open(log, "a") as f:
            f.write(f"{running[0]}\n")
            f.flush()
            os.fsync(f.fileno())
        calls[0] += 1
        if calls[0] == kill_in_dispatch:
            os._exit(KILLED)  # performed, never reported
        return {"ok": True, "tool": tool}

    ex = WorkflowExecutor(store, dispatch)
    wf = store.load(wf_id)
    for _ in range(20):
        if wf.state == WorkflowState.AWAITING_APPROVAL:
            ex.resume_after_approval(wf, approver="lead")
        elif wf.state in (WorkflowState.PENDING, WorkflowState.RUNNING):
            ex.run_until_checkpoint(wf)
        else:
            return
        wf = store.load(wf_id)


def _in_child(fn, *args, **kwargs) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            fn(*args, **kwargs)
        except BaseException:  # noqa: BLE001 — the child's failure is its exit status
            import traceback

            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def _fresh(tmp_path, name, tag):
    db = tmp_path / f"{name}-{tag}.db"
    log = tmp_path / f"{name}-{tag}.log"
    wf = TEMPLATES[name]()
    WorkflowStore(db).save(wf)
    return db, log, wf.id


def _counts(tmp_path, name):
    """Writes and dispatched calls of an uninterrupted run."""
    db, log, wf_id = _fresh(tmp_path, name, "clean")
    counter = tmp_path / "counter"

    def counted():
        store_write = WorkflowStore._store
        n = [0]

        def writing(self, wf, row):
            store_write(self, wf, row)
            n[0] += 1
            counter.write_text(str(n[0]))

        WorkflowStore._store = writing
        _drive(db, wf_id, log)

    assert _in_child(counted) == 0
    assert json.loads(_stored(db, wf_id))["state"] == "completed"
    return int(counter.read_text()), len(log.read_text().split())


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_killed_at_every_write_and_every_call(tmp_path, name):
    writes, calls = _counts(tmp_path, name)
    points = [("write", k) for k in range(1, writes + 1)] + [("call", k) for k in range(1, calls + 1)]
    killed = 0
    for kind, k in points:
        ctx = f"{name}: killed at {kind} {k}"
        db, log, wf_id = _fresh(tmp_path, name, f"{kind}{k}")
        last = tmp_path / f"{name}-{kind}{k}.last"
        kill = {"kill_after_write": k} if kind == "write" else {"kill_in_dispatch": k}
        code = _in_child(_drive, db, wf_id, log, last_commit=last, **kill)
        if code == 0:
            continue  # settled before reaching this point
        assert code == KILLED, ctx
        killed += 1
        if kind == "write":
            assert _stored(db, wf_id) == last.read_text(), f"{ctx}: the last commit was lost"
        in_doubt = [s["index"] for s in json.loads(_stored(db, wf_id))["steps"] if s["status"] == "running"]
        assert _in_child(_drive, db, wf_id, log) == 0, f"{ctx}: the new process failed"
        final = json.loads(_stored(db, wf_id))
        performed = [int(x) for x in log.read_text().split()] if log.exists() else []
        assert len(performed) == len(set(performed)), f"{ctx}: performed twice: {performed}"
        for i in in_doubt:
            assert final["steps"][i]["status"] == "interrupted", f"{ctx}: step {i} in doubt is {final['steps'][i]}"
        assert final["state"] in ("completed", "failed", "cancelled"), ctx
        assert all(s["status"] != "running" for s in final["steps"]), ctx
    print(f"{name}: {writes} writes, {calls} calls, killed at {killed} points")
    assert killed == len(points), f"only {killed} of {len(points)} kill points were reached"
