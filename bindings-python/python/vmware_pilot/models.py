"""Workflow records — the state machine's data — and their SQLite store.

``Workflow`` and ``WorkflowStep`` behave like the dataclasses of vmware-pilot 2.4 (same
fields, order, defaults, ``to_dict()``), but their data lives in the Rust core, which owns
every rule. ``WorkflowStore`` keeps them in ``~/.vmware/workflows.db`` in upstream's exact
row format, redacted, owner-only — and refuses to overwrite a row another process changed
since this copy was read (upstream would silently lose that update).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from contextlib import closing
from enum import Enum
from pathlib import Path
from typing import Any

from vmware_pilot import _native
from vmware_pilot._live import live
from vmware_pilot.renames import current_tool_name  # noqa: F401  (public name upstream)

_log = logging.getLogger("vmware-pilot.models")

_DEFAULT_DB = Path("~/.vmware/workflows.db").expanduser()

#: Raised by ``WorkflowStore.save`` when the stored row changed since this copy was read.
WorkflowConflictError = _native.WorkflowConflictError


class WorkflowState(str, Enum):
    DRAFT = "draft"
    PENDING = "pending"
    RUNNING = "running"
    AWAITING_APPROVAL = "awaiting_approval"
    ROLLING_BACK = "rolling_back"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


_STEP_FIELDS = (
    "index", "action", "skill", "tool", "params", "status", "result", "started_at",
    "completed_at", "rollback_tool", "rollback_params", "group_id",
)
_WORKFLOW_FIELDS = (
    "id", "workflow_type", "state", "steps", "params", "created_at", "updated_at",
    "approved_by", "diff_report", "audit_log", "blocked_reason", "rollback_results",
    "created_by", "authors",
)

_MISSING = object()


def _field_property(name: str) -> property:
    def get(self: Any) -> Any:
        return live(self._get(name), lambda value: self._set(name, value))

    def set_(self: Any, value: Any) -> None:
        self._set(name, value)

    return property(get, set_, doc=f"The record's {name!r} field.")


class WorkflowStep(_native.StepCore):
    """One step: a skill's tool with its params, or an approval gate
    (``action == "require_approval"``). Tool names of before 2.0 are translated."""

    __hash__ = None  # type: ignore[assignment]  (mutable, compared by value)

    def __init__(
        self,
        index: int,
        action: str,
        skill: str,
        tool: str,
        params: dict[str, Any],
        status: Any = "pending",
        result: Any = None,
        started_at: str = "",
        completed_at: str = "",
        rollback_tool: str = "",
        rollback_params: dict[str, Any] | None = None,
        group_id: str = "",
    ) -> None:
        self._init(
            index, action, skill, tool, params, status, result, started_at, completed_at,
            rollback_tool, {} if rollback_params is None else rollback_params, group_id,
        )

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in _STEP_FIELDS)
        return f"WorkflowStep({fields})"


for _name in _STEP_FIELDS:
    setattr(WorkflowStep, _name, _field_property(_name))


def _creator() -> str:
    """Who is creating a workflow: the network caller (``token:<name>``) or the OS user;
    empty when vmware-policy cannot say."""
    try:
        from vmware_policy.caller import audit_user

        return audit_user()
    except Exception:  # noqa: BLE001 — never block creating a workflow
        return ""


class Workflow(_native.WorkflowCore):
    """A workflow record: its steps, state, params and audit trail."""

    __hash__ = None  # type: ignore[assignment]

    def __init__(
        self,
        id: str,  # noqa: A002 — upstream's field name
        workflow_type: str,
        state: WorkflowState,
        steps: list[WorkflowStep],
        params: dict[str, Any],
        created_at: str,
        updated_at: str,
        approved_by: str = "",
        diff_report: dict[str, Any] | None = None,
        audit_log: list[dict[str, Any]] | None = None,
        blocked_reason: str = "",
        rollback_results: list[dict[str, Any]] | None = None,
        created_by: Any = _MISSING,
        authors: list[str] | None = None,
    ) -> None:
        self._set("id", id)
        self._set("workflow_type", workflow_type)
        self._set("state", state)
        self._set_steps(steps)
        self._set("params", params)
        self._set("created_at", created_at)
        self._set("updated_at", updated_at)
        self._set("approved_by", approved_by)
        self._set("diff_report", {} if diff_report is None else diff_report)
        self._set("audit_log", [] if audit_log is None else audit_log)
        self._set("blocked_reason", blocked_reason)
        self._set("rollback_results", [] if rollback_results is None else rollback_results)
        self._set("created_by", _creator() if created_by is _MISSING else created_by)
        self._set("authors", [] if authors is None else list(authors))

    @property
    def steps(self) -> list[WorkflowStep]:
        """The steps; each reads and writes this workflow's record."""
        return live(self._steps(), self._set_steps)

    @steps.setter
    def steps(self, value: list[WorkflowStep]) -> None:
        self._set_steps(value)

    def current_step(self) -> WorkflowStep | None:
        for step in self.steps:
            if step.status in ("pending", "running"):
                return step
        return None

    def completed_steps(self) -> list[WorkflowStep]:
        return [s for s in self.steps if s.status == "success"]

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in _WORKFLOW_FIELDS)
        return f"Workflow({fields})"


for _name in _WORKFLOW_FIELDS:
    if _name != "steps":
        setattr(Workflow, _name, _field_property(_name))

_native.register(Workflow, WorkflowStep, WorkflowState)


def new_workflow_id() -> str:
    """``wf-YYYYMMDD-HHMMSS-xxxxxx``: local time and six random hex digits."""
    return _native.new_workflow_id()


# ── secrets ──────────────────────────────────────────────────────────────────────────────

#: What a redacted secret is stored as.
REDACTED_PLACEHOLDER = "***"

_SENSITIVE_KEYS = frozenset({
    "password", "passwd", "pwd", "token", "secret", "api_key", "apikey", "authorization",
    "bearer", "private_key", "credential", "credentials", "kubeconfig",
})


def is_sensitive_key(key: Any) -> bool:
    """True if ``key`` names a value never persisted in clear (exact, case-insensitive)."""
    return _native.is_sensitive_key(key)


def _redact_for_persistence(obj: Any) -> Any:
    """A deep copy of ``obj`` with every sensitive key's value replaced by ``***``."""
    return _native.redact_for_persistence(obj)


# ── SQLite persistence ───────────────────────────────────────────────────────────────────

_CREATE_TABLE = """\
CREATE TABLE IF NOT EXISTS workflows (
    id         TEXT PRIMARY KEY,
    type       TEXT NOT NULL,
    state      TEXT NOT NULL,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
"""


class WorkflowStore:
    """Workflows in SQLite (``~/.vmware/workflows.db`` by default), one row each.

    Rows are upstream's: ``data`` is the redacted record as ``json.dumps`` writes it. Within
    a process, ``load`` returns the live object last saved (secrets intact) as long as the
    row is still the one it saved; a row another process changed is read again, keeping the
    secrets this process holds. ``save`` replaces only the row this copy was read from, so
    two processes sharing the database can never both act on one stale copy.
    """

    def __init__(self, db_path: Path | str | None = None) -> None:
        self._path = Path(db_path).expanduser() if db_path else _DEFAULT_DB
        self._path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._cache: dict[str, Workflow] = {}
        self._local = threading.local()
        with closing(self._connect()) as conn:
            conn.execute(_CREATE_TABLE)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.commit()
        self._harden_permissions()

    def _harden_permissions(self) -> None:
        """Owner-only: the directory 0700, the database and its WAL/SHM files 0600."""
        try:
            os.chmod(self._path.parent, 0o700)
        except OSError:
            pass
        for suffix in ("", "-wal", "-shm"):
            candidate = self._path.with_name(self._path.name + suffix)
            try:
                if candidate.exists():
                    os.chmod(candidate, 0o600)
            except OSError:
                pass

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(str(self._path), timeout=5)

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection, kept open: a workflow run saves at every step."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def save(self, wf: Workflow) -> None:
        row = wf._db_row()
        data, wf_id = row[2], row[5]
        previous = wf._get_last_data()
        conn = self._conn()
        with conn:
            if previous is None:
                conn.execute(
                    "INSERT OR REPLACE INTO workflows (type, state, data, created_at, updated_at, id) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    row,
                )
            else:
                cur = conn.execute(
                    "UPDATE workflows SET type = ?, state = ?, data = ?, created_at = ?, updated_at = ? "
                    "WHERE id = ? AND data = ?",
                    (*row, previous),
                )
                if cur.rowcount == 0:
                    exists = conn.execute("SELECT 1 FROM workflows WHERE id = ?", (wf_id,)).fetchone()
                    if exists:
                        self._cache.pop(wf_id, None)
                        raise WorkflowConflictError(
                            f"Workflow '{wf_id}' changed in the store since this copy was read "
                            "(another Pilot process saved it); nothing was written and nothing "
                            f"was dispatched. Read it again — get_workflow_status('{wf_id}') "
                            "shows its current state — and repeat the call if it still makes sense."
                        )
                    conn.execute(
                        "INSERT INTO workflows (type, state, data, created_at, updated_at, id) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        row,
                    )
        wf._set_last_data(data)
        self._cache[wf_id] = wf

    def load(self, workflow_id: str) -> Workflow | None:
        row = self._conn().execute("SELECT data FROM workflows WHERE id = ?", (workflow_id,)).fetchone()
        cached = self._cache.get(workflow_id)
        if not row:
            return None
        data = row[0]
        if cached is not None and cached._get_last_data() == data:
            return cached
        fresh = _from_json(data)
        if fresh.id != workflow_id:
            # a damaged or hand-edited row: acting on it would save under the other id
            raise ValueError(
                f"Workflow '{workflow_id}' is unreadable: its stored record names the id "
                f"{str(fresh.id)[:80]!r}. Nothing was changed; the row needs repair by hand."
            )
        if cached is not None:
            _native.restore_secrets(fresh, cached)
            self._cache[workflow_id] = fresh
        return fresh

    def list_active(self) -> list[dict[str, Any]]:
        rows = self._conn().execute(
            "SELECT id, type, state, created_at, updated_at FROM workflows "
            "WHERE state NOT IN ('completed', 'failed', 'cancelled') ORDER BY created_at DESC"
        ).fetchall()
        return [
            {"id": r[0], "type": r[1], "state": r[2], "created_at": r[3], "updated_at": r[4]}
            for r in rows
        ]

    def list_all(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = self._conn().execute(
            "SELECT id, type, state, created_at, updated_at FROM workflows "
            "ORDER BY created_at DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [
            {"id": r[0], "type": r[1], "state": r[2], "created_at": r[3], "updated_at": r[4]}
            for r in rows
        ]

    def delete(self, workflow_id: str) -> None:
        self._cache.pop(workflow_id, None)
        conn = self._conn()
        with conn:
            conn.execute("DELETE FROM workflows WHERE id = ?", (workflow_id,))


def _from_json(data: str) -> Workflow:
    try:
        return _native.from_json(data)
    except json.JSONDecodeError:
        # rows written by Python may hold NaN/Infinity, which only Python's parser reads
        return _from_dict(json.loads(data))


def _from_dict(d: dict[str, Any]) -> Workflow:
    """A stored record (decoded) as a ``Workflow``; rows of older releases load too. A damaged
    record raises KeyError, ValueError, TypeError or AttributeError, as upstream does."""
    return _native.from_dict(d)
