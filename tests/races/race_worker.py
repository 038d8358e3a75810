"""One racing process. Runs under either implementation's interpreter (ours in .venv,
upstream 2.4.0 in .venv-upstream) and uses only the API both share:
``vmware_pilot.models`` (Workflow, WorkflowStep, WorkflowState, WorkflowStore) and
``vmware_pilot.executor.WorkflowExecutor``.

Protocol: one JSON object per line on stdin, one JSON answer per line on stdout.

  {"op": "setup", "wf_id", "start": "pending" | "awaiting_approval"}
      create the race workflow; for "awaiting_approval" run it to its gate (step 0 is
      dispatched then, logged as phase "setup")
  {"op": "load", "wf_id"}       read the workflow from the store (the barrier: the
                                coordinator sends "act" only when both workers loaded)
  {"op": "act", "action": "approve" | "cancel" | "run", "who"}
      perform the action on the copy loaded before; the answer is
      {"status": "ok" | "conflict" | "refused" | "exception", "detail"}
  {"op": "quit"}

The dispatcher is a Python callable: every call is appended (one ``write`` on an
O_APPEND descriptor) to the dispatch log named by RACE_DISPATCH_LOG, and returns
``{"ok": True, "by": <who>, "vm_name": ...}`` so the stored step result names the process
whose dispatch it records. HOME must already point at a private directory: the store is the
default ``~/.vmware/workflows.db``.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from datetime import datetime, timezone

# the protocol owns the real stdout; anything the library prints goes to stderr
_PROTO = sys.stdout
sys.stdout = sys.stderr

from vmware_pilot.executor import WorkflowExecutor  # noqa: E402
from vmware_pilot.models import Workflow, WorkflowState, WorkflowStep, WorkflowStore  # noqa: E402

NAME = os.environ.get("RACE_WORKER_NAME", "w?")
_LOG_FD = os.open(os.environ["RACE_DISPATCH_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

#: Step tags (vm_name) identify the steps in the dispatch log and in the stored record.
STEPS = [
    ("probe", "aiops", "get_vm_info", {"vm_name": "probe"}),
    ("gate", "pilot", "approve", {"message": "race gate"}),
    ("off", "aiops", "power_off_vm", {"vm_name": "off", "confirm": True}),
    ("on", "aiops", "power_on_vm", {"vm_name": "on"}),
]


def _now() -> str:
    return datetime.now(tz=timezone.utc).isoformat()


class _Dispatch:
    def __init__(self) -> None:
        self.who = NAME
        self.wf_id = ""
        self.phase = "race"

    def __call__(self, skill: str, tool: str, params: dict) -> dict:
        line = json.dumps({"wf": self.wf_id, "by": self.who, "phase": self.phase, "skill": skill,
                           "tool": tool, "vm": params.get("vm_name"), "pid": os.getpid()})
        os.write(_LOG_FD, (line + "\n").encode())
        return {"ok": True, "by": self.who, "vm_name": params.get("vm_name")}


def _workflow(wf_id: str) -> Workflow:
    steps = []
    for i, (tag, skill, tool, params) in enumerate(STEPS):
        action = "require_approval" if tag == "gate" else tag
        steps.append(WorkflowStep(index=i, action=action, skill=skill, tool=tool, params=dict(params)))
    now = _now()
    return Workflow(id=wf_id, workflow_type="race", state=WorkflowState.PENDING, steps=steps,
                    params={"race": True}, created_at=now, updated_at=now)


def main() -> None:
    dispatch = _Dispatch()
    store = WorkflowStore()  # one store for the process's life, like an MCP server's
    executor = WorkflowExecutor(store, dispatch=dispatch)
    loaded = None
    for raw in sys.stdin:
        msg = json.loads(raw)
        op = msg["op"]
        answer: dict
        try:
            if op == "quit":
                break
            if op == "setup":
                # a store of its own, so the racing store's cache never holds the setup copy
                setup_store = WorkflowStore()
                wf = _workflow(msg["wf_id"])
                setup_store.save(wf)
                if msg["start"] == "awaiting_approval":
                    dispatch.wf_id, dispatch.phase, dispatch.who = wf.id, "setup", "setup"
                    out = WorkflowExecutor(setup_store, dispatch=dispatch).run_until_checkpoint(wf)
                    if out.get("outcome") != "awaiting_approval":
                        raise RuntimeError(f"setup did not reach the gate: {out.get('outcome')} {out.get('error')}")
                answer = {"ok": True}
            elif op == "load":
                loaded = store.load(msg["wf_id"])
                answer = {"ok": loaded is not None, "state": loaded.state.value if loaded else None}
            elif op == "act":
                who = msg["who"]
                dispatch.wf_id, dispatch.phase, dispatch.who = loaded.id, "race", who
                action = msg["action"]
                try:
                    if action == "approve":
                        out = executor.resume_after_approval(loaded, who, acknowledge_not_executed=True)
                    elif action == "cancel":
                        out = executor.cancel(loaded, reason=f"cancel-by-{who}")
                    elif action == "run":
                        out = executor.run_until_checkpoint(loaded)
                    else:
                        raise ValueError(action)
                except Exception as exc:  # noqa: BLE001
                    if type(exc).__name__ == "WorkflowConflictError":
                        answer = {"status": "conflict", "detail": str(exc)[:300]}
                    else:
                        answer = {"status": "exception", "detail": f"{type(exc).__name__}: {exc}"[:500]}
                else:
                    if isinstance(out, dict) and out.get("error"):
                        answer = {"status": "refused", "detail": str(out["error"])[:300]}
                    else:
                        answer = {"status": "ok", "detail": out.get("outcome") if isinstance(out, dict) else None}
                loaded = None
            else:
                answer = {"error": f"unknown op {op}"}
        except Exception as exc:  # noqa: BLE001
            answer = {"ok": False, "status": "exception",
                      "detail": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-2000:]}
        _PROTO.write(json.dumps(answer) + "\n")
        _PROTO.flush()


if __name__ == "__main__":
    main()
