"""End to end over stdio: our MCP server, driven by the official MCP client."""

from __future__ import annotations

import asyncio
import json

from mcp_client import call, pilot_session

TOOLS = [
    "create_workflow", "design_workflow", "update_draft", "confirm_draft", "create_workflow_from_template",
    "run_workflow", "approve", "rollback", "cancel_workflow", "review_workflow", "get_workflow_status",
    "list_workflows", "get_skill_catalog",
]
READ_TOOLS = {"review_workflow", "get_workflow_status", "list_workflows", "get_skill_catalog"}


def test_a_whole_lifecycle_over_stdio(tmp_path):
    asyncio.run(_lifecycle(tmp_path))


async def _lifecycle(home):
    async with pilot_session(home) as (s, init):
        assert init.serverInfo.name == "vmware-pilot"
        listed = await s.list_tools()
        assert [t.name for t in listed.tools] == TOOLS
        for t in listed.tools:
            a = t.annotations
            assert a.readOnlyHint is (t.name in READ_TOOLS), t.name
            assert a.destructiveHint is (t.name in ("rollback", "cancel_workflow")), t.name
            assert t.description.startswith("[READ]" if t.name in READ_TOOLS else "[WRITE]"), t.name
            assert t.inputSchema.get("additionalProperties") is False, t.name
        rb = next(t for t in listed.tools if t.name == "rollback")
        assert rb.inputSchema["properties"]["confirm"]["default"] is False
        assert "False (default) returns the blast radius and changes nothing" in rb.inputSchema["properties"]["confirm"]["description"]

        err, body = await call(s, "create_workflow_from_template", workflow_type="no_such", params={})
        assert err and "Unknown workflow type: no_such" in body["error"] and "rolling_restart" in body["error"]
        err, body = await call(s, "create_workflow_from_template", workflow_type="rolling_restart", params={"vms": []})
        assert err and "missing a required argument: 'vm_names'" in body["error"]
        assert "(vm_names: 'list[str]', target: 'str' = '')" in body["hint"]

        err, body = await call(s, "create_workflow_from_template", workflow_type="rolling_restart",
                               params={"vm_names": ["web-01", "web-02"], "target": "vc"})
        assert not err and body["state"] == "pending"
        wf = body["workflow_id"]
        assert [st["action"] for st in body["steps"]][:3] == ["pre_check", "require_approval", "power_off_web-01"]

        err, body = await call(s, "review_workflow", workflow_id=wf)
        assert not err and body["summary"]["total_steps"] == 8 and body["summary"]["approval_gates"] == 1

        err, body = await call(s, "run_workflow", workflow_id=wf)
        assert not err and body["outcome"] == "awaiting_approval"
        assert [p["index"] for p in body["pending_dispatch"]] == [0]

        err, body = await call(s, "approve", workflow_id=wf, approver="ops-lead")
        assert err and "acknowledge_not_executed=True" in body["error"]
        assert [x["index"] for x in body["not_executed_before_gate"]] == [0]

        err, body = await call(s, "approve", workflow_id=wf, approver="ops-lead", acknowledge_not_executed=True)
        assert not err and body["outcome"] == "dispatch_required" and body["state"] == "pending"
        assert [p["index"] for p in body["pending_dispatch"]] == [2, 3, 4, 5, 6, 7]

        err, body = await call(s, "get_workflow_status", workflow_id=wf)
        assert not err and [st["status"] for st in body["steps"]][:3] == ["reported_done", "success", "not_executed"]
        assert body["approved_by"] == "ops-lead"

        err, body = await call(s, "rollback", workflow_id=wf)
        assert not err and body["action"] == "preview"
        assert body["blast_radius"]["not_reversed_by_pilot_count"] == 2  # the power_offs have an undo
        err, body = await call(s, "get_workflow_status", workflow_id=wf)
        assert body["state"] == "pending", "a preview changes nothing"
        err, body = await call(s, "rollback", workflow_id=wf, confirm=True)
        assert not err and body["action"] == "rolled_back" and body["state"] == "failed"

        err, body = await call(s, "cancel_workflow", workflow_id=wf, confirm=True)
        assert err and "terminal" in body["error"]

        err, body = await call(s, "create_workflow_from_template", workflow_type="disaster_recovery",
                               params={"vm_name": "db01"})
        other = body["workflow_id"]
        err, body = await call(s, "cancel_workflow", workflow_id=other, reason="change freeze")
        assert not err and body["action"] == "preview" and body["blast_radius"]["would_skip_count"] == 5
        err, body = await call(s, "cancel_workflow", workflow_id=other, reason="change freeze", confirm=True)
        assert not err and body["state"] == "cancelled" and body["action"] == "cancelled"
        err, body = await call(s, "run_workflow", workflow_id=other)
        assert err and "CANCELLED" in body["error"]

        for tool in ("run_workflow", "get_workflow_status", "review_workflow", "approve"):
            err, body = await call(s, tool, workflow_id="wf-nope")
            assert err and body == {"error": "Workflow 'wf-nope' not found"}, tool

        err, body = await call(s, "list_workflows")
        assert not err and len([t for t in body["templates"] if t["type"] == "builtin"]) == 15
        assert [a["id"] for a in body["active_workflows"]] == []

        err, body = await call(s, "get_skill_catalog")
        assert not err and len(body) == 13 and sum(len(v["tools"]) for v in body.values()) == 101


def test_drafts_and_the_gate_rule_over_stdio(tmp_path):
    asyncio.run(_drafts(tmp_path))


async def _drafts(home):
    async with pilot_session(home) as (s, _):
        ungated = [{"action": "wipe", "skill": "aiops", "tool": "delete_vm", "params": {"vm_name": "x", "confirm": True}}]
        err, body = await call(s, "create_workflow", name="wipe", description="d", steps=ungated)
        assert err and body["fix"]["insert_before_step"] == 0
        assert body["approval_gate_violations"][0]["kind"] == "ungated_destructive"
        err, body = await call(s, "design_workflow", goal="restart the db replica")
        assert not err and body["state"] == "draft" and len(body["available_skills"]) == 13
        draft = body["workflow_id"]
        err, body = await call(s, "update_draft", workflow_id=draft, name="restart_replica", steps=ungated)
        assert not err and body["approval_gate_violations"] and "confirm_draft will refuse" in body["message"]
        err, body = await call(s, "confirm_draft", workflow_id=draft)
        assert err and "Refusing to confirm custom workflow 'restart_replica'" in body["error"]
        gate = {"action": "require_approval", "skill": "pilot", "tool": "approve", "params": {"message": "ok?"}}
        err, body = await call(s, "update_draft", workflow_id=draft, steps=[gate, *ungated])
        assert not err and body["approval_gate_violations"] == []
        err, body = await call(s, "confirm_draft", workflow_id=draft, save_as_template=True)
        assert not err and body["state"] == "pending" and body["steps_count"] == 2
        saved = (home / ".vmware" / "workflows" / "restart_replica.yaml").read_text()
        assert "require_approval" in saved and "delete_vm" in saved
        err, body = await call(s, "create_workflow_from_template", workflow_type="restart_replica", params={})
        assert not err and body["params"]["_source"] == "restart_replica.yaml"


def test_bad_arguments_are_error_frames(tmp_path):
    asyncio.run(_bad_args(tmp_path))


async def _bad_args(home):
    async with pilot_session(home) as (s, _):
        result = await s.call_tool("run_workflow", {"workflow_id": "wf-x", "speed": 3})
        assert result.isError and "Extra inputs are not permitted" in result.content[0].text
        result = await s.call_tool("run_workflow", {})
        assert result.isError and "Field required" in result.content[0].text
        # an object parameter may come as a JSON string
        result = await s.call_tool("create_workflow_from_template",
                                   {"workflow_type": "compliance_scan", "params": json.dumps({"target": "vc"})})
        assert not result.isError, result.content[0].text


def test_expose_read_offers_the_reads_and_the_allowed_writes(tmp_path):
    async def go():
        args = ["-m", "vmware_pilot.cli", "mcp", "--expose", "read", "--allow-write", "approve,plan_workflow"]
        async with pilot_session(tmp_path, args=args) as (s, _):
            names = [t.name for t in (await s.list_tools()).tools]
            assert sorted(names) == sorted([*READ_TOOLS, "approve", "create_workflow_from_template"])
            result = await s.call_tool("rollback", {"workflow_id": "wf-x"})
            assert result.isError

    asyncio.run(go())


def test_https_needs_its_certificate_and_tokens(tmp_path):
    import subprocess
    import sys

    env = {"HOME": str(tmp_path), "OPS_HOME": str(tmp_path / ".vmware"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "vmware_pilot.cli", "mcp", "--transport", "https"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 2 and "vmware-pilot MCP server not started" in out.stderr
