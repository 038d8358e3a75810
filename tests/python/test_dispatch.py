"""``--dispatch`` against real child MCP servers: small FastMCP scripts installed as
``vmware-aiops-mcp`` and ``vmware-monitor-mcp`` on PATH, started by Pilot for each step."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import textwrap
from pathlib import Path

from mcp_client import call, pilot_session

CHILD = textwrap.dedent('''\
    #!{python}
    import json, os, sys, time
    from mcp.server.fastmcp import FastMCP
    skill = {skill!r}
    mcp = FastMCP("vmware-" + skill)
    def note(tool, params):
        with open(os.environ["PILOT_TEST_CALLS"], "a") as fh:
            fh.write(json.dumps({{"skill": skill, "tool": tool, "params": params}}) + "\\n")
    if skill == "aiops":
        @mcp.tool()
        def power_off_vm(vm_name: str, force: bool = False, target: str = "", confirm: bool = False) -> dict:
            note("power_off_vm", {{"vm_name": vm_name, "confirm": confirm}})
            if not confirm:
                return {{"action": "preview", "blast_radius": {{"vms": [vm_name]}}}}
            if vm_name == "broken":
                return {{"error": "VM broken is locked by another task", "hint": "retry later"}}
            if vm_name == "slow":
                time.sleep(30)
            if vm_name == "crash":
                os._exit(3)
            return {{"vm": vm_name, "power_state": "poweredOff"}}
        @mcp.tool()
        def power_on_vm(vm_name: str, target: str = "") -> dict:
            note("power_on_vm", {{"vm_name": vm_name}})
            return {{"vm": vm_name, "power_state": "poweredOn"}}
    else:
        @mcp.tool()
        def get_alarms(target: str = "") -> list:
            note("get_alarms", {{"target": target}})
            return []
    mcp.run()
''')


def _install(tmp: Path) -> tuple[Path, Path]:
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    for skill in ("aiops", "monitor"):
        exe = bin_dir / f"vmware-{skill}-mcp"
        exe.write_text(CHILD.format(python=sys.executable, skill=skill))
        exe.chmod(0o755)
    return bin_dir, tmp / "calls.jsonl"


def _calls(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _env(bin_dir: Path, calls: Path, **extra: str) -> dict[str, str]:
    return {"VMWARE_PILOT_DISPATCH": "stdio", "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "PILOT_TEST_CALLS": str(calls), **extra}


def test_pilot_runs_every_step_once_and_completes(tmp_path):
    bin_dir, calls = _install(tmp_path)

    async def go():
        async with pilot_session(tmp_path, _env(bin_dir, calls)) as (s, _):
            _, body = await call(s, "create_workflow_from_template", workflow_type="rolling_restart",
                                 params={"vm_names": ["web-01"]})
            wf = body["workflow_id"]
            err, body = await call(s, "run_workflow", workflow_id=wf)
            assert not err and body["outcome"] == "awaiting_approval" and "pending_dispatch" not in body
            assert [st["status"] for st in body["steps"]][:2] == ["success", "pending"]
            err, body = await call(s, "approve", workflow_id=wf, approver="ops")
            assert not err and body["outcome"] == "completed" and body["state"] == "completed", body
            assert body["steps"][2]["result"] == {"vm": "web-01", "power_state": "poweredOff"}
            # the template's confirm=True reached the gated tool; nothing ran twice
            assert [(c["tool"], c["params"].get("confirm")) for c in _calls(calls)] == [
                ("get_alarms", None), ("power_off_vm", True), ("power_on_vm", None), ("get_alarms", None)]
            err, body = await call(s, "run_workflow", workflow_id=wf)
            assert err and "cannot be run" in body["error"]
            assert len(_calls(calls)) == 4

    asyncio.run(go())


def test_a_returned_error_fails_the_step_and_a_timeout_is_unknown(tmp_path):
    bin_dir, calls = _install(tmp_path)

    async def go():
        async with pilot_session(tmp_path, _env(bin_dir, calls, VMWARE_PILOT_DISPATCH_TIMEOUT="3")) as (s, _):
            for vm, status, outcome_text in (("broken", "failed", "locked"), ("slow", "interrupted", "UNKNOWN"),
                                             ("crash", "interrupted", "UNKNOWN")):
                _, body = await call(s, "create_workflow_from_template", workflow_type="rolling_restart",
                                     params={"vm_names": [vm]})
                wf = body["workflow_id"]
                await call(s, "run_workflow", workflow_id=wf)
                err, body = await call(s, "approve", workflow_id=wf, approver="ops")
                assert err and body["outcome"] == "failed", body
                step = body["steps"][2]
                assert step["status"] == status, (vm, step)
                assert outcome_text in step["result"]["error"], (vm, step["result"])
                assert [st["status"] for st in body["steps"][3:]] == ["skipped", "skipped"]
                if status == "interrupted":
                    err, body = await call(s, "rollback", workflow_id=wf, confirm=True)
                    assert err and "acknowledge_unknown_effects=True" in body["error"]

    asyncio.run(go())


def test_steps_a_skill_cannot_start_are_refused_before_anything_runs(tmp_path):
    bin_dir, calls = _install(tmp_path)

    async def go():
        async with pilot_session(tmp_path, _env(bin_dir, calls)) as (s, _):
            _, body = await call(s, "create_workflow_from_template", workflow_type="disaster_recovery",
                                 params={"vm_name": "db01"})
            wf = body["workflow_id"]
            # disaster_recovery needs vmware-nsx-mcp, which is not installed here: the run is
            # refused before its first step, and the record is untouched
            err, body = await call(s, "run_workflow", workflow_id=wf)
            assert err and "Nothing was run" in body["error"] and "vmware-nsx-mcp" in body["error"]
            assert "step 3 (nsx.list_segments)" in body["error"]
            err, body = await call(s, "get_workflow_status", workflow_id=wf)
            assert body["state"] == "pending" and body["audit_log"] == []
            assert _calls(calls) == []

    asyncio.run(go())


def test_dispatch_is_refused_over_a_network_transport(tmp_path):
    import subprocess

    env = {**os.environ, "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "vmware_pilot.cli", "mcp", "--dispatch", "--transport", "https"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 1 and "works only over stdio" in out.stderr
    env["VMWARE_PILOT_DISPATCH"] = "yes"
    out = subprocess.run([sys.executable, "-m", "vmware_pilot.mcp_server"], capture_output=True, text=True,
                         env=env, timeout=60)
    assert out.returncode == 1 and "VMWARE_PILOT_DISPATCH='yes' is not understood" in out.stderr
