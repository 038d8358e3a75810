"""Capture `workflows.db` rows written by upstream vmware-pilot 2.4.0, as fixtures.

Run with a Python where upstream 2.4.0 is installed (never ours):

    python scripts/capture_upstream_rows.py tests/fixtures/upstream-rows.json

It drives a few workflows through upstream's own executor (agent mode, a dispatcher,
approval, rollback, cancel, secrets, non-ASCII text and floats) and writes every distinct
`data` column it stored. Our Rust tests load each row and write it back byte for byte.
"""

import json
import sqlite3
import sys
import tempfile
from pathlib import Path

from vmware_pilot.executor import WorkflowExecutor
from vmware_pilot.models import Workflow, WorkflowState, WorkflowStep, WorkflowStore
from vmware_pilot import templates


def rows(db):
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT data FROM workflows ORDER BY id")]


def main(out):
    tmp = Path(tempfile.mkdtemp())
    db = tmp / "workflows.db"
    store = WorkflowStore(db)
    captured = []

    def snap():
        for data in rows(db):
            if data not in captured:
                captured.append(data)

    # agent mode through a gate, acknowledged
    wf = templates.BUILTIN_TEMPLATES["clone_and_test"](
        target_vm="web-01", change_spec={"cpu": 4, "memory_gb": 1.5}, snapshot_name="base"
    )
    store.save(wf)
    agent = WorkflowExecutor(store)
    agent.run_until_checkpoint(wf); store.save(wf); snap()
    agent.resume_after_approval(wf, "ops lead", acknowledge_not_executed=True); snap()
    agent.rollback(wf); snap()

    # a dispatcher: floats, unicode, nested errors, secrets
    def dispatch(skill, tool, params):
        if tool == "get_events":
            return {"events": [{"msg": "caf\u00e9 \u2192 \U0001F600", "ratio": 1e-05, "big": 1e16}], "n": 2.5}
        if tool == "acknowledge_vcenter_alarm":
            return {"error": "alarm gone", "hint": "look again", "token": "s3cr3t"}
        return {"ok": True, "password": "hunter2", "list": [1, None, True, "x\n\"y\""]}

    wf2 = templates.BUILTIN_TEMPLATES["incident_response"](alert_entity="esx-01", alert_name="CPU \u00e9")
    store.save(wf2)
    ex = WorkflowExecutor(store, dispatch=dispatch)
    ex.run_until_checkpoint(wf2); snap()
    ex.resume_after_approval(wf2, "wei"); snap()

    # rollback with results, partial and not_reversible entries
    wf3 = Workflow(
        id="wf-20261121-000000-abcdef", workflow_type="custom", state=WorkflowState.PENDING,
        steps=[
            WorkflowStep(index=0, action="clone", skill="aiops", tool="deploy_linked_clone",
                         params={"new_name": "stg", "password": "pw"}, rollback_tool="power_off_vm",
                         rollback_params={"vm_name": "stg", "Api_Key": "k"}),
            WorkflowStep(index=1, action="require_approval", skill="pilot", tool="approve",
                         params={"message": "ok? \u2014 yes"}),
            WorkflowStep(index=2, action="resize", skill="aiops", tool="reconfigure_vm",
                         params={"vm_name": "__from_step_0__:vm"}),
        ],
        params={"description": "d", "custom": True}, created_at="", updated_at="",
    )
    store.save(wf3)
    ex.run_until_checkpoint(wf3); snap()
    ex.resume_after_approval(wf3, "x"); snap()
    ex.rollback(wf3); snap()

    # cancel with a reason, and a 1.4-style row missing newer fields
    wf4 = templates.BUILTIN_TEMPLATES["rolling_restart"](vm_names=["a", "b"], target="vc")
    store.save(wf4)
    agent.cancel(wf4, "  change freeze  "); snap()

    # Upstream's prose (reasons, errors, messages) is not ours to commit: long texts are
    # replaced by a marker before the row is re-encoded exactly as upstream encodes rows.
    def elide(v):
        if isinstance(v, dict):
            return {k: (f"prose elided ({len(x)} chars)" if isinstance(x, str) and len(x) > 60
                        and k in ("reason", "error", "message", "detail", "left_behind") else elide(x))
                    for k, x in v.items()}
        if isinstance(v, list):
            return [elide(x) for x in v]
        return v
    final = [json.dumps(elide(json.loads(r)), default=str) for r in captured]
    Path(out).write_text(json.dumps(final, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(captured)} rows -> {out}")


if __name__ == "__main__":
    main(sys.argv[1])
