"""The core's record-in/record-out API — ours, not part of vmware-pilot 2.4.0.

The same operations and shapes as the npm package's pure functions: a record (a dict) goes
in, ``{"record", "checkpoint", "response"}`` comes out (``response`` being exactly the answer
vmware-pilot gives), and refusals raise :class:`PilotError` with a stable ``code``. For hosts
that keep records in their own store, and for replaying scenarios deterministically: ``env``
fixes the clock, the entropy of new ids and the caller (``{"caller", "now_micros",
"utc_offset_seconds", "entropy"}``, each optional; missing ones come from this machine).

``mode`` is ``"agent"`` (steps handed out in ``pending_dispatch``), ``"host"`` (one step
per ``dispatch`` checkpoint; the host reports each result) or ``"host_parallel"``. In host
mode a repeated run returns the steps still outstanding unchanged; ``recovering=True`` says
the process starts over after a crash, and a run then marks them ``interrupted``.
An outcome to ``report`` is ``{"returned": value}``, ``{"raised": message}``,
``{"unknown": message, "payload": ...}`` or ``{"tool_result": {"isError", "content",
"structuredContent"}}``.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import vmware_pilot.models  # noqa: F401  (registers the step class a preflight receives)
from vmware_pilot._native import records_api as _api

PilotError = _api.PilotError

Record = dict
Env = Optional[dict]


def _call(op: str, preflight: Optional[Callable[[list], Any]] = None, **args: Any) -> Any:
    return _api.call(op, {k: v for k, v in args.items() if v is not None}, preflight)


def run(record: Record, *, mode: str = "agent", env: Env = None, preflight=None, recovering: bool = False) -> dict:
    """Runs to the next checkpoint. ``preflight(steps)`` may raise ValueError to refuse."""
    return _call("run", preflight, record=record, mode=mode, env=env, recovering=recovering)


def report(record: Record, index: int, outcome: dict, *, mode: str = "host", env: Env = None) -> dict:
    """Records the outcome of the dispatched step ``index`` and runs on."""
    return _call("report", record=record, index=index, outcome=outcome, mode=mode, env=env)


def approve(
    record: Record,
    approver: str,
    *,
    acknowledge_not_executed: bool = False,
    approve_mode: Optional[str] = None,
    hold: bool = False,
    mode: str = "agent",
    env: Env = None,
    preflight=None,
) -> dict:
    """Approves the pending gate. ``approve_mode`` ("others", "any", "none") applies
    separation of duties to ``approver``; ``hold`` records the approval and stops."""
    return _call(
        "approve",
        preflight,
        record=record,
        approver=approver,
        acknowledge_not_executed=acknowledge_not_executed,
        approve_mode=approve_mode,
        hold=hold,
        mode=mode,
        env=env,
    )


def rollback(record: Record, *, mode: str = "agent", env: Env = None) -> dict:
    return _call("rollback", record=record, mode=mode, env=env)


def cancel(record: Record, reason: str = "", *, env: Env = None) -> dict:
    return _call("cancel", record=record, reason=reason, env=env)


def create_workflow(name: str, description: str, steps: list, *, env: Env = None) -> Record:
    """A custom workflow; refused (``approval_gate``) when a step needs a gate before it."""
    return _call("create_workflow", name=name, description=description, steps=steps, env=env)


def create_from_template(name: str, args: Optional[dict] = None, *, custom_templates=None, env: Env = None) -> Record:
    """``custom_templates``: ``[{"document": yaml_text_or_dict, "file_name": ...}]``."""
    return _call("create_from_template", name=name, args=args or {}, custom_templates=custom_templates, env=env)


def design_draft(goal: str, constraints: str = "", *, env: Env = None) -> Record:
    return _call("design_draft", goal=goal, constraints=constraints, env=env)


def update_draft(record: Record, *, name: str = "", description: str = "", steps=None, env: Env = None) -> Record:
    return _call("update_draft", record=record, name=name, description=description, steps=steps, env=env)


def confirm_draft(record: Record, *, env: Env = None) -> Record:
    return _call("confirm_draft", record=record, env=env)


def load_record(record: dict) -> Record:
    """Validates a record (older rows upgraded, pre-2.0 tool names translated)."""
    return _call("load_record", record=record)


def stored_text(record: Record) -> str:
    """The exact text vmware-pilot 2.4.0 stores for this record (redacted)."""
    return _call("stored_text", record=record)


def from_stored_text(text: str) -> Record:
    return _call("from_stored_text", text=text)


def redacted(record: Record) -> Record:
    return _call("redacted", record=record)


def review(record: Record) -> dict:
    return _call("review", record=record)


def templates(custom_templates=None) -> list:
    """``[{name, description, custom, signature, schema}]``, built-ins first."""
    return _call("templates", custom_templates=custom_templates)
