"""A small helper around the official MCP client: start Pilot's server over stdio in a
sandboxed HOME and call tools, decoding each answer's JSON text."""

from __future__ import annotations

import json
import os
import sys
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


@asynccontextmanager
async def pilot_session(home: Path, extra_env: dict[str, str] | None = None, args: list[str] | None = None):
    env = {**os.environ, "HOME": str(home), "OPS_HOME": str(home / ".vmware"), **(extra_env or {})}
    env.pop("VMWARE_PILOT_DISPATCH", None) if not (extra_env or {}).get("VMWARE_PILOT_DISPATCH") else None
    params = StdioServerParameters(
        command=sys.executable, args=args or ["-m", "vmware_pilot.mcp_server"], env=env, cwd=str(home)
    )
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            yield session, init


async def call(session: ClientSession, tool: str, **arguments: Any) -> tuple[bool, Any]:
    """``(isError, decoded answer)``."""
    result = await session.call_tool(tool, arguments)
    text = result.content[0].text if result.content else ""
    try:
        body = json.loads(text)
    except ValueError:
        body = text
    return bool(result.isError), body
