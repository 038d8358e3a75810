"""``rollback`` and ``cancel_workflow`` preview first: the blast radius says what the call
would undo, leave applied, skip or not touch — and what cannot be measured, which refuses
acting until a human checked (``acknowledge_unknown_effects``)."""

from __future__ import annotations

import logging
from typing import Any

from vmware_pilot import _native
from vmware_pilot.models import Workflow, WorkflowStore

_log = logging.getLogger("vmware-pilot.lifecycle_gate")

CAP = 16

KNOWN_STEP_STATUSES = frozenset(_native.KNOWN_STEP_STATUSES)


def _is_secret_name(key: Any) -> bool:
    return _native.is_secret_name(key)


def _redact_preview(obj: Any) -> Any:
    """``obj`` with every value under a secret-looking key replaced by ``***``."""
    return _native.redact_preview(obj)


def rollback_blast_radius(wf: Workflow, acknowledge_unknown_effects: bool = False) -> dict[str, Any]:
    """What ``rollback`` would undo, leave applied, and not touch."""
    return _native.rollback_blast_radius(wf, acknowledge_unknown_effects)


def cancel_blast_radius(wf: Workflow, acknowledge_unknown_effects: bool = False) -> dict[str, Any]:
    """What ``cancel_workflow`` would leave half-applied and what it would skip."""
    return _native.cancel_blast_radius(wf, acknowledge_unknown_effects)


def load_for_gate(store: WorkflowStore, workflow_id: str, verb: str) -> tuple[Workflow | None, dict[str, Any] | None]:
    """The workflow, or the refusal that says why it cannot be measured: a record that
    exists but cannot be read is unmeasured, not missing."""
    try:
        wf = store.load(workflow_id)
    except Exception as exc:  # noqa: BLE001 — any failure to read means "unreadable"
        _log.error("workflow %s unreadable for %s", workflow_id, verb, exc_info=True)
        return None, _native.unreadable(workflow_id, type(exc).__name__, verb)
    if wf is None:
        return None, {"error": f"Workflow '{workflow_id}' not found"}
    return wf, None


def refusal(verb: str, wf: Workflow, radius: dict[str, Any]) -> dict[str, Any] | None:
    """The refusal for ``confirm=True`` while blockers or unmeasured lines remain, or None."""
    return _native.radius_refusal(verb, wf, radius)
