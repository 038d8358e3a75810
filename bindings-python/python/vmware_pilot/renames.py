"""Pre-2.0 companion tool names, translated wherever a step is built or loaded.

The table is vmware-policy's 2.0 rename table, keyed per skill server (``pool_list`` is
AVI's ``list_lb_pools`` and VDI's ``list_desktop_pools``); the core ships the same data.
"""

from __future__ import annotations

import logging

from vmware_pilot import _native

_log = logging.getLogger("vmware-pilot.renames")


def _server(skill: str) -> str:
    """``aiops`` / ``vmware-aiops`` / ``vmware_aiops`` / ``AIops`` → ``vmware-aiops``."""
    bare = skill.strip().lower().replace("_", "-").removeprefix("vmware-")
    return f"vmware-{bare}"


def current_tool_name(skill: str, tool: str) -> str:
    """``tool``'s 2.0 name in ``skill``; unchanged when it was not renamed there."""
    if not isinstance(skill, str) or not isinstance(tool, str) or not tool:
        return tool
    new = _native.current_tool_name(skill, tool)
    if new != tool:
        _log.info("step names %s.%s, renamed in 2.0; running it as %s", skill, tool, new)
    return new
