"""``--dispatch``: Pilot performs its own steps, each in that skill's own MCP server.

Off by default (then every step goes back to the calling agent in ``pending_dispatch``).
On, each step ``(skill, tool, params)`` runs by starting ``vmware-<skill>-mcp`` over
stdio, calling the one tool, and stopping the process — so the call passes through the
skill's own policy, confirmation gate and audit, with the skill's own credentials. stdio
only: a child server has no caller identity, so a network caller's steps are refused.
The rules (which skills, timeouts, how answers become results, what to say) are the
core's; this module starts the processes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import sys
from pathlib import Path
from typing import Any

from vmware_pilot import _native
from vmware_pilot.executor import StepEffectUnknownError

_rules = _native.dispatch

ENV_FLAG = _rules.ENV_FLAG
ENV_TIMEOUT = _rules.ENV_TIMEOUT
DEFAULT_TIMEOUT = _rules.DEFAULT_TIMEOUT


class DispatchRefusedError(ValueError):
    """The step was not started (unknown skill, not installed, a network caller): nothing ran."""


class DispatchConnectionLostError(StepEffectUnknownError):
    """The child went away after the call was sent: whether it took effect is unknown."""


class DispatchTimeoutError(StepEffectUnknownError):
    """The child did not answer in time: whether the tool took effect is unknown."""


def dispatch_requested(flag: bool = False) -> bool:
    """True when ``--dispatch`` was given or ``VMWARE_PILOT_DISPATCH`` is ``stdio``."""
    return flag or os.environ.get(ENV_FLAG, "").strip().lower() == "stdio"


def _interpreter_bin() -> Path:
    """Where console scripts installed beside Pilot's own interpreter live."""
    return Path(sys.executable).parent


def resolve_command(skill: Any) -> str:
    """The ``vmware-<skill>-mcp`` executable for a family skill, or DispatchRefusedError."""
    try:
        name = _rules.executable_for(skill)
    except ValueError as exc:
        raise DispatchRefusedError(str(exc)) from None
    beside = _interpreter_bin() / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    for entry in os.environ.get("PATH", "").split(os.pathsep):
        if not entry or not os.path.isabs(entry):
            continue  # a relative PATH entry would run whatever sits in the current directory
        candidate = Path(entry) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise DispatchRefusedError(_rules.not_installed(name, skill, sys.executable))


def _timeout_from_env() -> float:
    try:
        return _rules.timeout_from(os.environ.get(ENV_TIMEOUT))
    except ValueError as exc:
        raise DispatchRefusedError(str(exc)) from None


def _refuse_network_caller() -> None:
    from vmware_policy.caller import current_caller

    if current_caller() is not None:
        raise DispatchRefusedError(_rules.NETWORK_CALLER_REFUSAL)


class StdioDispatcher:
    """The ``WorkflowExecutor`` dispatch function: one child ``vmware-<skill>-mcp`` per call."""

    def __init__(self, timeout: float | None = None) -> None:
        self._timeout = timeout

    def preflight(self, steps: list[Any]) -> None:
        """Refuse before step 0 when any step's skill cannot be started."""
        _refuse_network_caller()
        problems = []
        for step in steps:
            try:
                resolve_command(step.skill)
            except DispatchRefusedError as exc:
                problems.append(f"step {step.index} ({step.skill}.{step.tool}): {exc}")
        if problems:
            raise DispatchRefusedError(_rules.preflight_refusal(problems))

    def __call__(self, skill: str, tool: str, params: dict[str, Any]) -> Any:
        _refuse_network_caller()
        command = resolve_command(skill)
        timeout = self._timeout if self._timeout is not None else _timeout_from_env()
        # a fresh event loop on a helper thread: this also works when called from inside
        # the MCP server's own running loop
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, _call(command, tool, params, timeout)).result()


def _leaf(exc: BaseException) -> str:
    """The first concrete error inside an exception group, as one short line."""
    while getattr(exc, "exceptions", None):
        exc = exc.exceptions[0]
    return _rules.leaf_cause(type(exc).__name__, str(exc))


def _payload(result: Any) -> Any:
    """A child's ``CallToolResult`` as the tool's own data (what step references read)."""
    texts = [t for t in (getattr(c, "text", None) for c in (result.content or [])) if t]
    return _rules.payload(bool(result.isError), texts, result.structuredContent)


async def _call(command: str, tool: str, params: dict[str, Any], timeout: float) -> Any:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    server = StdioServerParameters(command=command, args=[], env=dict(os.environ), cwd=str(Path.home()))
    name = Path(command).name
    sent = False

    async def run() -> Any:
        nonlocal sent
        async with stdio_client(server) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                sent = True
                return await session.call_tool(tool, params)

    try:
        return _payload(await asyncio.wait_for(run(), timeout))
    except asyncio.TimeoutError:
        raise DispatchTimeoutError(_rules.timeout_message(name, tool, timeout)) from None
    except Exception as exc:  # noqa: BLE001 — transport errors arrive as exception groups
        cause = _leaf(exc)
        if sent:
            raise DispatchConnectionLostError(_rules.connection_lost_message(name, tool, cause)) from None
        raise DispatchRefusedError(_rules.did_not_start_message(name, cause)) from None
