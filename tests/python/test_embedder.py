"""What an embedder does with the models — load, change, save, copy, pickle — through real
SQLite files, always read back by a fresh store (another process's view), and compared with
upstream 2.4.0 where it can run the same code."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import pickle
import random
import sqlite3
import subprocess
import textwrap

import pytest

from vmware_pilot.executor import WorkflowExecutor
from vmware_pilot.models import (
    Workflow,
    WorkflowExistsError,
    WorkflowState,
    WorkflowStep,
    WorkflowStore,
    is_sensitive_key,
)
from vmware_pilot.templates import rolling_restart

UPSTREAM_PYTHON = os.environ.get("PILOT_UPSTREAM_PYTHON")
needs_upstream = pytest.mark.skipif(not UPSTREAM_PYTHON, reason="needs upstream 2.4.0 (PILOT_UPSTREAM_PYTHON)")

SENSITIVE = {"password", "passwd", "pwd", "token", "secret", "api_key", "apikey", "authorization",
             "bearer", "private_key", "credential", "credentials", "kubeconfig"}


def _masked(key) -> bool:
    """Upstream's thirteen names, and the spellings our wider rule adds (docs/redaction.md)."""
    return isinstance(key, str) and (key.lower() in SENSITIVE or is_sensitive_key(key))


def _redact(v):
    if isinstance(v, dict):
        return {k: ("***" if _masked(k) else _redact(x)) for k, x in v.items()}
    # tuples too: upstream's redaction passes over them and writes their secrets in clear
    # (a deliberate difference, docs/compatibility.md)
    if isinstance(v, (list, tuple)):
        return [_redact(x) for x in v]
    return v


def upstream_row(wf: Workflow) -> str:
    """The ``data`` text upstream's store writes for this object: its documented formula."""
    return json.dumps(_redact(wf.to_dict()), default=str)


def stored(db, wf_id):
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT data FROM workflows WHERE id = ?", (wf_id,)).fetchone()
    return row[0] if row else None


def _wf(wf_id="wf-e", n=3, **kw) -> Workflow:
    steps = [WorkflowStep(index=i, action=f"a{i}", skill="aiops", tool="get_vm_info", params={"vm_name": f"vm-{i}"})
             for i in range(n)]
    return Workflow(id=wf_id, workflow_type="t", state=WorkflowState.PENDING, steps=steps, params={"custom": True},
                    created_at="2026-12-01T10:00:00+00:00", updated_at="2026-12-01T10:00:00+00:00",
                    created_by="ana", **kw)


# ── step edits reach the disk ─────────────────────────────────────────────────────────────

def test_every_kind_of_step_edit_reaches_a_fresh_store(tmp_path):
    db = tmp_path / "w.db"
    WorkflowStore(db).save(_wf())
    store = WorkflowStore(db)
    wf = store.load("wf-e")
    wf.steps[0].status = "running"
    wf.steps[0].params["vm_name"] = "y"
    wf.steps[0].params["nested"] = {"a": [1, {"b": 2}]}
    wf.steps[1].result = {"ok": True, "rows": [1, 2.5, None]}
    wf.steps[1].started_at = "2026-12-01T10:01:00+00:00"
    wf.steps[1].completed_at = "2026-12-01T10:02:00+00:00"
    wf.steps[2].rollback_tool = "power_off_vm"
    wf.steps[2].rollback_params = {"vm_name": "vm-2", "confirm": True}
    store.save(wf)
    fresh = WorkflowStore(db).load("wf-e")
    assert fresh == wf
    # a second edit after a save, nested in place
    wf.steps[0].params["nested"]["a"][1]["b"] = 3
    wf.steps[2].rollback_params["extra"] = "x"
    store.save(wf)
    again = WorkflowStore(db).load("wf-e")
    assert again.steps[0].params["nested"] == {"a": [1, {"b": 3}]}
    assert again.steps[2].rollback_params["extra"] == "x"
    assert again == wf
    assert stored(db, "wf-e") == upstream_row(wf)


def test_steps_appended_replaced_and_removed_reach_the_row(tmp_path):
    db = tmp_path / "w.db"
    store = WorkflowStore(db)
    wf = _wf()
    store.save(wf)
    wf.steps.append(WorkflowStep(index=3, action="x", skill="monitor", tool="get_alarms", params={}))
    wf.steps[0] = WorkflowStep(index=0, action="new", skill="aiops", tool="vm_power_on", params={"vm": "z"})
    del wf.steps[1]
    wf.log("edited", "by hand")
    wf.audit_log.append({"ts": "t", "action": "note", "detail": "d", "by": "ops", "token": "secret!"})
    store.save(wf)
    fresh = WorkflowStore(db).load("wf-e")
    assert [s.action for s in fresh.steps] == ["new", "a2", "x"]
    assert fresh.steps[0].tool == "power_on_vm", "translated when the step was built"
    assert fresh.audit_log[-1] == {"ts": "t", "action": "note", "detail": "d", "by": "ops", "token": "***"}
    assert stored(db, "wf-e") == upstream_row(wf)


# ── a property: random edits through the public objects ──────────────────────────────────

_KEYS = ["vm", "password", "Token", "note", "list", "ünïcode", "a\"b", "kubeconfig", "db_password", "n"]


def _value(rng: random.Random, depth: int = 0):
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.randrange(-10**12, 10**12)
    if kind == 3:
        return rng.choice([0.1, 1.5, -2.25, 1e300, 3.0, 1e-7, 123456789.125])
    if kind in (4, 5):
        return rng.choice(["", "x", "línea\n", "tab\t\"q\"", "😀 emoji", "\x00nul", "\u2028sep", "***", "a" * 50])
    if kind == 6:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind == 7:
        return (_value(rng, depth + 1), _value(rng, depth + 1))  # a tuple is stored as a list
    return {rng.choice(_KEYS): _value(rng, depth + 1) for _ in range(rng.randrange(4))}


def _some_dict(rng: random.Random, root: dict) -> dict:
    """``root`` or a dict nested in it."""
    here = root
    for _ in range(3):
        inner = [v for v in here.values() if isinstance(v, dict)]
        if not inner or rng.random() < 0.4:
            break
        here = rng.choice(inner)
    return here


def _edit(rng: random.Random, wf: Workflow) -> None:
    step = rng.choice(wf.steps) if wf.steps else None
    e = rng.randrange(20)
    if e == 0:
        _some_dict(rng, wf.params)[rng.choice(_KEYS)] = _value(rng)
    elif e == 1 and wf.params:
        del wf.params[rng.choice(list(wf.params))]
    elif e == 2 and step:
        step.status = rng.choice(["pending", "running", "success", "failed", "not_executed", None, "weird", 7])
    elif e == 3 and step:
        step.result = _value(rng)
    elif e == 4 and step:
        setattr(step, rng.choice(["started_at", "completed_at", "group_id", "action"]), rng.choice(["", "x", "é"]))
    elif e == 5 and step:
        step.rollback_tool = rng.choice(["", "power_off_vm", "vm_power_off"])
        _some_dict(rng, step.rollback_params)[rng.choice(_KEYS)] = _value(rng)
    elif e == 6 and step:
        _some_dict(rng, step.params)[rng.choice(_KEYS)] = _value(rng)
    elif e == 7:
        wf.steps.append(WorkflowStep(index=len(wf.steps), action="added", skill="monitor", tool="get_alarms",
                                     params={rng.choice(_KEYS): _value(rng)}))
    elif e == 8 and len(wf.steps) > 1:
        wf.steps.pop(rng.randrange(len(wf.steps)))
    elif e == 9 and wf.steps:
        wf.steps[rng.randrange(len(wf.steps))] = WorkflowStep(
            index=rng.randrange(9), action="replaced", skill="vmware_aiops", tool="vm_power_on", params={})
    elif e == 10:
        wf.log(rng.choice(["note", "step_completed"]), rng.choice(["", "détail", "x" * 30]))
    elif e == 11:
        wf.audit_log.append({"ts": "t", "action": "odd", "detail": "", rng.choice(_KEYS): _value(rng)})
    elif e == 12:
        wf.rollback_results.append({"index": rng.randrange(5), "status": "rolled_back", "result": _value(rng)})
    elif e == 13:
        wf.with_author(rng.choice(["bob", "ana", "", "cé"]))
    elif e == 14:
        wf.state = rng.choice(list(WorkflowState))
    elif e == 15:
        setattr(wf, rng.choice(["approved_by", "blocked_reason", "created_by", "workflow_type"]),
                rng.choice(["", "ops", "rollback_failed", "ü"]))
    elif e == 16 and step:
        step.index = rng.randrange(-3, 50)
    elif e == 17:
        wf.authors = [*wf.authors, "zed"]
    elif e == 18:
        wf.params = {"replaced": _value(rng)}
    elif e == 19 and step:
        step.params = {rng.choice(_KEYS): _value(rng)}


def _as_loaded(row: str) -> dict:
    """What loading a row gives: the record, with pre-2.0 tool names translated (upstream's
    steps translate them whenever they are built, a stored row included)."""
    from vmware_pilot.renames import current_tool_name

    d = json.loads(row)
    for s in d["steps"]:
        s["tool"] = current_tool_name(s["skill"], s["tool"])
        s["rollback_tool"] = current_tool_name(s["skill"], s["rollback_tool"])
    return d


def test_random_edits_are_in_the_row_and_in_a_fresh_store(tmp_path):
    rng = random.Random(20261202)
    db = tmp_path / "w.db"
    store = WorkflowStore(db)
    saves = 0
    for case in range(120):
        wf = _wf(f"wf-p{case}", n=rng.randrange(1, 5))
        store.save(wf)
        for _round in range(rng.randrange(1, 4)):
            for _ in range(rng.randrange(1, 8)):
                _edit(rng, wf)
            store.save(wf)
            saves += 1
            expected = upstream_row(wf)
            assert stored(db, wf.id) == expected, f"case {case}: the row is not upstream's for this object"
            fresh = WorkflowStore(db).load(wf.id)
            assert json.loads(json.dumps(fresh.to_dict(), default=str)) == _as_loaded(expected), f"case {case}"
            assert store.load(wf.id) is wf, "an unchanged saved object is handed back as it is"
    assert saves > 200


def test_edits_between_executor_calls_are_what_runs_and_what_is_stored(tmp_path):
    db = tmp_path / "w.db"
    store = WorkflowStore(db)
    calls = []

    def dispatch(skill, tool, params):
        calls.append((tool, dict(params)))
        return {"ok": True, "seen": params.get("vm_name")}

    ex = WorkflowExecutor(store, dispatch)
    wf = rolling_restart(["a", "b"])
    store.save(wf)
    gate = next(i for i, s in enumerate(wf.steps) if s.action == "require_approval")
    held = wf.steps[gate + 1]  # a step object the embedder keeps
    assert ex.run_until_checkpoint(wf)["outcome"] == "awaiting_approval"
    wf.steps[gate + 1].params["vm_name"] = "edited"  # changed while paused
    wf.params["note"] = "kept"
    assert ex.resume_after_approval(wf, "lead")["outcome"] == "completed"
    assert ("edited" in [p.get("vm_name") for _, p in calls]), "the run used the edited params"
    assert held is wf.steps[gate + 1] and held.status == "success", "steps keep their objects"
    assert stored(db, wf.id) == upstream_row(wf)
    fresh = WorkflowStore(db).load(wf.id)
    assert fresh.params["note"] == "kept" and fresh == wf


# ── dataclass idioms ──────────────────────────────────────────────────────────────────────

def test_dataclass_idioms(tmp_path):
    wf = _wf()
    wf.params["password"] = "s3cret"
    assert dataclasses.is_dataclass(wf) and dataclasses.is_dataclass(wf.steps[0])
    assert [f.name for f in dataclasses.fields(Workflow)] == [
        "id", "workflow_type", "state", "steps", "params", "created_at", "updated_at", "approved_by",
        "diff_report", "audit_log", "blocked_reason", "rollback_results", "created_by", "authors"]
    d = dataclasses.asdict(wf)
    assert d["steps"][0]["params"] == {"vm_name": "vm-0"} and d["params"]["password"] == "s3cret"
    assert vars(wf.steps[0]) == wf.steps[0].__dict__ and list(vars(wf.steps[0]))[0] == "index"
    assert "_pilot_row" not in vars(wf)
    deep = copy.deepcopy(wf)
    deep.steps[0].params["vm_name"] = "changed"
    deep.params["x"] = 1
    assert wf.steps[0].params["vm_name"] == "vm-0" and "x" not in wf.params, "copies are independent"
    assert pickle.loads(pickle.dumps(wf)) == wf
    assert dataclasses.replace(wf, approved_by="z").approved_by == "z"
    assert wf != deep and wf == copy.deepcopy(wf)
    assert Workflow.__hash__ is None, "mutable dataclasses are unhashable, as upstream's"


def test_copies_save_and_a_stale_copy_is_refused(tmp_path):
    db = tmp_path / "w.db"
    store = WorkflowStore(db)
    store.save(_wf())
    loaded = store.load("wf-e")
    changed = dataclasses.replace(loaded, blocked_reason="by replace()")
    store.save(changed)  # a copy of what this store read: it replaces that row
    assert json.loads(stored(db, "wf-e"))["blocked_reason"] == "by replace()"
    # a pickled copy of an older version carries its revision: refused, nothing lost
    old = pickle.loads(pickle.dumps(loaded))
    old.approved_by = "stale"
    with pytest.raises(Exception) as info:
        WorkflowStore(db).save(old)
    assert getattr(info.value, "code", "") == "conflict"
    assert json.loads(stored(db, "wf-e"))["blocked_reason"] == "by replace()"


@needs_upstream
def test_fields_defaults_repr_and_rows_match_upstream(tmp_path):
    script = textwrap.dedent("""
        import dataclasses, json, sys
        from vmware_pilot.models import Workflow, WorkflowStep, WorkflowState, WorkflowStore
        out = {}
        for cls in (Workflow, WorkflowStep):
            out[cls.__name__] = [
                (f.name, None if f.default is dataclasses.MISSING else repr(f.default),
                 f.default_factory is not dataclasses.MISSING)
                for f in dataclasses.fields(cls)]
        step = WorkflowStep(index=0, action="a", skill="vmware_aiops", tool="vm_power_on", params={"vm": "x"})
        wf = Workflow(id="wf-r", workflow_type="t", state=WorkflowState.PENDING, steps=[step],
                      params={"password": "p", "t": (1, 2)}, created_at="c", updated_at="u", created_by="me")
        out["repr"] = repr(wf)
        store = WorkflowStore(sys.argv[1])
        store.save(wf)
        wf.steps[0].status = "running"; wf.steps[0].params["vm"] = "y"; wf.steps[0].result = {"r": [1.5, None]}
        wf.steps.append(WorkflowStep(index=1, action="b", skill="monitor", tool="get_alarms", params={}))
        wf.audit_log.append({"ts": "t", "action": "x", "detail": "", "extra": 1})
        wf.rollback_results.append({"index": 0, "status": "rolled_back"})
        wf.with_author("bob")
        store.save(wf)
        import sqlite3
        out["row"] = sqlite3.connect(sys.argv[1]).execute("SELECT data FROM workflows").fetchone()[0]
        print(json.dumps(out))
    """)
    res = {}
    for who, py in (("upstream", UPSTREAM_PYTHON), ("ours", os.sys.executable)):
        db = tmp_path / f"{who}.db"
        out = subprocess.run([py, "-c", script, str(db)], capture_output=True, text=True, check=True,
                             env={**os.environ, "VMWARE_PILOT_VERIFY_ROWS": "1"})
        res[who] = json.loads(out.stdout)
    assert res["ours"] == res["upstream"]


# ── store faults, on real files ───────────────────────────────────────────────────────────

def test_a_new_workflow_never_replaces_a_stored_one(tmp_path):
    db = tmp_path / "w.db"
    WorkflowStore(db).save(_wf())
    for store in (WorkflowStore(db), WorkflowStore(db)):
        other = _wf()
        other.params = {"someone": "else"}
        other.created_at = "2026-12-01T10:00:00.5+00:00"
        with pytest.raises(WorkflowExistsError, match="already stored"):
            store.save(other)
        assert json.loads(stored(db, "wf-e"))["params"] == {"custom": True}


def test_creating_through_the_mcp_tools_survives_an_id_collision(tmp_path, monkeypatch):
    from vmware_pilot.mcp_server import _shared

    store = WorkflowStore(tmp_path / "w.db")
    first = _wf("wf-same")
    store.save(first)
    second = _wf("wf-same")
    second.params = {"second": True}
    _shared._save_new(store, second)
    assert second.id != "wf-same" and second.id.startswith("wf-")
    assert WorkflowStore(tmp_path / "w.db").load(second.id).params == {"second": True}
    assert WorkflowStore(tmp_path / "w.db").load("wf-same").params == {"custom": True}


def _lock(db):
    conn = sqlite3.connect(db, timeout=0)
    conn.isolation_level = None
    conn.execute("BEGIN EXCLUSIVE")
    return conn


def test_a_save_refused_by_a_lock_changes_nothing_and_says_so(tmp_path):
    db = tmp_path / "w.db"
    store = WorkflowStore(db, busy_timeout=0.2)
    wf = _wf()
    wf.steps[0].params["password"] = "s3cret"
    ex = WorkflowExecutor(store)
    store.save(wf)
    assert ex.run_until_checkpoint(wf)["outcome"] == "dispatch_required"
    before = stored(db, wf.id)
    snapshot = copy.deepcopy(wf)
    wf.approved_by = "never stored"
    holder = _lock(db)
    try:
        with pytest.raises(ValueError) as info:
            store.save(wf)
    finally:
        holder.rollback()
        holder.close()
    assert info.value.code == "store_locked"
    assert "locked by another process" in str(info.value) and "nothing was changed" in str(info.value)
    assert stored(db, wf.id) == before
    again = store.load(wf.id)
    assert again.approved_by == "" and again == snapshot, "the failed change is not served"
    assert again.steps[0].params["password"] == "s3cret", "the secret this process holds is kept"
    store.save(again)  # and the lock gone, it saves
    assert json.loads(stored(db, wf.id))["steps"][0]["params"]["password"] == "***"


def test_an_approval_whose_save_fails_is_not_served_later(tmp_path):
    db = tmp_path / "w.db"
    store = WorkflowStore(db, busy_timeout=0.2)
    calls = []
    ex = WorkflowExecutor(store, dispatch=lambda *a: calls.append(a) or {"ok": True})
    wf = rolling_restart(["a"])
    store.save(wf)
    assert ex.run_until_checkpoint(wf)["outcome"] == "awaiting_approval"
    n = len(calls)
    holder = _lock(db)
    try:
        with pytest.raises(ValueError, match="locked"):
            ex.resume_after_approval(store.load(wf.id), "lead")
    finally:
        holder.rollback()
        holder.close()
    assert len(calls) == n, "nothing dispatched after the failed save"
    assert store.load(wf.id).state == WorkflowState.AWAITING_APPROVAL
    assert WorkflowStore(db).load(wf.id).state == WorkflowState.AWAITING_APPROVAL
    assert wf.state == WorkflowState.AWAITING_APPROVAL, "the object is as the store has it"


def test_the_live_cache_is_bounded_and_secrets_outlive_eviction(tmp_path):
    store = WorkflowStore(tmp_path / "w.db")
    first = _wf("wf-0")
    first.steps[1].params["password"] = "s3cret"
    store.save(first)
    for i in range(1, store.cache_size + 50):
        store.save(_wf(f"wf-{i}"))
    assert len(store._cache) == store.cache_size
    assert "wf-0" not in store._cache
    back = store.load("wf-0")
    assert back is not first and back.steps[1].params["password"] == "s3cret"
    assert WorkflowStore(tmp_path / "w.db").load("wf-0").steps[1].params["password"] == "***"


def test_an_emptied_database_is_refused_with_a_message(tmp_path):
    db = tmp_path / "w.db"
    WorkflowStore(db).save(_wf())
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        if path.exists() and path != db:
            path.unlink()
    db.write_bytes(b"")
    with pytest.raises(ValueError) as info:
        WorkflowStore(db)
    assert info.value.code == "store_damaged" and "0 bytes" in str(info.value)
    assert db.stat().st_size == 0, "nothing was changed"
    # an empty file with a WAL beside it, and no marker
    db2 = tmp_path / "x.db"
    db2.write_bytes(b"")
    db2.with_name("x.db-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\0" * 60)
    with pytest.raises(ValueError, match="WAL"):
        WorkflowStore(db2)
    # a brand-new empty file is just a new store
    db3 = tmp_path / "new.db"
    db3.write_bytes(b"")
    assert WorkflowStore(db3).list_all() == []


def _mount(path, size):
    path.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if r.returncode:
        pytest.skip(f"cannot mount a small file system here ({r.stderr.decode().strip()})")


def _umount(path):
    subprocess.run(["umount", str(path)], check=False)


FILL = textwrap.dedent("""
    import json, sys
    from vmware_pilot.models import WorkflowStore, Workflow, WorkflowStep, WorkflowState
    from vmware_pilot.executor import WorkflowExecutor
    store = WorkflowStore(sys.argv[1] + "/workflows.db")
    steps = [WorkflowStep(index=i, action="a", skill="aiops", tool="get_vm_info", params={"vm_name": f"vm-{i}"})
             for i in range(600)]
    wf = Workflow(id="wf-full", workflow_type="t", state=WorkflowState.PENDING, steps=steps, params={},
                  created_at="", updated_at="")
    store.save(wf)
    done = []
    def dispatch(s, t, p):
        done.append(p["vm_name"])
        return {"ok": True, "blob": "x" * 3000}
    try:
        outcome = WorkflowExecutor(store, dispatch).run_until_checkpoint(wf)["outcome"]
        error = ""
    except Exception as e:
        outcome, error = "raised", f"{type(e).__name__}: {e}"
    print(json.dumps({"outcome": outcome, "error": error, "dispatched": len(done)}))
""")


@needs_upstream
def test_a_full_disk_costs_no_more_than_upstream_and_a_new_process_resumes(tmp_path):
    results = {}
    for who, py in (("upstream", UPSTREAM_PYTHON), ("ours", os.sys.executable)):
        mnt = tmp_path / who
        _mount(mnt, "2m")
        try:
            out = subprocess.run([py, "-c", FILL, str(mnt)], capture_output=True, text=True, check=True)
            results[who] = json.loads(out.stdout)
            if who == "ours":
                db = mnt / "workflows.db"
                # a new process on the still-full disk reads the workflow
                fresh = WorkflowStore(db).load("wf-full")
                states = [s.status for s in fresh.steps]
                assert states.count("success") >= results[who]["dispatched"] - 1
                # space freed: the new process resumes; the step in doubt is not run again
                subprocess.run(["mount", "-o", "remount,size=8m", str(mnt)], check=True)
                seen = []
                out = WorkflowExecutor(WorkflowStore(db), lambda s, t, p: seen.append(p["vm_name"]) or {"ok": 1}
                                       ).run_until_checkpoint(fresh)
                assert out["outcome"] == "failed" and "interrupted" in [s.status for s in fresh.steps]
                assert not seen, "an interrupted step stops the run; nothing was performed twice"
        finally:
            _umount(mnt)
    ours, up = results["ours"], results["upstream"]
    print(f"full disk (2 MB): upstream dispatched {up['dispatched']}, ours {ours['dispatched']}")
    assert "full" in ours["error"] and "nothing was changed" in ours["error"]
    # the last page on the device goes to the marker that notices an emptied store
    assert ours["dispatched"] >= up["dispatched"] - 1


def test_a_read_only_file_system_is_refused_clearly(tmp_path):
    mnt = tmp_path / "ro"
    _mount(mnt, "4m")
    try:
        db = mnt / "w.db"
        WorkflowStore(db).save(_wf())
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        with pytest.raises(ValueError) as info:
            s = WorkflowStore(db)
            wf = s.load("wf-e")
            wf.approved_by = "x"
            s.save(wf)
        assert info.value.code in ("store_read_only", "store_unavailable"), info.value
        assert "nothing was changed" in str(info.value)
    finally:
        _umount(mnt)
