"""The Python side of the cross-host consistency test (tests/node/cross-host.test.mjs): feeds
the same bad inputs to the Python record API (vmware_pilot.core) and to the MCP tools over a
real workflows.db, and prints the error code each gave, as JSON: {case: {host: code}}.

Run by the Node test with the repo's venv; HOME is a temporary folder."""

from __future__ import annotations

import json
import os
import sys
import tempfile

os.environ["HOME"] = tempfile.mkdtemp(prefix="pilot-cross-")

from vmware_pilot import _native, core  # noqa: E402
from vmware_pilot.mcp_server import server  # noqa: E402
from vmware_pilot.models import WorkflowStore, _from_dict  # noqa: E402

# [name, caller]: the names the creator ("alice", over the network "token:alice") approves under
LOOKALIKES = json.loads(sys.argv[1])
STEPS = [
    {"action": "look", "skill": "aiops", "tool": "get_vm_info", "params": {"vm_name": "web-1"}},
    {"action": "require_approval", "skill": "pilot", "tool": "approve", "params": {"message": "go?"}},
    {"action": "start", "skill": "aiops", "tool": "power_on_vm", "params": {"vm_name": "web-1"}},
]
out: dict[str, dict[str, str]] = {}


def code_of(fn) -> str:
    try:
        fn()
    except core.PilotError as e:
        return e.code
    return "ok"


def tool_code(answer: dict, ops_call) -> str:
    """An MCP tool answers refusals as upstream's dict; the code is the one of the core call
    the tool makes (``_native.ops``), and the dict must be that refusal's answer."""
    try:
        ops_call()
    except core.PilotError as e:
        assert answer == e.details, (answer, e.details)
        return e.code
    return "ok"


# ── the record API ──────────────────────────────────────────────────────────────────────────
env = {"caller": "alice"}
rec = core.create_workflow("cross", "d", STEPS, env=env)
cancelled = core.cancel(rec, "stop", env=env)["record"]
out["run a cancelled workflow"] = {"python_record_api": code_of(lambda: core.run(cancelled, env=env))}
draft = core.design_draft("goal", env=env)
out["update_draft with steps that are not an array"] = {
    "python_record_api": code_of(lambda: core.update_draft(draft, steps={"0": STEPS[0]}, env=env))
}
at_gate = core.run(rec, env=env)["record"]
for name, _caller in LOOKALIKES:
    out[f"the creator approves as {json.dumps(name, ensure_ascii=False)}"] = {
        "python_record_api": code_of(
            lambda name=name: core.approve(at_gate, name, approve_mode="others", acknowledge_not_executed=True)
        )
    }

# ── the MCP tools over workflows.db ────────────────────────────────────────────────────────
store = WorkflowStore()
server._store = store
from vmware_pilot.mcp_server.tools import authoring, lifecycle  # noqa: E402

run_tool = getattr(lifecycle.run_workflow, "__wrapped__", lifecycle.run_workflow)
upd_tool = getattr(authoring.update_draft, "__wrapped__", authoring.update_draft)
ops = _native.ops


def stored(record: dict) -> str:
    store.save(_from_dict(record))
    return record["id"]


cid = stored(cancelled)
out["run a cancelled workflow"]["python_mcp"] = tool_code(
    run_tool(workflow_id=cid), lambda: ops.run(store, server._get_executor, cid, False)
)
out["run an unknown id"] = {
    "python_mcp": tool_code(
        run_tool(workflow_id="wf-nope"), lambda: ops.run(store, server._get_executor, "wf-nope", False)
    )
}
out["run with a number for the id"] = {
    "python_mcp": code_of(lambda: ops.run(store, server._get_executor, 42, False)),
}
did = stored(draft)
bad = {"0": STEPS[0]}
out["update_draft with steps that are not an array"]["python_mcp"] = tool_code(
    upd_tool(workflow_id=did, steps=bad), lambda: ops.update_draft(store, did, "", "", bad, "")
)
# roles on, approve: others; the creator is token:alice and calls as a look-alike of herself
mcp_gate = dict(at_gate, id=at_gate["id"] + "-mcp", created_by="token:alice")
gid = stored(mcp_gate)
for name, caller in LOOKALIKES:
    out[f"the creator approves as {json.dumps(name, ensure_ascii=False)}"]["python_mcp"] = code_of(
        lambda caller=caller: ops.approve(store, server._get_executor, gid, "", True, caller, ("ops", "others"))
    )

print(json.dumps(out))
