"""Structural review of a planned workflow: every step placed in a risk tier, findings for
what could go wrong, and a verdict. A step nobody can classify is gated like a risky one:
absence of evidence is not safety. The rules are the core's."""

from __future__ import annotations

from typing import Any

from vmware_pilot import _native
from vmware_pilot.mcp_server._catalog import SKILL_CATALOG
from vmware_pilot.models import Workflow

_SHIPPED_CATALOG = SKILL_CATALOG

TIER_DESTRUCTIVE = "destructive"
TIER_WRITE = "write"
TIER_READ = "read"
TIER_UNKNOWN = "unknown"

_GATED_TIERS = (TIER_DESTRUCTIVE, TIER_UNKNOWN)

_DESTRUCTIVE_HINTS = ("delete", "remove", "destroy", "force_power_off", "shutdown", "drop", "rollback")
_READONLY_HINTS = ("list", "get", "show", "browse", "scan", "status", "health", "fetch", "describe", "inspect")
_ID_FRAGMENTS = ("name", "id", "vm", "segment", "rule", "policy")
_RISK_TO_TIER = {"high": TIER_DESTRUCTIVE, "critical": TIER_DESTRUCTIVE, "medium": TIER_WRITE, "low": TIER_READ}


def _catalog_risk(skill: str, tool: str) -> str:
    """The catalog's risk label for ``skill.tool`` (or the tool's highest anywhere), or ""."""
    override = _catalog_override()
    if override is not None:
        return _native.catalog_risk_in(override, skill, tool)
    return _native.catalog_risk(skill, tool)


def _catalog_override() -> dict | None:
    # an embedder (or a test) may put its own catalog in this module's SKILL_CATALOG
    return None if SKILL_CATALOG is _SHIPPED_CATALOG else SKILL_CATALOG


def classify_step(skill: str, tool: str, action: str = "") -> tuple[str, str]:
    """``(tier, reason)`` for one step."""
    return _native.classify_step(skill, tool, action, _catalog_override())


def review(wf: Workflow) -> dict[str, Any]:
    """Findings, verdict and summary for ``wf`` (pure)."""
    return _native.review_workflow(wf)
