"""Replays tests/scenarios through ``vmware_pilot.core`` (the record-in/record-out API of our
wheel) the way core/tests/scenarios.rs replays them through the Rust core and
tests/node/scenario-runner.mjs through the npm package: same clock, same ids, same
expectations — and a transcript to compare with theirs event by event."""

from __future__ import annotations

import json
from pathlib import Path

from vmware_pilot import core

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
STORED_STEP_FIELDS = ("status", "result", "group_id", "started_at", "completed_at")
RECORD_OVERRIDES = ("state", "params", "created_by", "authors", "approved_by", "audit_log")


class Clock:
    """The Rust runner's clock: 2026-11-21T00:00:00Z plus one second per call."""

    def __init__(self) -> None:
        self.micros = 1_795_305_600_000_000
        self.entropy = 0

    def env(self, caller: str) -> dict:
        self.micros += 1_000_000
        self.entropy += 1
        return {"now_micros": self.micros, "utc_offset_seconds": 0, "entropy": self.entropy, "caller": caller}


def build(spec: dict, clock: Clock) -> dict:
    env = clock.env("tester")
    if "template" in spec:
        t = spec["template"]
        return core.create_from_template(t["name"], t.get("args", {}), env=env)
    specs = spec.get("steps", [])
    record = core.create_workflow(spec.get("type", "custom"), "scenario", [], env=env)
    # the steps as the core builds them from specs, without the gate check: a scenario may
    # start from any record
    record["steps"] = core.update_draft(core.design_draft("scenario", env=env), steps=specs, env=env)["steps"]
    for i, s in enumerate(specs):
        for key in STORED_STEP_FIELDS:
            if key in s:
                record["steps"][i][key] = s[key]
    for key in RECORD_OVERRIDES:
        if key in spec:
            record[key] = spec[key]
    return core.load_record(record)


def outcome_of(event: dict) -> dict:
    for key in ("returned", "raised"):
        if key in event:
            return {key: event[key]}
    if "unknown" in event:
        return {"unknown": event["unknown"], "payload": event.get("payload")}
    if "tool_result" in event:
        return {"tool_result": event["tool_result"]}
    raise ValueError(f"report event needs returned, raised, unknown or tool_result: {event}")


def apply(record: dict, event: dict, env: dict, mode: str, recovering: bool) -> tuple[dict, object, object]:
    """``(record, response, code)`` after one event."""
    preflight = None
    if "preflight_refuses" in event:
        reason = event["preflight_refuses"]

        def preflight(_steps):
            raise ValueError(reason)

    try:
        do = event["do"]
        if do == "run":
            t = core.run(record, mode=mode, env=env, preflight=preflight, recovering=recovering)
        elif do == "report":
            t = core.report(record, event["step"], outcome_of(event), mode=mode, env=env)
        elif do == "approve":
            t = core.approve(
                record,
                event.get("approver", ""),
                acknowledge_not_executed=bool(event.get("acknowledge_not_executed")),
                hold=event.get("hold") is True,
                mode=mode,
                env=env,
                preflight=preflight,
            )
        elif do == "rollback":
            t = core.rollback(record, mode=mode, env=env)
        elif do == "cancel":
            t = core.cancel(record, event.get("reason", ""), env=env)
        elif do in ("update_draft", "confirm_draft", "restart"):
            if do == "update_draft":
                nxt = core.update_draft(
                    record,
                    name=event.get("name", ""),
                    description=event.get("description", ""),
                    steps=event["steps"] if isinstance(event.get("steps"), list) else None,
                    env=env,
                )
            elif do == "confirm_draft":
                nxt = core.confirm_draft(record, env=env)
            else:  # a new process: only what storage holds survives
                nxt = core.from_stored_text(core.stored_text(record))
            return nxt, nxt, None
        else:
            raise ValueError(f"unknown event {do}")
        return t["record"], t["response"], None
    except core.PilotError as e:
        return record, e.details, e.code


def _matches(want, got) -> bool:
    if isinstance(want, dict):
        if "$contains" in want:
            return isinstance(got, str) and want["$contains"] in got
        if "$lacks" in want:
            return isinstance(got, str) and want["$lacks"] not in got
        if not isinstance(got, dict):
            return False
        return all(
            (got.get(k) is None) if v is None else (k in got and _matches(v, got[k])) for k, v in want.items()
        )
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(_matches(a, b) for a, b in zip(want, got))
    return json.dumps(want) == json.dumps(got)


def _failures(expect: dict, record: dict, resp, code, before: dict, audit_before: int) -> list[str]:
    resp = resp or {}
    audit = record["audit_log"][audit_before:]
    checks = {
        "outcome": lambda w: _matches(w, resp.get("outcome")),
        "error_code": lambda w: w == code,
        "error": lambda w: _matches(w, resp.get("error")),
        "state": lambda w: record["state"] == w,
        "statuses": lambda w: [s["status"] for s in record["steps"]] == w,
        "dispatch": lambda w: _matches(w, resp.get("dispatch", [])),
        "waiting_for": lambda w: resp.get("waiting_for") == w,
        "pending_dispatch": lambda w: [p["index"] for p in resp.get("pending_dispatch", [])] == w,
        "rollback_results": lambda w: _matches(w, record["rollback_results"]),
        "results": lambda w: all(_matches(r, record["steps"][int(i)]["result"]) for i, r in w.items()),
        "audit": lambda w: [a["action"] for a in audit] == w,
        "audit_details": lambda w: _matches(w, [a["detail"] for a in audit]),
        "unchanged": lambda w: (record == before) == (w is not False),
        "response": lambda w: _matches(w, resp),
        "record": lambda w: _matches(w, record),
    }
    bad = []
    for key, want in expect.items():
        if key not in checks:
            raise ValueError(f"unknown expectation {key}")
        if not checks[key](want):
            bad.append(f"expectation {key} = {json.dumps(want)} failed; response {json.dumps(resp)[:400]}")
    return bad


MODES = {"agent": "agent", "host": "host", "host_parallel": "host_parallel"}


def replay(name: str) -> tuple[list, list[str]]:
    """``(transcript, problems)`` for one scenario file."""
    sc = json.loads((SCENARIOS / name).read_text())
    clock = Clock()
    record = build(sc["workflow"], clock)
    transcript = [{"start": record}]
    problems: list[str] = []
    # the host that dispatched is live until a restart, after which the new process is
    # recovering; a scenario that starts from a record with a step running starts there
    recovering = any(s["status"] == "running" for s in record["steps"])
    for i, event in enumerate(sc["events"]):
        mode = MODES[event.get("mode", sc.get("mode", "agent"))]
        before = record
        audit_before = len(record["audit_log"])
        env = clock.env(event.get("caller", "tester"))
        record, resp, code = apply(record, event, env, mode, recovering)
        recovering = recovering or event["do"] == "restart"
        for p in _failures(event.get("expect", {}), record, resp, code, before, audit_before):
            problems.append(f"{name} event {i}: {p}")
        if code is not None and record != before:
            problems.append(f"{name} event {i}: a refusal changed the record")
        transcript.append({"response": resp, "code": code, "record": record})
    return transcript, problems
