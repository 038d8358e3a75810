"""Pilot's main job, end to end: one workflow driven through the real MCP server over stdio
by the official MCP client, with the embedded SQLite store under a temporary HOME.

    make demo        (or: python examples/python/mcp_demo.py)

The server runs as MCP clients start it (no --dispatch), so Pilot executes nothing itself:
this script plays the calling agent, performing (here: pretending to perform) each step
Pilot hands out, and a human approving at the gate.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def call(session: ClientSession, tool: str, **args):
    result = await session.call_tool(tool, args)
    body = json.loads(result.content[0].text)
    return bool(result.isError), body


def show(label: str, body: dict) -> None:
    steps = body.get("steps") or []
    statuses = " ".join(f"{s['index']}:{s.get('status', '?')}" for s in steps if isinstance(s, dict))
    print(f"  {label}: state={body.get('state')} outcome={body.get('outcome', '-')}  {statuses}")


async def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="pilot-demo-"))
    env = {**os.environ, "HOME": str(home), "OPS_HOME": str(home / ".vmware")}
    env.pop("VMWARE_PILOT_DISPATCH", None)
    server = StdioServerParameters(command=sys.executable, args=["-m", "vmware_pilot.mcp_server"], env=env, cwd=str(home))
    print(f"starting the vmware-pilot MCP server over stdio (HOME={home})")
    async with stdio_client(server, errlog=open(os.devnull, "w")) as (read, write):
        async with ClientSession(read, write) as s:
            init = await s.initialize()
            tools = await s.list_tools()
            print(f"connected to {init.serverInfo.name} {init.serverInfo.version}: {len(tools.tools)} tools")

            _, body = await call(s, "create_workflow_from_template", workflow_type="rolling_restart",
                                 params={"vm_names": ["web-01", "web-02"], "target": "vc-lab"})
            wf = body["workflow_id"]
            print(f"\n1. create_workflow_from_template rolling_restart -> {wf}")
            for st in body["steps"]:
                print(f"     step {st['index']}: {st['action']:<22} {st['skill']}.{st['tool']}")

            _, review = await call(s, "review_workflow", workflow_id=wf)
            print(f"\n2. review_workflow -> verdict {review['verdict']}, {review['summary']['approval_gates']} gate(s), "
                  f"{review['summary']['destructive_steps']} destructive step(s)")

            _, body = await call(s, "run_workflow", workflow_id=wf)
            print("\n3. run_workflow (Pilot executes nothing itself: it hands steps out)")
            show("result", body)
            for p in body.get("pending_dispatch", []):
                print(f"     agent performs step {p['index']}: {p['skill']}.{p['tool']} {json.dumps(p['params'])}")

            err, body = await call(s, "approve", workflow_id=wf, approver="alice")
            print(f"\n4. approve as alice -> refused (isError={err}): the pre-check was only handed out")
            print(f"     {body['error'][:150]}...")
            err, body = await call(s, "approve", workflow_id=wf, approver="alice", acknowledge_not_executed=True)
            print("\n5. approve with acknowledge_not_executed=True (the agent performed the pre-check)")
            show("result", body)
            for p in body.get("pending_dispatch", []):
                print(f"     agent performs step {p['index']}: {p['skill']}.{p['tool']} vm={p['params'].get('vm_name', '-')}")

            _, body = await call(s, "rollback", workflow_id=wf)
            radius = body["blast_radius"]
            print(f"\n6. rollback (preview only) -> {radius['not_reversed_by_pilot_count']} undo(s) the agent must run itself, "
                  f"{radius['not_reversible_outside_pilot_count']} step(s) that cannot be undone; nothing changed")

            _, body = await call(s, "get_workflow_status", workflow_id=wf)
            print("\n7. get_workflow_status")
            show("status", body)
            for entry in body["audit_log"]:
                print(f"     {entry['action']:<32} {entry['detail'][:70]}")

    print(f"\nthe workflow is stored in {home / '.vmware' / 'workflows.db'} (upstream's row format)")
    print("\nTo use Pilot from a real MCP client, configure it to start:")
    print("    vmware-pilot mcp                  # stdio; add --dispatch to have Pilot run the steps itself")
    print("or, for the older console script:   vmware-pilot-mcp")


if __name__ == "__main__":
    asyncio.run(main())
