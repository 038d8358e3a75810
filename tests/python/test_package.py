"""The package surface: what callers of 2.4 import, without pulling in the MCP SDK."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_library_does_not_import_the_mcp_sdk():
    code = (
        "import sys, vmware_pilot, vmware_pilot.models, vmware_pilot.executor, vmware_pilot.templates, "
        "vmware_pilot.review, vmware_pilot.approval_gate, vmware_pilot.lifecycle_gate, "
        "vmware_pilot.reversibility, vmware_pilot.renames, vmware_pilot.custom_loader; "
        "print(sorted(m for m in sys.modules if m == 'mcp' or m.startswith('mcp.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_names_of_2_4_are_there():
    import vmware_pilot.approval_gate as ag
    import vmware_pilot.executor as ex
    import vmware_pilot.lifecycle_gate as lg
    import vmware_pilot.models as m
    import vmware_pilot.templates as t
    from vmware_pilot.templates._gated import GATED_TOOLS, confirmed_params

    for name in ("Workflow", "WorkflowStep", "WorkflowState", "WorkflowStore", "new_workflow_id",
                 "REDACTED_PLACEHOLDER", "is_sensitive_key", "_redact_for_persistence", "_from_dict"):
        assert hasattr(m, name), name
    for name in ("WorkflowExecutor", "StepEffectUnknownError", "DispatchFn", "_returned_failure"):
        assert hasattr(ex, name), name
    assert list(t.BUILTIN_TEMPLATES) == [
        "clone_and_test", "incident_response", "investigate_alert", "plan_and_approve", "compliance_scan",
        "network_segment_setup", "vks_cluster_deploy", "rolling_restart", "capacity_expansion",
        "disaster_recovery", "patch_deployment", "storage_expansion", "baseline_capture", "baseline_audit",
        "baseline_remediate"]
    assert t.TEMPLATES is t.BUILTIN_TEMPLATES and callable(t.get_all_templates) and callable(t.parallel_group)
    assert sum(len(v) for v in GATED_TOOLS.values()) == 60
    assert confirmed_params("aiops", "delete_vm", {"dry_run": True}) == {"confirm": True}
    for name in ("gate_violations", "refusal", "enforce", "is_custom_workflow", "ApprovalGateError", "GateViolation"):
        assert hasattr(ag, name), name
    for name in ("rollback_blast_radius", "cancel_blast_radius", "load_for_gate", "refusal", "CAP"):
        assert hasattr(lg, name), name


def test_workflow_objects_behave_like_dataclasses():
    from vmware_pilot.models import Workflow, WorkflowState, WorkflowStep

    step = WorkflowStep(index=0, action="a", skill="vmware_aiops", tool="vm_power_on", params={"vm": "x"})
    assert step.tool == "power_on_vm" and step.status == "pending" and step.rollback_params == {}
    wf = Workflow(id="wf-1", workflow_type="t", state=WorkflowState.PENDING, steps=[step], params={},
                  created_at="", updated_at="", created_by="me")
    wf.params["note"] = "kept"            # in-place changes reach the record
    wf.steps[0].params["vm"] = "y"
    wf.steps[0].status = "running"
    wf.steps.append(WorkflowStep(index=1, action="b", skill="monitor", tool="get_alarms", params={}))
    d = wf.to_dict()
    assert d["params"] == {"note": "kept"} and d["steps"][0]["params"] == {"vm": "y"}
    assert [s["status"] for s in d["steps"]] == ["running", "pending"]
    assert list(d) == ["id", "workflow_type", "state", "steps", "params", "created_at", "updated_at",
                       "approved_by", "diff_report", "audit_log", "blocked_reason", "rollback_results",
                       "created_by", "authors"]
    assert wf.state is WorkflowState.PENDING and wf.current_step().index == 0
    wf.log("note", "x")
    assert wf.audit_log[-1]["action"] == "note" and wf.updated_at >= wf.audit_log[-1]["ts"]
    assert wf == Workflow(**{**{k: getattr(wf, k) for k in d}, "state": wf.state})


def test_custom_yaml_substitution_is_the_cores_with_pythons_str():
    from vmware_pilot.custom_loader import _substitute

    params = {"a": True, "b": None, "c": [1, "x"], "d": {"k": 1}, "é": "u", "n": 2.0}
    got = _substitute({"s": ["{{a}}|{{b}}|{{c}}|{{d}}|{{é}}|{{n}}|{{missing}}|{{ a }}", 7]}, params)
    assert got == {"s": ["True|None|[1, 'x']|{'k': 1}|u|2.0|{{missing}}|{{ a }}", 7]}
