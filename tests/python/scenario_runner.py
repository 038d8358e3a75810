"""Replays the scenario files of tests/scenarios through a `vmware_pilot` Python API.

The same runner drives our wheel (tests/python/test_scenarios.py) and, as a differential
check, upstream vmware-pilot 2.4.0 installed in another venv:

    /path/to/upstream/python tests/python/scenario_runner.py tests/scenarios

Host-mode scenarios go through WorkflowExecutor with a dispatch callable: each call takes
the next `report` event of the scenario, checks the expectations of the dispatch
checkpoint while the step is running, and returns (or raises) the reported result.
Events that only exist in the core's API (parallel dispatch, refused reports) are skipped,
as are expectations on error codes, which Python callers do not see.
"""

from __future__ import annotations

import json
import sys
import tempfile
import types
from pathlib import Path

from vmware_pilot.executor import StepEffectUnknownError, WorkflowExecutor
from vmware_pilot.models import Workflow, WorkflowState, WorkflowStep, WorkflowStore


class Mismatch(BaseException):
    """Not an Exception: the executor must not catch it as a failed dispatch."""


class Crash(BaseException):
    """The process dies mid-dispatch (a `restart` event while a step is in flight)."""


def matches(want, got) -> bool:
    if isinstance(want, dict) and "$contains" in want:
        return isinstance(got, str) and want["$contains"] in got
    if isinstance(want, dict) and "$lacks" in want:
        return isinstance(got, str) and want["$lacks"] not in got
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return False
        return all(
            (got.get(k) is None) if v is None else (k in got and matches(v, got[k]))
            for k, v in want.items()
        )
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(
            matches(a, b) for a, b in zip(want, got)
        )
    if isinstance(want, bool) or isinstance(got, bool):
        return type(want) is type(got) and want == got
    return want == got


def build(spec: dict) -> Workflow:
    if "template" in spec:
        from vmware_pilot.templates import BUILTIN_TEMPLATES
        t = spec["template"]
        return BUILTIN_TEMPLATES[t["name"]](**json.loads(json.dumps(t.get("args", {}))))
    steps = []
    for i, s in enumerate(spec.get("steps", [])):
        step = WorkflowStep(
            index=i,
            action=s.get("action", f"step_{i}"),
            skill=s.get("skill", "unknown"),
            tool=s.get("tool", "unknown"),
            params=json.loads(json.dumps(s.get("params", {}))),
            rollback_tool=s.get("rollback_tool", ""),
            rollback_params=json.loads(json.dumps(s.get("rollback_params", {}))),
        )
        for key in ("status", "result", "group_id", "started_at", "completed_at"):
            if key in s:
                setattr(step, key, json.loads(json.dumps(s[key])))
        steps.append(step)
    wf = Workflow(
        id="wf-20261121-000000-5ce7a0",
        workflow_type=spec.get("type", "custom"),
        state=WorkflowState(spec.get("state", "pending")),
        steps=steps,
        params=spec.get("params", {"description": "scenario", "custom": True}),
        created_at="2026-11-21T00:00:01+00:00",
        updated_at="2026-11-21T00:00:01+00:00",
        created_by=spec.get("created_by", "tester"),
    )
    if "authors" in spec:
        wf.authors = list(spec["authors"])
    if "approved_by" in spec:
        wf.approved_by = spec["approved_by"]
    if "audit_log" in spec:
        wf.audit_log = json.loads(json.dumps(spec["audit_log"]))
    return wf


def tool_result(tr: dict):
    content = [types.SimpleNamespace(**c) for c in tr.get("content", [])]
    return types.SimpleNamespace(
        isError=tr.get("isError", False), content=content,
        structuredContent=tr.get("structuredContent"),
    )


class Replay:
    def __init__(self, name: str, sc: dict, store: WorkflowStore, db: Path, upstream: bool = False):
        # upstream: relax the checks where we deliberately differ (undo write-ahead)
        self.upstream = upstream
        self.name, self.sc, self.store, self.db = name, sc, store, db
        self.wf = build(sc["workflow"])
        store.save(self.wf)
        self.events = list(enumerate(sc["events"]))
        self.checked = 0
        self.skipped = 0

    def check(self, i: int, expect: dict, response, statuses_now=None, dispatched=None, audit_from=0):
        wf = self.wf
        record = wf.to_dict()
        for key, want in expect.items():
            if key == "outcome":
                got = None if dispatched is not None else (response or {}).get("outcome")
                ok = (want == "dispatch" and dispatched is not None) or matches(want, got) if want is not None else got is None
                if want == "dispatch":
                    ok = dispatched is not None
            elif key == "error_code":
                ok = "error" in (response or {})
            elif key == "error":
                ok = matches(want, (response or {}).get("error"))
            elif key == "state":
                ok = record["state"] == want
            elif key == "statuses":
                ok = [s["status"] for s in record["steps"]] == want
            elif key == "dispatch":
                got = [dispatched] if dispatched is not None else []
                ok = len(want) == len(got) and all(matches(
                    {k: v for k, v in w.items() if k in ("index", "tool", "params")} if isinstance(w, dict) else w,
                    g) for w, g in zip(want, got))
            elif key == "pending_dispatch":
                ok = [p["index"] for p in (response or {}).get("pending_dispatch", [])] == want
            elif key == "rollback_results":
                ok = matches(want, record["rollback_results"])
            elif key == "results":
                ok = all(matches(w, record["steps"][int(k)]["result"]) for k, w in want.items())
            elif key == "audit":
                ok = [a["action"] for a in record["audit_log"][audit_from:]] == want
            elif key == "audit_details":
                ok = matches(want, [a["detail"] for a in record["audit_log"][audit_from:]])
            elif key == "unchanged":
                ok = True  # checked by the caller
            elif key == "response":
                ok = matches(want, response)
            elif key == "record":
                ok = matches(want, record)
            elif key == "waiting_for":
                self.skipped += 1
                continue
            else:
                raise Mismatch(f"{self.name} event {i}: unknown expectation {key}")
            if not ok:
                raise Mismatch(
                    f"{self.name} event {i}: {key} = {json.dumps(want)} failed\n"
                    f"  response: {json.dumps(response, default=str)[:1500]}\n"
                    f"  record: {json.dumps(record, default=str)[:1500]}"
                )
            self.checked += 1

    def run(self):
        mode_default = self.sc.get("mode", "agent")
        if self.sc.get("api") == "core":
            return "skipped (uses the core's step-by-step API: " + self.sc.get("why", "") + ")"
        if mode_default == "host_parallel" or any(
            e.get("mode") == "host_parallel" for _, e in self.events
        ):
            return "skipped (parallel dispatch is the core's API only)"
        queue = self.events
        while queue:
            i, event = queue.pop(0)
            mode = event.get("mode", mode_default)
            kind = event["do"]
            if kind == "report":
                self.skipped += 1  # a report the executor did not ask for (refused in the core)
                continue
            if "preflight_refuses" in event:
                reason = event["preflight_refuses"]
            else:
                reason = None
            pending = {"i": i, "expect": event.get("expect"), "audit_from": len(self.wf.audit_log)}

            def dispatch(skill, tool, params, _pending=pending):
                # the checkpoint the core would return: this step is running, dispatch it
                exp = _pending["expect"]
                index = running_index(self.wf)
                if index is None:  # an undo: upstream does not mark it running
                    index = undo_index(self.wf, tool)
                    if self.upstream and exp is not None:
                        exp = {k: v for k, v in exp.items() if k not in ("statuses", "rollback_results")}
                if exp is not None:
                    self.check(_pending["i"], exp, None,
                               dispatched={"index": index, "tool": tool, "params": params},
                               audit_from=_pending["audit_from"])
                if queue and queue[0][1]["do"] == "restart":
                    raise Crash()
                # reports the core refuses mid-dispatch cannot happen through this API
                while queue and queue[0][1]["do"] == "report" and "error_code" in (queue[0][1].get("expect") or {}):
                    queue.pop(0)
                    self.skipped += 1
                while queue and queue[0][1]["do"] != "report":
                    j, ev = queue.pop(0)
                    raise Mismatch(f"{self.name}: event {j} ({ev['do']}) during a dispatch is not replayable here")
                if not queue:
                    raise Crash()  # the scenario ends with this dispatch outstanding
                j, rep = queue.pop(0)
                if rep["step"] != index:
                    raise Mismatch(f"{self.name} event {j}: report for step {rep['step']} but step {index} is dispatched")
                rexp = rep.get("expect")
                if self.upstream and rexp and "tool_result" in rep and "results" in rexp:
                    # upstream keeps the raw result object; what a Python host stores is ours
                    rexp = {k: v for k, v in rexp.items() if k != "results"}
                    self.skipped += 1
                _pending.update(i=j, expect=rexp, audit_from=len(self.wf.audit_log))
                if "returned" in rep:
                    return json.loads(json.dumps(rep["returned"]))
                if "raised" in rep:
                    raise RuntimeError(rep["raised"])
                if "unknown" in rep:
                    raise StepEffectUnknownError(rep["unknown"], rep.get("payload"))
                return tool_result(rep["tool_result"])

            if reason is not None:
                def _pf(steps, _r=reason):
                    raise ValueError(_r)
                dispatch.preflight = _pf
            ex = WorkflowExecutor(self.store, dispatch=dispatch if mode != "agent" else None)
            before = json.dumps(self.wf.to_dict(), default=str)
            try:
                if kind == "run":
                    resp = ex.run_until_checkpoint(self.wf)
                elif kind == "approve":
                    resp = ex.resume_after_approval(self.wf, event.get("approver", ""),
                                                    acknowledge_not_executed=event.get("acknowledge_not_executed", False))
                elif kind == "rollback":
                    resp = ex.rollback(self.wf)
                else:
                    resp = None
            except Crash:
                # the process died with the step in flight: only the database survives
                self.store = WorkflowStore(self.db)
                self.wf = self.store.load(self.wf.id)
                continue
            if kind in ("run", "approve", "rollback"):
                pass
            elif kind == "cancel":
                resp = ex.cancel(self.wf, event.get("reason", ""))
            elif kind == "restart":
                self.store.save(self.wf)
                self.store = WorkflowStore(self.db)
                self.wf = self.store.load(self.wf.id)
                resp = self.wf.to_dict()
            elif kind in ("update_draft", "confirm_draft"):
                return "skipped (draft tools are MCP-level upstream)"
            else:
                raise Mismatch(f"unknown event {kind}")
            if pending["expect"] is not None:
                exp = pending["expect"]
                self.check(pending["i"], exp, resp, audit_from=pending["audit_from"])
                if exp.get("unchanged"):
                    if json.dumps(self.wf.to_dict(), default=str) != before:
                        raise Mismatch(f"{self.name} event {i}: record changed on a refusal")
        return f"ok ({self.checked} checks, {self.skipped} skipped)"


def undo_index(wf, tool):
    for s in reversed(wf.steps):
        if s.status == "success" and s.rollback_tool == tool:
            return s.index
    return None


def running_index(wf):
    for s in wf.steps:
        if s.status == "running":
            return s.index
    return None


def replay_all(folder: Path, only_upstream_compatible: bool = False):
    upstream = only_upstream_compatible
    results = {}
    for path in sorted(folder.glob("*.json")):
        sc = json.loads(path.read_text())
        if only_upstream_compatible and sc.get("upstream") is False:
            results[path.name] = "skipped (deliberately differs from upstream: " + sc.get("differs", "") + ")"
            continue
        tmp = Path(tempfile.mkdtemp())
        db = tmp / "workflows.db"
        try:
            results[path.name] = Replay(path.name, sc, WorkflowStore(db), db, upstream).run()
        except Mismatch as e:
            results[path.name] = "MISMATCH: " + str(e)
    return results


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/scenarios")
    res = replay_all(folder, only_upstream_compatible=True)
    bad = 0
    for name, r in res.items():
        print(f"{name}: {r}")
        bad += r.startswith("MISMATCH")
    print(f"{len(res)} scenarios, {bad} mismatches")
    sys.exit(1 if bad else 0)
