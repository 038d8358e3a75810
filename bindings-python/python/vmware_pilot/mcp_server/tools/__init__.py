"""Pilot's MCP tools, by concern. Importing a module registers its tools on the shared server."""

from __future__ import annotations

from vmware_pilot.mcp_server.tools import authoring, lifecycle, query

__all__ = ["authoring", "lifecycle", "query"]
