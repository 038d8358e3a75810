"""Workflow records — the state machine's data — and their SQLite store.

``Workflow`` and ``WorkflowStep`` are plain dataclasses with vmware-pilot 2.4's fields, order
and defaults: ``dataclasses.asdict``, ``replace``, ``copy.deepcopy``, ``pickle`` and
``vars()`` work on them as on upstream's. The rules live in the Rust core, which reads these
objects when it needs them and writes a transition's changes back into them.
``WorkflowStore`` keeps them in ``~/.vmware/workflows.db`` in upstream's exact row format
(``vmware_pilot.stores.sqlite``).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from vmware_pilot import _native
from vmware_pilot.renames import current_tool_name

_log = logging.getLogger("vmware-pilot.models")


class WorkflowState(str, Enum):
    DRAFT = "draft"
    PENDING = "pending"
    RUNNING = "running"
    AWAITING_APPROVAL = "awaiting_approval"
    ROLLING_BACK = "rolling_back"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class _Stored:
    """What a store remembers about a record object: the stored row it was read from or
    last wrote (``_pilot_row``), so that a save replaces exactly that row. A slot, not a
    field — it is not part of ``fields()``, ``vars()``, ``==`` or ``repr()`` — that copies
    (``copy``, ``deepcopy``, ``pickle``) carry along, since they derive from the same row."""

    __slots__ = ("_pilot_row",)


def _now() -> str:
    return datetime.now(tz=timezone.utc).isoformat()


@dataclass
class WorkflowStep(_Stored):
    """One step: a skill's tool with its params, or an approval gate
    (``action == "require_approval"``). Tool names of before 2.0 are translated when the
    step is built."""

    index: int
    action: str
    skill: str
    tool: str
    params: dict[str, Any]
    status: str = "pending"
    result: Any = None
    started_at: str = ""
    completed_at: str = ""
    rollback_tool: str = ""
    rollback_params: dict[str, Any] = field(default_factory=dict)
    group_id: str = ""

    def __post_init__(self) -> None:
        self.tool = current_tool_name(self.skill, self.tool)
        self.rollback_tool = current_tool_name(self.skill, self.rollback_tool)


def _creator() -> str:
    """Who is creating a workflow: the network caller (``token:<name>``) or the OS user;
    empty when vmware-policy cannot say."""
    try:
        from vmware_policy.caller import audit_user

        return audit_user()
    except Exception:  # noqa: BLE001 — never block creating a workflow
        return ""


@dataclass
class Workflow(_Stored):
    """A workflow record: its steps, state, params and audit trail."""

    id: str  # noqa: A003 — upstream's field name
    workflow_type: str
    state: WorkflowState
    steps: list[WorkflowStep]
    params: dict[str, Any]
    created_at: str
    updated_at: str
    approved_by: str = ""
    diff_report: dict[str, Any] = field(default_factory=dict)
    audit_log: list[dict[str, Any]] = field(default_factory=list)
    blocked_reason: str = ""
    rollback_results: list[dict[str, Any]] = field(default_factory=list)
    created_by: str = field(default_factory=_creator)
    #: Others who edited or confirmed it as a draft, or wrote its YAML template; for
    #: ``approve: others`` they count as its creators.
    authors: list[str] = field(default_factory=list)

    def with_author(self, who: str) -> None:
        """Adds ``who`` to the authors unless it is empty, the creator, or already there."""
        if who and who != self.created_by and who not in self.authors:
            self.authors = [*self.authors, who]

    def log(self, action: str, detail: str = "") -> None:
        """Appends an audit entry; ``updated_at`` is read from the clock once more after it."""
        self.audit_log.append({"ts": _now(), "action": action, "detail": detail})
        self.updated_at = _now()

    def current_step(self) -> WorkflowStep | None:
        """The first step still ``pending`` or ``running``."""
        return next((s for s in self.steps if s.status in ("pending", "running")), None)

    def completed_steps(self) -> list[WorkflowStep]:
        """The steps that succeeded, approved gates included."""
        return [s for s in self.steps if s.status == "success"]

    def to_dict(self) -> dict[str, Any]:
        """The record as plain data (``asdict``), the state as its value; secrets included."""
        d = dataclasses.asdict(self)
        d["state"] = getattr(self.state, "value", self.state)
        return d


_native.register(Workflow, WorkflowStep, WorkflowState)


def new_workflow_id() -> str:
    """``wf-YYYYMMDD-HHMMSS-xxxxxx``: local time and six random hex digits."""
    return _native.new_workflow_id()


# ── secrets ──────────────────────────────────────────────────────────────────────────────

#: What a redacted secret is stored as.
REDACTED_PLACEHOLDER = "***"

#: upstream's thirteen names; the core's rule masks more spellings (docs/redaction.md)
_SENSITIVE_KEYS = frozenset(_native.UPSTREAM_SENSITIVE_KEYS)


def is_sensitive_key(key: Any) -> bool:
    """True if ``key`` names a value never persisted in clear: upstream's thirteen names and
    the spellings users write for them (``db_password``, ``clientSecret``...; docs/redaction.md)."""
    return _native.is_sensitive_key(key)


def _redact_for_persistence(obj: Any) -> Any:
    """A deep copy of ``obj`` with every sensitive key's value replaced by ``***``."""
    return _native.redact_for_persistence(obj)


def _from_dict(d: dict[str, Any]) -> Workflow:
    """A stored record (decoded) as a ``Workflow``; rows of older releases load too. A damaged
    record raises KeyError, ValueError, TypeError or AttributeError, as upstream does."""
    return _native.from_dict(d)


# the store imports the classes above; it is part of this module's public names
from vmware_pilot.stores.errors import (  # noqa: E402
    WorkflowConflictError,
    WorkflowExistsError,
    WorkflowStoreError,
)
from vmware_pilot.stores.sqlite import _CREATE_TABLE, _DEFAULT_DB, WorkflowStore, _from_json  # noqa: E402

__all__ = [
    "REDACTED_PLACEHOLDER", "Workflow", "WorkflowConflictError", "WorkflowExistsError", "WorkflowState",
    "WorkflowStep", "WorkflowStore", "WorkflowStoreError", "current_tool_name", "is_sensitive_key",
    "new_workflow_id", "_CREATE_TABLE", "_DEFAULT_DB", "_from_dict", "_from_json",
]
