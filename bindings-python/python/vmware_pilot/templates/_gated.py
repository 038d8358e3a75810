"""Companion tools that act only when called with ``confirm=True`` (anything else previews).
Templates send ``confirm: true`` to exactly these, after an approval step. The table ships
with the core (templates/catalog/gated-tools.json)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from vmware_pilot import _native

GATED_TOOLS = MappingProxyType({skill: frozenset(tools) for skill, tools in _native.gated_tools()})

LEGACY_CONFIRM_KEYS = ("confirmed", "dry_run")
_DECISION_KEYS = ("confirm", *LEGACY_CONFIRM_KEYS)


def _skill_key(skill: str) -> str:
    return skill.removeprefix("vmware-")


def is_gated(skill: str, tool: str) -> bool:
    """True when ``skill.tool`` previews unless called with ``confirm=True``."""
    return tool in GATED_TOOLS.get(_skill_key(skill), frozenset())


def confirmed_params(skill: str, tool: str, params: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``params`` that makes a gated tool act; an unchanged copy otherwise."""
    return _native.confirmed_params(skill, tool, params)


def refuse_caller_decision(skill: str, tool: str, params: dict[str, Any], where: str) -> None:
    """Refuse (ValueError) caller params of a gated tool that already decide act or hold."""
    _native.refuse_caller_decision(skill, tool, params, where)
