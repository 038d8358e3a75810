"""tests/storage/conformance.json against the SQLite store (``WorkflowStore``): a handle is
its own ``WorkflowStore`` over the same file (its own process, in effect), so a stale copy
meets the revision check exactly as a second Pilot process would."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from vmware_pilot import core
from vmware_pilot.models import WorkflowConflictError, WorkflowStore, _from_dict

ROOT = Path(__file__).resolve().parents[2]
CASES = json.loads((ROOT / "tests/storage/conformance.json").read_text())["cases"]
ROWS = json.loads((ROOT / "tests/fixtures/upstream-rows.json").read_text())


def _matches(want, got) -> bool:
    if isinstance(want, dict):
        return isinstance(got, dict) and all(k in got and _matches(v, got[k]) for k, v in want.items())
    return want == got


class Run:
    def __init__(self, db: Path) -> None:
        self.db = db
        self.store = WorkflowStore(db)
        self.ids: dict[str, str] = {}
        self.handles: dict[str, tuple[WorkflowStore, object]] = {}
        self.entropy = 0

    def id(self, name: str) -> str:
        return self.ids.get(name, name)

    def fresh(self) -> WorkflowStore:
        return WorkflowStore(self.db)

    def raw(self, wf_id: str):
        with sqlite3.connect(self.db) as conn:
            row = conn.execute("SELECT data FROM workflows WHERE id = ?", (wf_id,)).fetchone()
        return row[0] if row else None

    def op(self, op: dict) -> None:
        kind = op["op"]
        if kind == "create":
            self.entropy += 1
            env = {"now_micros": 1_795_305_600_000_000, "entropy": self.entropy, "caller": "tester"}
            record = core.create_from_template(op["template"], op.get("args", {}), env=env)
            for key in ("created_at", "state"):
                if key in op:
                    record[key] = op[key]
            self.store.save(_from_dict(record))
            self.ids[op["as"]] = record["id"]
        elif kind == "open":
            store = self.fresh()
            self.handles[op["handle"]] = (store, store.load(self.id(op["id"])))
        elif kind == "write":
            store, wf = self.handles[op["handle"]]
            wf.blocked_reason = op["blocked_reason"]
            if op["expect"] == "ok":
                store.save(wf)
            else:
                with pytest.raises(WorkflowConflictError):
                    store.save(wf)
        elif kind == "load":
            wf = self.fresh().load(self.id(op["id"]))
            if op["expect"] is None:
                assert wf is None
            else:
                assert wf is not None and _matches(op["expect"], wf.to_dict()), op
        elif kind == "list":
            rows = self.store.list_active() if op.get("active") else self.store.list_all(limit=1000)
            assert [r["id"] for r in rows] == [self.id(n) for n in op["expect"]]
        elif kind == "list_row":
            row = next(r for r in self.store.list_all(limit=1000) if r["id"] == self.id(op["id"]))
            assert _matches(op["expect"], row), row
        elif kind == "delete":
            # upstream's delete returns nothing: whether it existed is read first
            wf_id = self.id(op["id"])
            existed = self.raw(wf_id) is not None
            self.store.delete(wf_id)
            assert existed == op["expect"] and self.raw(wf_id) is None
        elif kind == "load_unknown":
            assert self.fresh().load("wf-20990101-000000-ffffff") is None
        elif kind == "stored_text_lacks":
            assert op["text"] not in self.raw(self.id(op["id"]))
        elif kind == "load_fresh":
            wf = self.fresh().load(self.id(op["id"]))
            p = op["expect_param"]
            assert wf.steps[p["step"]].params[p["key"]] == p["value"]
        elif kind == "upstream_rows":
            for row in ROWS:
                d = json.loads(row)
                with sqlite3.connect(self.db) as conn:
                    conn.execute(
                        "INSERT OR REPLACE INTO workflows (id, type, state, data, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (d["id"], d["workflow_type"], d["state"], row, d["created_at"], d["updated_at"]),
                    )
                store = self.fresh()
                wf = store.load(d["id"])
                store.save(wf)  # unchanged: the same bytes go back
                assert self.raw(d["id"]) == row
        else:
            raise ValueError(f"unknown op {kind}")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_sqlite_store_conforms(case, tmp_path):
    run = Run(tmp_path / "workflows.db")
    for op in case["ops"]:
        run.op(op)
