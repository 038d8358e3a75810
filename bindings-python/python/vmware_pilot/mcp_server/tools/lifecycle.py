"""Lifecycle tools: create from a template, run, approve, roll back, cancel."""

from __future__ import annotations

import inspect
import logging
from typing import Any

from vmware_policy import vmware_tool

from vmware_pilot import _native
from vmware_pilot.approval_gate import ApprovalGateError
from vmware_pilot.mcp_server._shared import _get_executor, _get_store, _safe_error, _save_new, mcp
from vmware_pilot.templates import get_all_templates

logger = logging.getLogger(__name__)
_svc = _native.service
_ops = _native.ops
PilotError = _native.records_api.PilotError
_TEMPLATE_HINT = "Check workflow_type and params; list_workflows() shows every template."

_WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False, "openWorldHint": True}
_DESTRUCTIVE = {"readOnlyHint": False, "destructiveHint": True, "idempotentHint": False, "openWorldHint": True}


@mcp.tool(annotations=_WRITE)
@vmware_tool(risk_level="medium")
def create_workflow_from_template(workflow_type: str, params: dict[str, Any]) -> dict:
    """[WRITE] Create and save a workflow from a template, ready for run_workflow.

    Builds the steps the template defines for these params and stores the workflow as
    "pending" — it is not a dry run. Templates are the built-ins plus custom YAML
    templates; list_workflows shows both with what each does. When no template fits, save
    your own steps with create_workflow instead. A custom template with a destructive or
    unclassifiable step (or a step passing confirm=True) and no require_approval gate
    before it is refused, naming the step and the file to fix.

    Built-in templates include clone_and_test (clone a VM from a snapshot, change the
    staging copy, approve, apply to production), incident_response, investigate_alert,
    plan_and_approve, compliance_scan, rolling_restart, patch_deployment and more.

    Args:
        workflow_type: The template's name, as list_workflows shows it.
        params: The template's parameters. clone_and_test needs target_vm, snapshot_name (the snapshot to clone from; vmware-monitor list_vm_snapshots lists them) and change_spec — a resize ({"cpu": 4} and/or {"memory_mb": 32768}, or memory_gb) or one guest command ({"command": "/usr/bin/apt-get", "arguments": "...", "username": "<guest account>", "password": "..."}; username is required, there is no root default) — plus optional monitor_minutes and target. A missing or misspelt param is refused with the template's full signature.

    Returns:
        The new workflow's id, steps and params.
    """
    try:
        templates = get_all_templates()
        template_fn = templates.get(workflow_type)
        if not template_fn:
            return {"error": f"Unknown workflow type: {workflow_type}. Available: {list(templates.keys())}"}
        signature = inspect.signature(template_fn)
        try:
            signature.bind(**params)
        except TypeError as e:
            return _svc.bind_error(workflow_type, str(e), str(signature))
        wf = template_fn(**params)
        _save_new(_get_store(), wf)
        return _svc.template_created(wf)
    except ApprovalGateError as e:
        return e.payload
    except Exception as e:  # noqa: BLE001
        return {"error": _safe_error(e, "create_workflow_from_template"), "hint": _TEMPLATE_HINT}


@mcp.tool(annotations=_WRITE)
@vmware_tool(risk_level="medium")
def run_workflow(workflow_id: str, force: bool = False) -> dict:
    """[WRITE] Run a planned workflow up to its next approval gate, or to the end.

    Who performs the steps depends on how this server was started:
      - with --dispatch (or VMWARE_PILOT_DISPATCH=stdio), Pilot performs each step in that
        skill's own MCP server, stops at each approval gate, and the workflow can reach
        'completed'. The call lasts as long as the steps do; if your client times out,
        Pilot carries on (answering nothing else meanwhile) and get_workflow_status shows
        the outcome afterwards. NEVER perform the steps yourself in this mode.
      - without it (the default), Pilot performs nothing: the steps are recorded
        'not_executed' and the run ends with outcome 'dispatch_required' (NOT 'completed'),
        listing them in 'pending_dispatch'. YOU perform those skill/tool calls, in order.
    A 'pending_dispatch' list in the answer means the steps are yours.

    Every run is reviewed first and REFUSED when an unclassifiable or destructive step has
    no require_approval gate before it, or a destructive step sits in a parallel group.
    On a built-in template force=True overrides that (and the audit log says so); on a
    custom workflow a missing gate is refused even with force=True — add the gate instead.
    At an approval gate the workflow pauses as 'awaiting_approval': call approve.

    Args:
        workflow_id: The workflow's id.
        force: Run a built-in template despite blocking review findings. Only with a human's explicit consent; the override is audited. It never replaces a custom workflow's missing approval gate.

    Returns:
        The workflow with 'outcome' (completed | awaiting_approval | dispatch_required | failed) and, when the steps are yours, 'pending_dispatch'.
    """
    try:
        return _ops.run(_get_store(), _get_executor, workflow_id, bool(force))
    except PilotError as refusal:
        return refusal.details
    except Exception as e:  # noqa: BLE001
        return {
            "error": _safe_error(e, "run_workflow"),
            "hint": f"Running workflow '{workflow_id}' failed. get_workflow_status() shows its state; "
            "rollback() undoes what can be undone.",
        }


def _caller_role() -> tuple[str, str | None] | None:
    """The caller's vmware-policy role as ``(name, approve mode)`` (mode None: the role cannot
    be used), or None when roles are off; the core applies the rule."""
    try:
        from vmware_policy import roles
    except ImportError:
        return None
    if not roles.roles_enabled():
        return None
    role, name, _why = roles.caller_role()
    mode = getattr(role, "approve", None) if role is not None else None
    return str(name), mode


def _approval_refused(wf: Any, caller: str) -> str:
    """Why the caller's role may not approve ``wf``, or "" (roles off, or allowed); the rule is
    the core's, the one ``approve`` applies."""
    role = _caller_role()
    if role is None:
        return ""
    name, mode = role
    return _native.approval_refused(wf, caller, name, mode) or ""


def _role_rule() -> str:
    """The policy rule a role refusal names: ``role:<name>``."""
    try:
        from vmware_policy import roles

        _role, name, _why = roles.caller_role()
    except Exception:  # noqa: BLE001 — the rule name is only a label
        name = ""
    return f"role:{name}" if name else "role:invalid"


@mcp.tool(annotations=_WRITE)
@vmware_tool(risk_level="high")
def approve(workflow_id: str, approver: str = "", acknowledge_not_executed: bool = False) -> dict:
    """[WRITE] Approve a workflow waiting at an approval gate, and let it continue.

    Only after showing the user what the gate is about and getting their explicit consent;
    when they reject it, use cancel_workflow instead. Works only in state
    'awaiting_approval'.

    Without --dispatch the steps before the gate are 'not_executed': Pilot has no record
    that they ran, whatever the gate's message says, so approve refuses (listing them in
    not_executed_before_gate) until acknowledge_not_executed=True — set that only after you
    performed each of them and showed the user the results. They are then recorded as
    'reported_done' and never handed out again.

    With --dispatch, approving runs the next steps (the call lasts as long as they do; if it
    times out in your client, Pilot carries on — check get_workflow_status later and never
    perform those steps yourself). Without it, the remaining steps come back in
    'pending_dispatch' with outcome 'dispatch_required', and the workflow never reaches
    'completed'.

    Args:
        workflow_id: The workflow's id.
        approver: Who approves, for the audit trail. Over an authenticated network transport leave it empty: the approver is the caller's token name, and another name is refused.
        acknowledge_not_executed: True states that the steps before this gate were performed outside Pilot and their results checked.

    Returns:
        The workflow after resuming.
    """
    try:
        from vmware_policy.caller import current_caller

        caller = current_caller()
        return _ops.approve(
            _get_store(), _get_executor, workflow_id, approver or "", bool(acknowledge_not_executed),
            caller, _caller_role() if caller is not None else None,
        )
    except PilotError as refusal:
        if refusal.code != "approval_refused":
            return refusal.details
        from vmware_policy.policy import PolicyDenied, PolicyResult

        reason = refusal.details.get("error", str(refusal))
        raise PolicyDenied(
            PolicyResult(False, _role_rule(), f"{reason} {_native.approval_refused_advice()}")
        ) from None
    except Exception as e:  # noqa: BLE001
        return {
            "error": _safe_error(e, "approve"),
            "hint": f"Approving '{workflow_id}' failed. get_workflow_status() shows its state.",
        }


@mcp.tool(annotations=_DESTRUCTIVE)
@vmware_tool(risk_level="high")
def rollback(workflow_id: str, confirm: bool = False, acknowledge_unknown_effects: bool = False) -> dict:
    """[WRITE] Undo a workflow's completed steps with their rollback tools, last first.

    Without confirm=True this only previews. The preview, blast_radius, shows: the
    workflow's id, type and state; the steps whose rollback_tool would run, with its
    rollback_params, secrets redacted (would_roll_back — these often pass confirm=True, and
    this call's confirm=True is the decision to run them); executed steps with no undo,
    which stay applied (left_in_place); steps you performed from pending_dispatch that Pilot
    will not reverse (not_reversed_by_pilot have an undo you must call;
    not_reversible_outside_pilot have none — a clone, a production resize); undos that
    would leave something behind (leaves_behind); steps with unknown effects; blockers.
    Show it to the user and get their explicit decision; do not set confirm=True yourself
    because they asked for a rollback before — the user has not seen the preview yet.

    Nothing rolls back on its own: a failed step leaves the workflow 'failed'. This is the
    explicit, best-effort undo, and it reverses only steps Pilot itself recorded as
    'success' — without --dispatch, the approval gates alone. Steps YOU performed are
    'not_executed' (or 'reported_done') here: undo them yourself with each one's
    rollback_tool and rollback_params, last step first. A step with no rollback_tool is
    'not_reversible'; an undo that does not remove what the step created is 'partial'; a
    failed undo does not stop the others. The workflow ends 'failed'.

    confirm=True is refused for a draft, completed, rolling_back or cancelled workflow, a
    step with a status Pilot does not know, an unreadable record, and — unless
    acknowledge_unknown_effects=True — a step left 'running' or 'interrupted'.

    Args:
        workflow_id: The workflow's id.
        confirm: False (default) returns the blast radius and changes nothing. True applies it.
        acknowledge_unknown_effects: True only after the user checked, in the target system, whether each unknown_effects step took effect. It covers those steps only.

    Returns:
        A preview ({"action": "preview", "blast_radius", "hint"}), or the workflow with "action": "rolled_back" ("rollback_incomplete", outcome "failed" and an error naming them, when an undo failed or its effect is unknown), rollback_results and blast_radius.
    """
    try:
        return _ops.rollback(
            _get_store(), _get_executor, workflow_id, bool(confirm), bool(acknowledge_unknown_effects)
        )
    except PilotError as refusal:
        return refusal.details
    except Exception as e:  # noqa: BLE001
        return {
            "error": _safe_error(e, "rollback"),
            "hint": f"Rolling back '{workflow_id}' failed. get_workflow_status() shows its state.",
        }


@mcp.tool(annotations=_DESTRUCTIVE)
@vmware_tool(risk_level="high")
def cancel_workflow(
    workflow_id: str,
    reason: str = "",
    confirm: bool = False,
    acknowledge_unknown_effects: bool = False,
) -> dict:
    """[WRITE] Cancel a workflow: it moves to the terminal CANCELLED state and never runs again.

    Use it when an approval is REJECTED, a review finds the plan unsafe, or an operator
    decides the workflow must not run (a rejected PENDING workflow could otherwise still be
    run).

    Without confirm=True this only previews. The preview, blast_radius, shows: the
    workflow's id, type and state; executed steps that stay applied (left_in_place — a
    cancel part-way leaves a half-applied change); steps performed outside Pilot
    (performed_outside_pilot); steps already handed to you in pending_dispatch, which a
    cancel can neither stop nor undo (handed_out_to_caller); the steps that would be skipped
    (would_skip); steps with unknown effects; blockers. Show it to the user and get their
    explicit decision; do not set confirm=True yourself because they asked to cancel before
    — the user has not seen the preview yet.

    Cancel stops FUTURE steps only; rollback() reverses completed ones. confirm=True is
    refused for a completed, failed or cancelled workflow, a step with a status Pilot does
    not know, an unreadable record, and — unless acknowledge_unknown_effects=True — a step
    left 'running' or 'interrupted'. The cancellation goes into the workflow's audit log.

    Args:
        workflow_id: The workflow's id.
        reason: Why, in a few words (e.g. "approval rejected by on-call"); written to the audit log.
        confirm: False (default) returns the blast radius and changes nothing. True applies it.
        acknowledge_unknown_effects: True only after the user checked, in the target system, whether each unknown_effects step took effect. It covers those steps only.

    Returns:
        A preview ({"action": "preview", "blast_radius", "hint"}), or the workflow with state and outcome 'cancelled', action 'cancelled' and blast_radius.
    """
    try:
        return _ops.cancel(
            _get_store(), _get_executor, workflow_id, reason or "", bool(confirm), bool(acknowledge_unknown_effects)
        )
    except PilotError as refusal:
        return refusal.details
    except Exception as e:  # noqa: BLE001
        return {
            "error": _safe_error(e, "cancel_workflow"),
            "hint": f"Cancelling '{workflow_id}' failed. get_workflow_status() shows its state.",
        }
