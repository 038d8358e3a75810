"""The one FastMCP instance every tool registers on, and the tools' shared helpers.

The store and executor are created in ``vmware_pilot.mcp_server.server`` (which tests and
embedders patch); the accessors here look them up there at call time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mcp.server.fastmcp import FastMCP
from vmware_policy import sanitize

from vmware_pilot import __version__, _native
from vmware_pilot.executor import StepEffectUnknownError, WorkflowExecutor
from vmware_pilot.models import WorkflowStore

logger = logging.getLogger(__name__)

#: Errors whose text this package writes itself and lets through to the agent (capped and
#: cleaned). Anything else may carry a driven skill's raw text — a vCenter fault body, a URL
#: with credentials — and is reduced to its class name; the traceback goes to the log.
_TEACHING_ERRORS = (ValueError, StepEffectUnknownError)


def _safe_error(exc: Exception, tool: str) -> str:
    """The error text an agent may see; the full detail is logged on the server only."""
    logger.error("Tool %s failed", tool, exc_info=True)
    if isinstance(exc, _TEACHING_ERRORS):
        return sanitize(str(exc), 500)
    return f"{type(exc).__name__}: operation failed."



mcp = FastMCP(
    "vmware-pilot",
    instructions=(
        "Multi-step VMware operations with saved state and human approval gates "
        "(clone-test-approve-apply, incident response, rolling changes). Create a workflow "
        "with create_workflow_from_template (or create_workflow for your own steps), run it "
        "with run_workflow, continue past a gate with approve, undo with rollback. Nothing is "
        "undone automatically: a failed step stops the workflow, and rollback is an explicit, "
        "best-effort call. Unless this server was started with --dispatch, Pilot executes "
        "nothing itself: you perform each step it returns in pending_dispatch."
    ),
)
# `initialize` names this release (FastMCP would otherwise report the SDK's version)
mcp._mcp_server.version = __version__


def _get_store() -> WorkflowStore:
    from vmware_pilot.mcp_server import server

    return server._get_store()


def _get_executor() -> WorkflowExecutor:
    from vmware_pilot.mcp_server import server

    return server._get_executor()


def _save_new(store: WorkflowStore, wf: Any) -> None:
    """Stores a workflow just created. Ids carry 24 random bits per second, so two creations
    can draw the same one: the store refuses to replace the stored workflow, and the new one
    takes a fresh id instead (it has not been shown to anyone yet)."""
    from vmware_pilot.models import WorkflowExistsError, new_workflow_id

    create = getattr(store, "create", store.save)  # an embedder's stand-in store has only save()
    for _ in range(8):
        try:
            create(wf)
            return
        except WorkflowExistsError:
            wf.id = new_workflow_id()
    create(wf)


#: The longest file name most filesystems take (bytes), ``.yaml`` included.
_NAME_MAX = 255


def _validate_template_name(name: str) -> str | None:
    """Why ``name`` cannot name a saved template (a path trick, a built-in's name, or too long
    for a file name), or None."""
    problem = _native.template_name_problem(name)
    if problem is None and len(f"{name}.yaml".encode("utf-8", "surrogatepass")) > _NAME_MAX:
        problem = (
            f"Invalid workflow name {name[:40]!r}… ({len(name)} characters): too long for a template "
            f"file name ({_NAME_MAX - len('.yaml')} bytes at most). Pick a short name of your own."
        )
    return problem


def _save_as_yaml(name: str, description: str, steps: list[dict[str, Any]], authors: Sequence[str] = ()) -> None:
    """Save steps as a custom template, ``~/.vmware/workflows/<name>.yaml``, for reuse.
    ``authors`` wrote the steps: workflows made from the template carry them."""
    import yaml

    problem = _validate_template_name(name)
    if problem:
        raise ValueError(problem)
    workflows_dir = Path("~/.vmware/workflows").expanduser()
    workflows_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(workflows_dir, 0o700)
    except OSError:
        pass
    spec: dict[str, Any] = {
        "name": name,
        "description": description,
        "steps": [{k: v for k, v in s.items() if v} for s in steps],
    }
    if any(authors):
        spec["authors"] = sorted({a for a in authors if a})
    path = workflows_dir / f"{name}.yaml"
    with open(path, "w", encoding="utf-8") as fh:
        yaml.dump(spec, fh, default_flow_style=False, allow_unicode=True)
    logger.info("Saved custom workflow template: %s", path)
