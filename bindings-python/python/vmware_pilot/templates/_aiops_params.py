"""Template inputs mapped onto what vmware-aiops tools accept, refused at planning time
(before any clone exists) when the tool would refuse them at dispatch."""

from __future__ import annotations

from typing import Any

from vmware_pilot import _native

RECONFIGURE_KEYS = frozenset({"cpu", "memory_mb", "memory_gb"})
GUEST_EXEC_KEYS = frozenset({"command", "username", "arguments", "password", "working_directory"})


def require_guest_username(username: Any, where: str) -> str:
    """``username``, or ValueError: there is no default guest account."""
    return _native.require_guest_username(username, where)


def plan_change(change_spec: Any) -> tuple[str, dict[str, Any]]:
    """``(aiops_tool, params)`` for a clone_and_test change_spec, or ValueError."""
    change = _native.aiops_change(change_spec)
    return change["tool"], change["params"]
