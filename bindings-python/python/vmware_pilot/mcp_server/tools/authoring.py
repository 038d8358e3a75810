"""Authoring tools: a workflow from your own steps, and the draft flow (design, edit, confirm)."""

from __future__ import annotations

import logging
from typing import Any, Optional

from vmware_policy import vmware_tool

from vmware_pilot import _native
from vmware_pilot.approval_gate import ApprovalGateError
from vmware_pilot.mcp_server._catalog import SKILL_CATALOG  # noqa: F401  (public name upstream)
from vmware_pilot.mcp_server._shared import _get_store, _safe_error, _save_new, _save_as_yaml, _validate_template_name, mcp

logger = logging.getLogger(__name__)
_svc = _native.service

_WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False, "openWorldHint": True}


def _current_user() -> str:
    """Who is acting: the network caller (``token:<name>``) or the OS user."""
    from vmware_pilot.models import _creator

    return _creator()


@mcp.tool(annotations=_WRITE)
@vmware_tool(risk_level="medium")
def create_workflow(
    name: str,
    description: str,
    steps: list[dict[str, Any]],
    save_as_template: bool = False,
) -> dict:
    """[WRITE] Save a custom workflow made of your own steps, ready for run_workflow.

    For when no template fits: prefer create_workflow_from_template when one does, and
    design_workflow when the user gave a goal rather than steps. get_skill_catalog lists
    the skills and tools a step may name.

    A step is {action, skill, tool, params}, optionally with rollback_tool and
    rollback_params; action "require_approval" (skill "pilot", tool "approve") is a human
    approval gate. Every destructive or unclassifiable step, and every step passing
    confirm=True, must have such a gate before it: otherwise nothing is saved and the
    answer names the step and the gate to insert.

    Args:
        name: The workflow's name (its workflow_type).
        description: What the workflow does, for people.
        steps: The steps in order; each a dict with action, skill, tool and params.
        save_as_template: True also saves the steps as ~/.vmware/workflows/<name>.yaml for reuse (refused for a built-in template's name).

    Returns:
        The new workflow's id and steps. Review it with review_workflow, then run_workflow;
        nothing is undone on failure unless you call rollback.
    """
    try:
        if save_as_template:
            problem = _validate_template_name(name)
            if problem:
                return {
                    "error": problem,
                    "hint": "Pick a plain name of your own, such as 'restart_db_replica' — not the name "
                    "of a built-in template (list_workflows shows them).",
                }
        try:
            wf = _svc.create_custom(name, description, steps, _current_user())
        except ApprovalGateError as refusal:
            return refusal.payload
        store = _get_store()
        _save_new(store, wf)
        if save_as_template:
            try:
                _save_as_yaml(name, description, steps, [wf.created_by])
            except Exception:
                # the answer is an error: the workflow it would have named must not stay behind
                store.delete(wf.id)
                raise
        return _svc.custom_created(wf, save_as_template)
    except Exception as e:  # noqa: BLE001
        return {
            "error": _safe_error(e, "create_workflow"),
            "hint": "Each step needs action, skill, tool and params. get_skill_catalog shows the skills "
            "and tools Pilot can drive; correct the steps and call create_workflow again.",
        }


@mcp.tool(annotations=_WRITE)
@vmware_tool(risk_level="low")
def design_workflow(goal: str, constraints: str = "") -> dict:
    """[WRITE] Start a draft workflow for a goal the user described in words.

    Pilot records the goal and returns a DRAFT with no steps: you design the steps. The
    flow is design_workflow → update_draft (add steps; edit them as the user reviews) →
    confirm_draft (the draft becomes PENDING) → run_workflow. get_skill_catalog lists the
    tools a step may use.

    Args:
        goal: What the user wants done, in their words.
        constraints: Conditions the plan must respect, e.g. "approve before anything destructive" or "target is vcenter-prod".

    Returns:
        The draft's id (state draft), the goal, the skills available, and what to do next.
    """
    wf = _svc.design(goal, constraints, _current_user())
    _save_new(_get_store(), wf)
    return _svc.design_response(wf)


@mcp.tool(annotations=_WRITE)
@vmware_tool(risk_level="medium")
def update_draft(
    workflow_id: str,
    name: str = "",
    description: str = "",
    steps: Optional[list[dict[str, Any]]] = None,  # noqa: UP045 — the reflected schema needs Optional
) -> dict:
    """[WRITE] Edit a DRAFT workflow: its name, its description, or all its steps.

    Use it after design_workflow to add the steps, and again as the user asks for
    changes. Only drafts can be edited: once confirm_draft has run the steps are frozen —
    create a new workflow instead.

    A step is {action, skill, tool, params, rollback_tool?, rollback_params?}; use action
    "require_approval" for a gate. A draft may be saved without its gates while it is being
    designed: the answer lists every step still lacking one, and confirm_draft refuses until
    none is left.

    Args:
        workflow_id: The draft's id.
        name: A new name for the draft (its workflow_type); empty keeps it.
        description: A new description; empty keeps it.
        steps: The full new list of steps, replacing all of them; omit to keep them.

    Returns:
        The draft's steps, the approval-gate violations still to fix, and what to do next.
    """
    try:
        return _native.ops.update_draft(_get_store(), workflow_id, name, description, steps, _current_user())
    except _native.records_api.PilotError as refusal:
        return refusal.details


@mcp.tool(annotations=_WRITE)
@vmware_tool(risk_level="medium")
def confirm_draft(workflow_id: str, save_as_template: bool = False) -> dict:
    """[WRITE] Confirm a DRAFT workflow: it becomes PENDING and can be run.

    Call it once the user approved the draft's steps (update_draft if anything still has to
    change). Refused — the draft stays a draft, nothing is saved — while any destructive or
    unclassifiable step, or any step passing confirm=True, has no require_approval gate
    before it.

    Args:
        workflow_id: The draft's id.
        save_as_template: True also saves the steps as a template in ~/.vmware/workflows/ (refused for a built-in template's name).

    Returns:
        The confirmed workflow's summary; run it with run_workflow.
    """
    try:
        store = _get_store()
        wf = store.load(workflow_id)
        refusal = _svc.draft_refusal(workflow_id, wf)
        if refusal is not None:
            return refusal
        will_save = save_as_template and wf.workflow_type != "custom_draft"
        if wf.steps and will_save and not _native.gate_violations(wf):
            problem = _validate_template_name(wf.workflow_type)
            if problem:
                return {"error": problem, "hint": "Rename the draft with update_draft(name=...) first."}
        refusal = _svc.confirm_draft(wf, _current_user())
        if refusal is not None:
            return refusal
        store.save(wf)
        if will_save:
            _save_as_yaml(
                wf.workflow_type,
                wf.params.get("description", ""),
                _svc.yaml_steps(wf),
                [wf.created_by, *wf.authors],
            )
        return _svc.confirmed(wf, save_as_template)
    except Exception as e:  # noqa: BLE001
        return {
            "error": _safe_error(e, "confirm_draft"),
            "hint": f"Could not confirm draft '{workflow_id}'. get_workflow_status() shows its state.",
        }
