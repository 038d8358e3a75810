"""Read-only tools: review, status, the template list, the skill catalog."""

from __future__ import annotations

from vmware_policy import vmware_tool

from vmware_pilot import _native
from vmware_pilot.mcp_server._catalog import SKILL_CATALOG
from vmware_pilot.mcp_server._shared import _get_store, _safe_error, mcp
from vmware_pilot.review import review as _review_workflow_impl

_READ = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": True}


@mcp.tool(annotations=_READ)
@vmware_tool(risk_level="low")
def review_workflow(workflow_id: str) -> dict:
    """[READ] Check a planned workflow's structure and safety before it runs.

    Structural only — it calls no other skill. It places each step in a risk tier (from
    its entry in get_skill_catalog first, then from name patterns) and reports:
      - delete-then-use: a step deletes X and a later step still uses X;
      - empty or placeholder params (TODO, REVIEW, FIXME);
      - the risk profile: destructive, write, read-only and unclassified steps;
      - approval coverage: every destructive or unclassifiable step needs a
        require_approval gate before it.
    A step that matches neither the catalog nor a pattern is reported
    'ungated_unclassified' rather than assumed safe — Pilot cannot see another skill's
    annotations — and needs a gate like a destructive one; the message says how to fix it
    (add the tool to SKILL_CATALOG with its real risk, or add a gate). Medium-risk writes
    are counted but not gated: several built-ins create in staging before asking.

    Args:
        workflow_id: The workflow's id.

    Returns:
        verdict ("approved" or "needs_revision"); findings [{severity, kind, step_index, message}] — run_workflow refuses on ungated_destructive, ungated_unclassified and destructive_in_parallel_group (force=True overrides that only for a built-in template); summary counts incl. classified_steps and unclassified_steps, parallel_groups and est_duration_min.
    """
    try:
        wf = _get_store().load(workflow_id)
        if not wf:
            return {"error": f"Workflow '{workflow_id}' not found"}
        return _review_workflow_impl(wf)
    except Exception as e:  # noqa: BLE001
        return {
            "error": _safe_error(e, "review_workflow"),
            "hint": f"Reviewing '{workflow_id}' failed. get_workflow_status() shows its raw state.",
        }


@mcp.tool(annotations=_READ)
@vmware_tool(risk_level="low")
def get_workflow_status(workflow_id: str) -> dict:
    """[READ] A workflow's current state, steps, results and audit log.

    Poll it after run_workflow, or read why a workflow stopped: 'not_executed' steps are
    yours to perform (no --dispatch), 'awaiting_approval' means call approve. A snapshot;
    it never advances the workflow.

    Args:
        workflow_id: The workflow's id.

    Returns:
        The whole workflow record: steps with status and result, audit log, rollback results.
    """
    try:
        wf = _get_store().load(workflow_id)
        if not wf:
            return {"error": f"Workflow '{workflow_id}' not found"}
        return wf.to_dict()
    except Exception as e:  # noqa: BLE001
        return {
            "error": _safe_error(e, "get_workflow_status"),
            "hint": "list_workflows() shows the ids of the workflows in flight.",
        }


@mcp.tool(annotations=_READ)
@vmware_tool(risk_level="low")
def list_workflows() -> dict:
    """[READ] The workflow templates (built-in and custom) and the workflows in flight.

    Look here first for a template that already covers the goal and pass its name to
    create_workflow_from_template; when none fits, use create_workflow. Built-ins are
    always there; custom templates are the YAML files in ~/.vmware/workflows/ — drop one
    there to add your own.

    Returns:
        templates (name, type, description; custom ones also file and step count) and active_workflows (ids to pass to get_workflow_status).
    """
    try:
        from vmware_pilot.custom_loader import list_custom_workflows

        builtin = _native.builtin_listing()
        custom = [{**c, "type": "custom"} for c in list_custom_workflows()]
        return {"templates": builtin + custom, "active_workflows": _get_store().list_active()}
    except Exception as e:  # noqa: BLE001
        return {
            "error": _safe_error(e, "list_workflows"),
            "hint": "This is not a malformed custom template: unreadable YAML in ~/.vmware/workflows/ is "
            "skipped silently (which is also why a template you expected can be missing from the list). "
            "The failure comes from the workflow store or the built-in registry; its traceback is in "
            "the MCP server log. Built-in templates still work with create_workflow_from_template.",
        }


@mcp.tool(annotations=_READ)
@vmware_tool(risk_level="low")
def get_skill_catalog() -> dict:
    """[READ] The skills and tools a workflow step can use, with each tool's risk.

    For designing custom workflows: feed the skill and tool names into create_workflow or
    update_draft steps. It is a curated, static catalog — not a live query of each skill —
    so it can lag a skill's real tool list; Pilot cannot call these tools itself, the
    calling agent (or a --dispatch Pilot) does.

    Returns:
        skill name → {description, tools: {tool name: {risk, desc}}}.
    """
    return SKILL_CATALOG
