"""Pilot's MCP server: 13 tools over the workflow store.

The tools live in ``vmware_pilot.mcp_server.tools`` and register on import; this module
holds the store and executor (created on first use — tests and embedders may replace
``_store`` / ``_executor``), re-exports the tools, and starts the server.

Pilot registers no vmware-policy environment resolver, on purpose: the resolver slot is
shared by every skill in a process, Pilot has no targets of its own to describe, and
claiming one for someone else's target would make their environment-scoped deny rules stop
matching.
"""

from __future__ import annotations

import logging
import os
from typing import Optional

from vmware_policy import describe_tool_parameters

from vmware_pilot.executor import WorkflowExecutor
from vmware_pilot.mcp_server._catalog import SKILL_CATALOG
from vmware_pilot.mcp_server._shared import _save_as_yaml, _validate_template_name, mcp
from vmware_pilot.models import WorkflowStore

logger = logging.getLogger(__name__)

_store: WorkflowStore | None = None
_executor: WorkflowExecutor | None = None
#: Set by ``main(dispatch=True)``; ``VMWARE_PILOT_DISPATCH=stdio`` does the same.
_dispatch_enabled = False


def _get_store() -> WorkflowStore:
    global _store
    if _store is None:
        _store = WorkflowStore()
    return _store


def _get_executor() -> WorkflowExecutor:
    global _executor
    if _executor is None:
        from vmware_pilot.dispatcher import StdioDispatcher, dispatch_requested

        dispatch = StdioDispatcher() if dispatch_requested(_dispatch_enabled) else None
        _executor = WorkflowExecutor(_get_store(), dispatch=dispatch)
    return _executor


from vmware_pilot.mcp_server.tools.authoring import (  # noqa: E402
    confirm_draft,
    create_workflow,
    design_workflow,
    update_draft,
)
from vmware_pilot.mcp_server.tools.lifecycle import (  # noqa: E402
    approve,
    cancel_workflow,
    create_workflow_from_template,
    rollback,
    run_workflow,
)
from vmware_pilot.mcp_server.tools.query import (  # noqa: E402
    get_skill_catalog,
    get_workflow_status,
    list_workflows,
    review_workflow,
)

__all__ = [
    "mcp", "main", "SKILL_CATALOG", "_get_store", "_get_executor", "_validate_template_name",
    "_save_as_yaml", "create_workflow_from_template", "run_workflow", "approve", "rollback",
    "cancel_workflow", "review_workflow", "get_workflow_status", "list_workflows",
    "get_skill_catalog", "create_workflow", "design_workflow", "update_draft", "confirm_draft",
]


def main(
    expose: Optional[str] = None,
    allow_write: Optional[str] = None,
    transport: Optional[str] = None,
    host: Optional[str] = None,
    port: Optional[int] = None,
    cert: Optional[str] = None,
    key: Optional[str] = None,
    public_name: Optional[str] = None,
    token_file: Optional[str] = None,
    dispatch: bool = False,
) -> None:
    """Serve Pilot over MCP (stdio unless ``transport`` says otherwise). ``dispatch``: Pilot
    performs each step in that skill's own MCP server — over stdio only."""
    global _dispatch_enabled
    logging.basicConfig(level=logging.INFO)
    from vmware_pilot.dispatcher import ENV_FLAG, DispatchRefusedError, _timeout_from_env, dispatch_requested

    raw = os.environ.get(ENV_FLAG, "").strip()
    if raw and raw.lower() != "stdio":
        raise SystemExit(
            f"vmware-pilot MCP server not started: {ENV_FLAG}={raw!r} is not understood. Set it to "
            "'stdio' to have Pilot run the steps, or unset it."
        )
    if dispatch_requested(dispatch):
        try:
            _timeout_from_env()
        except DispatchRefusedError as exc:
            raise SystemExit(f"vmware-pilot MCP server not started: {exc}") from None
        if transport not in (None, "", "stdio"):
            raise SystemExit(
                f"vmware-pilot MCP server not started: --dispatch (or {ENV_FLAG}) works only over "
                f"stdio, not --transport {transport}. Over a network the skills' servers Pilot starts "
                "would act with no caller identity, so roles could not apply. Serve Pilot over stdio "
                "with --dispatch, or drop --dispatch for the network endpoint (callers then perform "
                "the steps from pending_dispatch)."
            )
        _dispatch_enabled = True
        logger.info("vmware-pilot: dispatch on — steps run in each skill's own MCP server")
    from vmware_policy.serve import run_server

    run_server(
        mcp, skill="pilot", expose=expose, allow_write=allow_write, transport=transport, host=host,
        port=port, cert=cert, key=key, public_name=public_name, token_file=token_file,
    )


# The docstrings' Args become each parameter's schema description; the object is closed.
_DESCRIBED_PARAMS = describe_tool_parameters(mcp._tool_manager._tools)

# Role metadata for network callers.
import vmware_pilot.policy_roles  # noqa: E402,F401
