"""The approval-gate rule for custom workflows: refuse, never just warn.

Every step of a custom workflow that could change the estate — destructive, impossible to
classify, or passing ``confirm=True`` — needs a ``require_approval`` step before it. The
rule is enforced at every door: saving, confirming, planning from YAML and running.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from vmware_pilot import _native
from vmware_pilot.models import Workflow

GATE_FINDING_KINDS = ("ungated_destructive", "ungated_unclassified")
CONFIRM_KIND = "confirm_without_approval"

#: Raised when a custom workflow is built with an ungated step; ``payload`` is the refusal.
ApprovalGateError = _native.ApprovalGateError


@dataclass(frozen=True)
class GateViolation:
    """One step that needs a ``require_approval`` gate before it and has none."""

    step_index: int
    skill: str
    tool: str
    kind: str
    reason: str

    def label(self) -> str:
        return f"step {self.step_index} ({self.skill}.{self.tool}: {self.reason})"


def _astuple(v: GateViolation) -> tuple:
    return (v.step_index, v.skill, v.tool, v.kind, v.reason)


def _truthy(value: Any) -> bool:
    """How a tool reads a flag: a string is true unless it says no."""
    return _native.truthy_flag(value)


def _acts(params: dict[str, Any]) -> bool:
    """True if any decision key tells a gated tool to act rather than preview."""
    return _native.acts(params)


def gate_violations(wf: Workflow) -> tuple[GateViolation, ...]:
    """Every step of ``wf`` that would run with no human gate before it, in step order."""
    return tuple(GateViolation(*v) for v in _native.gate_violations(wf))


def is_custom_workflow(wf: Workflow) -> bool:
    """True unless a vetted built-in template made ``wf`` (fail-closed)."""
    return _native.is_custom(wf)


def gate_step_for(violation: GateViolation) -> dict[str, Any]:
    """The step to insert before ``violation``."""
    return _native.gate_step_for(_astuple(violation))


def refusal(
    workflow_name: str,
    violations: tuple[GateViolation, ...],
    *,
    verb: str,
    source: str = "",
    retry: str = "",
    extra: str = "",
) -> dict[str, Any]:
    """The teaching refusal: which steps, why, and the exact step that fixes it."""
    return _native.gate_refusal(workflow_name, [_astuple(v) for v in violations], verb, source, retry, extra)


def enforce(wf: Workflow, *, verb: str, source: str = "", retry: str = "") -> None:
    """Raise ``ApprovalGateError`` if ``wf`` has a step that needs a gate and has none."""
    violations = gate_violations(wf)
    if violations:
        payload = refusal(wf.workflow_type, violations, verb=verb, source=source, retry=retry)
        err = ApprovalGateError(payload["error"])
        err.payload = payload
        raise err


__all__ = [
    "CONFIRM_KIND", "GATE_FINDING_KINDS", "ApprovalGateError", "GateViolation", "asdict",
    "enforce", "gate_step_for", "gate_violations", "is_custom_workflow", "refusal",
]
