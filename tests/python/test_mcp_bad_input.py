"""Bad input at the MCP layer, through the real server over stdio (official MCP client).

Malformed and missing params, wrong types, huge strings, deeply nested JSON, unknown params,
malformed steps, invalid template names, and damaged rows in workflows.db (invalid UTF-8,
invalid JSON, wrong shapes). Every call must come back as a clean refusal — an MCP error
frame or a JSON ``{"error": ...}`` answer, never a traceback — within a time limit; the
server must answer the next call; and a refused call must leave the ``workflows`` table
exactly as it was (a dump before and after every call is compared).

A few inputs are valid however odd (a 5 MB goal is still a goal): those are listed apart
("accepted") and must only come back clean, with the server still answering.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcp_client import pilot_session

CALL_TIMEOUT = 60.0
HUGE = 5 * 1024 * 1024
#: vmware-policy's audit scrubs every string argument and answer with regexes (about 1.3 s per
#: MB): 5 MB goes where the server refuses it before the tool runs, or once per kind of path;
#: the other huge-string cases use 512 kB to keep the test's time reasonable.
BIG = 512 * 1024

TOOLS = [
    "create_workflow", "design_workflow", "update_draft", "confirm_draft", "create_workflow_from_template",
    "run_workflow", "approve", "rollback", "cancel_workflow", "review_workflow", "get_workflow_status",
    "list_workflows", "get_skill_catalog",
]

GATE = {"action": "require_approval", "skill": "pilot", "tool": "approve", "params": {"message": "ok?"}}
READ_STEP = {"action": "look", "skill": "aiops", "tool": "get_vm_info", "params": {"vm_name": "x"}}


def _nest(depth: int, kind: str) -> Any:
    x: Any = 1
    for _ in range(depth):
        x = [x] if kind == "list" else {"k": x}
    return x


def _nest_text(depth: int, kind: str) -> str:
    """The same as JSON text, built without recursion (json.dumps cannot write it)."""
    return "[" * depth + "1" + "]" * depth if kind == "list" else '{"k":' * depth + "1" + "}" * depth


def _dump(db: Path) -> list[tuple]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        conn.text_factory = bytes  # compare raw bytes: damaged rows are not valid UTF-8
        return conn.execute("SELECT id, type, state, data, created_at, updated_at, typeof(data) "
                            "FROM workflows ORDER BY id").fetchall()


@dataclass
class Tally:
    refused: dict[str, int] = field(default_factory=dict)   # category -> bad inputs refused cleanly
    accepted: dict[str, int] = field(default_factory=dict)  # category -> odd but valid inputs answered
    failures: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")
    seconds: dict[str, float] = field(default_factory=dict)  # category -> time spent
    largest_answer: tuple[int, str] = (0, "")

    @property
    def total(self) -> int:
        return sum(self.refused.values()) + sum(self.accepted.values())


class Prober:
    """Runs bad calls on one server session and checks each answer and the table."""

    def __init__(self, session: Any, db: Path, tally: Tally, ping_id: str) -> None:
        self.s, self.db, self.tally, self.ping_id = session, db, tally, ping_id
        self.pings = 0
        self.accepted_ids: list[str] = []
        self._watch = sqlite3.connect(db)

    def version(self) -> int:
        """Moves whenever another connection commits to the database (any write at all)."""
        return self._watch.execute("PRAGMA data_version").fetchone()[0]

    async def _call(self, tool: str, args: dict[str, Any]) -> tuple[bool, str, float]:
        t0 = time.monotonic()
        result = await asyncio.wait_for(self.s.call_tool(tool, args), CALL_TIMEOUT)
        took = time.monotonic() - t0
        text = "".join(getattr(c, "text", "") for c in result.content)
        return bool(result.isError), text, took

    async def ping(self, label: str) -> None:
        """The server still answers (a crashed or wedged server fails here, not later). A new id
        each time: vmware-policy's runaway guard refuses the 26th identical call in 120 s."""
        self.pings += 1
        probe = f"wf-ping-{self.pings}"
        is_err, text, _ = await self._call("get_workflow_status", {"workflow_id": probe})
        if text != json.dumps({"error": f"Workflow '{probe}' not found"}, indent=2):
            self.tally.failures.append(f"{label}: the server no longer answers a plain call: {text[:200]}")

    def _clean_refusal(self, is_err: bool, text: str) -> str | None:
        """Why this answer is not a clean refusal, or None."""
        if "Traceback (most recent call last)" in text:
            return "a traceback reached the client"
        if not is_err:
            return "not an error frame"
        if text.startswith("Error executing tool "):
            return None
        try:
            body = json.loads(text)
        except ValueError:
            return "an error frame that is neither a tool error nor a JSON answer"
        if not (isinstance(body, dict) and body.get("error")):
            return "an error frame without an 'error'"
        return None

    async def refuse(self, category: str, tool: str, args: dict[str, Any], label: str = "") -> None:
        """A bad input: a clean refusal, the table untouched, the server alive."""
        label = f"[{category}] {tool} {label or _short(args)}"
        before = self.version()
        try:
            is_err, text, took = await self._call(tool, args)
        except Exception as exc:  # noqa: BLE001 — a timeout or a dead transport
            self.tally.failures.append(f"{label}: no clean answer: {type(exc).__name__}: {str(exc)[:200]}")
            raise
        self._note(label, text, took)
        why = self._clean_refusal(is_err, text)
        if why:
            self.tally.failures.append(f"{label}: {why}: {text[:300]}")
        if self.version() != before:
            self.tally.failures.append(f"{label}: the refused call wrote to the database")
        self.tally.refused[category] = self.tally.refused.get(category, 0) + 1
        await self.ping(label)

    async def answer(self, category: str, tool: str, args: dict[str, Any], label: str = "") -> tuple[bool, str]:
        """An odd but valid input: any clean answer, the server alive."""
        label = f"[{category}] {tool} {label or _short(args)}"
        is_err, text, took = await self._call(tool, args)
        self._note(label, text, took)
        if "Traceback (most recent call last)" in text:
            self.tally.failures.append(f"{label}: a traceback reached the client")
        if is_err and self._clean_refusal(is_err, text):
            self.tally.failures.append(f"{label}: unclean error: {text[:300]}")
        self.tally.accepted[category] = self.tally.accepted.get(category, 0) + 1
        if not is_err and tool in ("create_workflow", "create_workflow_from_template", "design_workflow"):
            self.accepted_ids.append(json.loads(text)["workflow_id"])
        await self.ping(label)
        return is_err, text

    def _note(self, label: str, text: str, took: float) -> None:
        cat = label[1:label.index("]")]
        self.tally.seconds[cat] = self.tally.seconds.get(cat, 0.0) + took
        if took > self.tally.slowest[0]:
            self.tally.slowest = (took, label)
        if len(text) > self.tally.largest_answer[0]:
            self.tally.largest_answer = (len(text), label)


def _short(args: dict[str, Any]) -> str:
    text = json.dumps(args, default=str)
    return text if len(text) < 90 else text[:87] + "..."


async def _fixtures(s: Any) -> dict[str, str]:
    """Workflows in every interesting state, made with valid calls."""
    ids = {}
    r = await s.call_tool("create_workflow_from_template", {"workflow_type": "rolling_restart",
                                                            "params": {"vm_names": ["web-01"], "target": "vc"}})
    ids["pending"] = json.loads(r.content[0].text)["workflow_id"]
    r = await s.call_tool("create_workflow_from_template", {"workflow_type": "rolling_restart",
                                                            "params": {"vm_names": ["web-02"]}})
    ids["awaiting"] = json.loads(r.content[0].text)["workflow_id"]
    r = await s.call_tool("run_workflow", {"workflow_id": ids["awaiting"]})
    assert json.loads(r.content[0].text)["outcome"] == "awaiting_approval"
    r = await s.call_tool("design_workflow", {"goal": "restart a replica"})
    ids["draft"] = json.loads(r.content[0].text)["workflow_id"]
    r = await s.call_tool("update_draft", {"workflow_id": ids["draft"], "name": "replica_restart",
                                           "steps": [GATE, READ_STEP]})
    assert not r.isError
    r = await s.call_tool("design_workflow", {"goal": "a draft with a bad name"})
    ids["badname_draft"] = json.loads(r.content[0].text)["workflow_id"]
    r = await s.call_tool("update_draft", {"workflow_id": ids["badname_draft"], "name": "../../escape",
                                           "steps": [GATE, READ_STEP]})
    assert not r.isError
    r = await s.call_tool("design_workflow", {"goal": "scratch"})
    ids["scratch_draft"] = json.loads(r.content[0].text)["workflow_id"]
    r = await s.call_tool("create_workflow_from_template", {"workflow_type": "disaster_recovery",
                                                            "params": {"vm_name": "db01"}})
    ids["cancelled"] = json.loads(r.content[0].text)["workflow_id"]
    r = await s.call_tool("cancel_workflow", {"workflow_id": ids["cancelled"], "confirm": True})
    assert json.loads(r.content[0].text)["state"] == "cancelled"
    return ids


# Every tool's parameters: (name, kind, required)
PARAMS: dict[str, list[tuple[str, str, bool]]] = {
    "create_workflow": [("name", "str", True), ("description", "str", True), ("steps", "list", True),
                        ("save_as_template", "bool", False)],
    "design_workflow": [("goal", "str", True), ("constraints", "str", False)],
    "update_draft": [("workflow_id", "str", True), ("name", "str", False), ("description", "str", False),
                     ("steps", "list?", False)],
    "confirm_draft": [("workflow_id", "str", True), ("save_as_template", "bool", False)],
    "create_workflow_from_template": [("workflow_type", "str", True), ("params", "dict", True)],
    "run_workflow": [("workflow_id", "str", True), ("force", "bool", False)],
    "approve": [("workflow_id", "str", True), ("approver", "str", False),
                ("acknowledge_not_executed", "bool", False)],
    "rollback": [("workflow_id", "str", True), ("confirm", "bool", False),
                 ("acknowledge_unknown_effects", "bool", False)],
    "cancel_workflow": [("workflow_id", "str", True), ("reason", "str", False), ("confirm", "bool", False),
                        ("acknowledge_unknown_effects", "bool", False)],
    "review_workflow": [("workflow_id", "str", True)],
    "get_workflow_status": [("workflow_id", "str", True)],
    "list_workflows": [],
    "get_skill_catalog": [],
}

WRONG = {
    "str": [{"a": 1}, ["a"], 5, 1.5, None, True],
    "bool": ["maybe", ["x"], {"a": 1}, 7, 1.5, None],
    "dict": ["not json", "[1, 2]", ["a"], 5, None, True],
    "list": ["not json", '{"a": 1}', {"a": 1}, 5, None, "[1, 2"],
    "list?": ["not json", '{"a": 1}', {"a": 1}, 5, True],
}


def _valid_args(tool: str, ids: dict[str, str]) -> dict[str, Any]:
    """Arguments that would act (change the store) if the call were not refused."""
    return {
        "create_workflow": {"name": "wf_ok", "description": "d", "steps": [GATE, READ_STEP]},
        "design_workflow": {"goal": "g"},
        "update_draft": {"workflow_id": ids["draft"], "name": "renamed"},
        "confirm_draft": {"workflow_id": ids["draft"]},
        "create_workflow_from_template": {"workflow_type": "compliance_scan", "params": {"target": "vc"}},
        "run_workflow": {"workflow_id": ids["pending"]},
        "approve": {"workflow_id": ids["awaiting"], "approver": "ops", "acknowledge_not_executed": True},
        "rollback": {"workflow_id": ids["awaiting"], "confirm": True},
        "cancel_workflow": {"workflow_id": ids["pending"], "confirm": True, "reason": "r"},
        "review_workflow": {"workflow_id": ids["pending"]},
        "get_workflow_status": {"workflow_id": ids["pending"]},
        "list_workflows": {},
        "get_skill_catalog": {},
    }[tool]


#: Steps create_workflow / update_draft cannot read: not objects, or fields of the wrong type.
MALFORMED_STEPS: list[Any] = [
    [1], ["step"], [None], [[]], [GATE, 5], [GATE, [READ_STEP]],
    [{"action": "a", "skill": "aiops", "tool": "get_vm_info", "params": ["x"]}],  # params a list
    [{"action": "a", "skill": "aiops", "tool": "get_vm_info", "params": "x=1"}],  # params a string
    [{"action": "a", "skill": "aiops", "tool": "get_vm_info", "params": 5}],
    [{"action": 5, "skill": "aiops", "tool": "get_vm_info", "params": {}}],
    [{"action": "a", "skill": ["aiops"], "tool": "get_vm_info", "params": {}}],
    [{"action": "a", "skill": "aiops", "tool": {"n": 1}, "params": {}}],
    [GATE, {**READ_STEP, "rollback_params": "undo"}],
    [GATE, {**READ_STEP, "rollback_tool": 5}],
]
#: Odd steps the contract (spec §5.4) reads with defaults or ignores: valid input. create_workflow
#: still refuses the ungated ones (the gate rule); update_draft saves them (a draft may be ungated).
LENIENT_STEPS: list[Any] = [
    [{}],
    [{"skill": "aiops", "tool": "get_vm_info", "params": {}}],  # no action -> step_0
    [{"action": "a", "tool": "get_vm_info", "params": {}}],  # no skill -> unknown
    [{"action": "a", "skill": "aiops", "params": {}}],  # no tool -> unknown
    [{"action": "wipe", "skill": "aiops", "tool": "delete_vm", "params": {"vm_name": "x", "confirm": True}}],
    [{"action": "x", "skill": "nosuch", "tool": "frobnicate", "params": {}}],
    [GATE, {**READ_STEP, "index": "zero", "status": ["success"], "colour": "red"}],  # other keys ignored
]

#: Names no template has (create_workflow_from_template refuses every one).
UNKNOWN_TEMPLATES = ["../../etc/passwd", "..", "a/b", "a\\b", "", " ", "\x00", "nul\x00byte", "rolling_restart\n",
                     "ROLLING_RESTART", ".hidden", "x" * 300, "\u202etxt.yaml", "rolling_restart.yaml"]
#: Names a template may not be saved as (create_workflow(save_as_template=True) refuses them and
#: stores nothing): empty, path separators, a leading dot, NUL, longer than a file name can be.
UNSAVABLE_NAMES = ["../../etc/passwd", "..", "a/b", "a\\b", "", "\x00", "nul\x00byte", ".hidden", "x" * 300]


async def _tool_inputs(p: Prober, ids: dict[str, str]) -> None:
    # 1. missing required params (one at a time, and all of them)
    for tool, params in PARAMS.items():
        required = [n for n, _, req in params if req]
        full = _valid_args(tool, ids)
        for name in required:
            await p.refuse("missing param", tool, {k: v for k, v in full.items() if k != name}, f"without {name}")
        if len(required) > 1:
            optional = {k: v for k, v in full.items() if k not in required}
            await p.refuse("missing param", tool, optional, "without any required param")
    # 2. wrong types, on arguments that would otherwise act
    for tool, params in PARAMS.items():
        for name, kind, _ in params:
            for bad in WRONG[kind]:
                await p.refuse("wrong type", tool, {**_valid_args(tool, ids), name: bad},
                               f"{name}={json.dumps(bad)[:30]}")
    # 3. unknown params (alone, and beside arguments that would act)
    for tool in TOOLS:
        await p.refuse("unknown param", tool, {**_valid_args(tool, ids), "bogus": 1})
        await p.refuse("unknown param", tool, {**_valid_args(tool, ids), "confirm ": True, "Workflow_Id": "x"})
    await p.refuse("unknown param", "run_workflow", {"workflow_id": ids["pending"], "dispatch": True})
    # 4. not a params object at all: positional-looking, nested under the wrong key
    await p.refuse("malformed params", "run_workflow", {"arguments": {"workflow_id": ids["pending"]}})
    await p.refuse("malformed params", "approve", {"": ids["awaiting"]})
    # 5. malformed steps lists
    for steps in MALFORMED_STEPS:
        await p.refuse("malformed steps", "create_workflow", {"name": "bad_steps", "description": "d", "steps": steps})
        await p.refuse("malformed steps", "update_draft", {"workflow_id": ids["draft"], "steps": steps})
    await p.refuse("malformed steps", "update_draft", {"workflow_id": ids["pending"], "steps": [GATE, READ_STEP]},
                   "on a workflow that is not a draft")
    for steps in LENIENT_STEPS:
        gated = any(st.get("action") == "require_approval" for st in steps) or all(
            st.get("tool", "unknown") in ("get_vm_info",) for st in steps)
        if gated:
            await p.answer("odd steps (valid)", "create_workflow", {"name": "odd", "description": "d", "steps": steps})
        else:
            await p.refuse("malformed steps", "create_workflow", {"name": "odd", "description": "d", "steps": steps},
                           "ungated " + _short({"steps": steps}))
        await p.answer("odd steps (valid)", "update_draft", {"workflow_id": ids["scratch_draft"], "steps": steps})
    # 6. invalid template names
    for name in UNKNOWN_TEMPLATES:
        await p.refuse("template name", "create_workflow_from_template", {"workflow_type": name, "params": {}},
                       repr(name)[:40])
    for name in UNSAVABLE_NAMES:
        await p.refuse("template name", "create_workflow",
                       {"name": name, "description": "d", "steps": [GATE, READ_STEP], "save_as_template": True},
                       repr(name)[:40])
    await p.refuse("template name", "create_workflow",
                   {"name": "rolling_restart", "description": "d", "steps": [GATE, READ_STEP],
                    "save_as_template": True}, "a built-in's name")
    await p.refuse("template name", "confirm_draft", {"workflow_id": ids["badname_draft"], "save_as_template": True},
                   "a draft named '../../escape'")
    await p.refuse("template name", "create_workflow_from_template",
                   {"workflow_type": "rolling_restart", "params": {"vm_names": ["a"], "speed": 3}}, "unknown template param")
    # 7. huge strings where they cannot be valid
    huge, big = "x" * HUGE, "x" * BIG
    await p.refuse("huge string", "get_workflow_status", {"workflow_id": huge}, "workflow_id=5MB")
    await p.refuse("huge string", "run_workflow", {"workflow_id": ids["pending"], "force": huge}, "force=5MB")
    await p.refuse("huge string", "approve", {"workflow_id": ids["awaiting"], "approver": ["x", huge]},
                   "approver=[..5MB]")
    await p.refuse("huge string", "create_workflow_from_template", {"workflow_type": "compliance_scan", "params": huge},
                   "params=5MB (not JSON)")
    await p.refuse("huge string", "create_workflow", {"name": "h", "description": "d", "steps": "[" + huge},
                   "steps=5MB (not JSON)")
    await p.refuse("huge string", "update_draft", {"workflow_id": ids["draft"], "steps": '[{"a": "' + huge},
                   "steps=5MB (not JSON)")
    await p.refuse("huge string", "cancel_workflow", {"workflow_id": ids["pending"], "confirm": True, huge[:1000]: 1},
                   "an unknown param named by 1000 characters")
    for tool, params in PARAMS.items():
        if tool != "get_workflow_status" and any(n == "workflow_id" for n, _, _ in params):
            await p.refuse("huge string", tool, {**_valid_args(tool, ids), "workflow_id": big}, "workflow_id=512kB")
    await p.refuse("huge string", "create_workflow_from_template", {"workflow_type": big, "params": {}},
                   "workflow_type=512kB")
    await p.refuse("huge string", "create_workflow",
                   {"name": "h", "description": "d", "steps": [{"action": "a", "skill": "nosuch", "tool": big, "params": {}}]},
                   "an ungated step whose tool is 512kB")
    await p.refuse("huge string", "create_workflow",
                   {"name": big, "description": "d", "steps": [GATE, READ_STEP], "save_as_template": True},
                   "template name=512kB")
    # 8. deeply nested JSON
    # the official client's serializer stops far below 10,000 levels, so those go in as JSON
    # text, which the server parses itself (FastMCP reads an object/array param given as a string)
    for depth in (10_000, 100_000):
        for kind in ("list", "dict"):
            text = _nest_text(depth, kind)
            await p.refuse("deep nesting", "create_workflow_from_template",
                           {"workflow_type": "compliance_scan", "params": text}, f"params as text, {kind} depth {depth}")
            await p.refuse("deep nesting", "create_workflow", {"name": "deep", "description": "d", "steps": text},
                           f"steps as text, {kind} depth {depth}")
            await p.refuse("deep nesting", "update_draft", {"workflow_id": ids["draft"], "steps": text},
                           f"steps as text, {kind} depth {depth}")
        await p.answer("deep nesting (valid)", "create_workflow_from_template",
                       {"workflow_type": "compliance_scan", "params": {"target": _nest_text(depth, "list")}},
                       f"brackets 2x{depth} as a template's string param (a string)")
    for kind in ("list", "dict"):
        deep = _nest(90, kind)
        await p.refuse("deep nesting", "create_workflow_from_template",
                       {"workflow_type": "compliance_scan", "params": {"target": deep}}, f"{kind} depth 90 as target")
        await p.refuse("deep nesting", "create_workflow",
                       {"name": "deep", "description": "d", "steps": [{"action": "a", "skill": "nosuch", "tool": "t",
                                                                       "params": {"p": deep}}]},
                       f"{kind} depth 90 in an ungated step")
        await p.refuse("deep nesting", "approve", {"workflow_id": ids["awaiting"], "approver": deep}, f"approver = {kind} depth 90")


async def _accepted_inputs(p: Prober, ids: dict[str, str]) -> None:
    """Odd but valid: answered cleanly, and what is stored reads back."""
    huge = "g" * HUGE
    is_err, text = await p.answer("huge string (valid)", "design_workflow", {"goal": huge}, "goal=5MB")
    assert not is_err
    wf = json.loads(text)["workflow_id"]
    with sqlite3.connect(p.db) as conn:  # read back from the row: a 5 MB answer costs ~7 s to audit
        stored = json.loads(conn.execute("SELECT data FROM workflows WHERE id = ?", (wf,)).fetchone()[0])
    assert stored["params"]["goal"] == huge
    for kind in ("list", "dict"):
        deep = _nest(90, kind)
        steps = [GATE, {**READ_STEP, "params": {"vm_name": "x", "extra": deep}}]
        is_err, text = await p.answer("deep nesting (valid)", "create_workflow",
                                      {"name": "deep_ok", "description": "d", "steps": steps}, f"{kind} depth 90 in params")
        assert not is_err, text[:300]
        wf = json.loads(text)["workflow_id"]
        is_err, text = await p.answer("deep nesting (valid)", "get_workflow_status", {"workflow_id": wf})
        assert not is_err and json.loads(text)["steps"][1]["params"]["extra"] == deep


# ── damaged rows ─────────────────────────────────────────────────────────────────────────

def _good_record(wf_id: str) -> dict[str, Any]:
    return {
        "id": wf_id, "workflow_type": "custom", "state": "awaiting_approval",
        "steps": [
            {"index": 0, "action": "look", "skill": "aiops", "tool": "get_vm_info", "params": {"vm_name": "x"},
             "status": "success", "result": {"ok": True}, "started_at": "", "completed_at": "", "rollback_tool": "",
             "rollback_params": {}, "group_id": ""},
            {"index": 1, "action": "require_approval", "skill": "pilot", "tool": "approve", "params": {},
             "status": "pending", "result": None, "started_at": "", "completed_at": "", "rollback_tool": "",
             "rollback_params": {}, "group_id": ""},
        ],
        "params": {"custom": True}, "created_at": "2026-01-01T00:00:00+00:00",
        "updated_at": "2026-01-01T00:00:00+00:00", "approved_by": "", "diff_report": {}, "audit_log": [],
        "blocked_reason": "", "rollback_results": [], "created_by": "", "authors": [],
    }


def _damaged_rows() -> list[tuple[str, str, Any]]:
    """(id, what is wrong, data) — data as str (TEXT), bytes (written as TEXT, unchecked) or
    ("blob", bytes)."""
    rows: list[tuple[str, str, Any]] = []

    def shape(name: str, change: Any) -> None:
        rec = _good_record(f"wf-bad-{name}")
        change(rec)
        rows.append((f"wf-bad-{name}", name, json.dumps(rec)))

    good = json.dumps(_good_record("wf-bad-utf8"))
    rows.append(("wf-bad-utf8", "invalid UTF-8 in the JSON text", good.replace('"x"', '"\udcff"', 1)
                 .encode("utf-8", "surrogateescape").replace(b"\xed\xb3\xbf", b"\xff\xfe\xc3")))
    rows.append(("wf-bad-utf8-lone", "a lone continuation byte", good.encode().replace(b'"custom"', b'"cu\x80stom"', 1)))
    rows.append(("wf-bad-blob", "invalid UTF-8 stored as a BLOB", ("blob", b"\xff\xfe{\x00\x80")))
    rows.append(("wf-bad-nul", "NUL bytes in the text", good.encode().replace(b'"x"', b'"\x00\x00"', 1)))
    for name, text in [("empty", ""), ("not-json", "{not json"), ("truncated", good[: len(good) // 2]),
                       ("null", "null"), ("list", "[]"), ("number", "42"), ("string", '"wf"'),
                       ("trailing", good + "}garbage"), ("nan-id", good.replace('"wf-bad-utf8"', "NaN", 1))]:
        rows.append((f"wf-bad-{name}", f"invalid JSON / not an object: {name}", text))
    rows.append(("wf-bad-deep-list", "data nested 100,000 deep (lists)",
                 good.replace('{"vm_name": "x"}', '{"vm_name": ' + _nest_text(100_000, "list") + "}", 1)))
    rows.append(("wf-bad-deep-dict", "data nested 100,000 deep (objects)",
                 good.replace('{"vm_name": "x"}', _nest_text(100_000, "dict"), 1)))
    shape("empty-object", lambda r: r.clear())
    shape("no-id", lambda r: r.pop("id"))
    shape("no-state", lambda r: r.pop("state"))
    shape("state-bogus", lambda r: r.update(state="exploded"))
    shape("state-number", lambda r: r.update(state=3))
    shape("steps-string", lambda r: r.update(steps="0,1"))
    shape("steps-object", lambda r: r.update(steps={"0": {}}))
    shape("steps-null", lambda r: r.update(steps=None))
    shape("step-number", lambda r: r["steps"].append(7))
    shape("step-no-tool", lambda r: r["steps"][0].pop("tool"))
    shape("step-params-list", lambda r: r["steps"][0].update(params=["vm"]))
    shape("step-index-string", lambda r: r["steps"][1].update(index="one"))
    shape("step-status-bogus", lambda r: r["steps"][1].update(status="exploded"))
    shape("step-unknown-field", lambda r: r["steps"][1].update(colour="red"))
    shape("audit-not-list", lambda r: r.update(audit_log="nothing"))
    shape("params-list", lambda r: r.update(params=[1, 2]))
    shape("authors-number", lambda r: r.update(authors=5))
    shape("created-at-object", lambda r: r.update(created_at={"y": 2026}))
    shape("id-mismatch", lambda r: r.update(id="wf-somebody-else"))
    return rows


def _write_rows(db: Path, rows: list[tuple[str, str, Any]]) -> None:
    with sqlite3.connect(db) as conn:
        for wf_id, _, data in rows:
            if isinstance(data, tuple):
                sql, value = "?", data[1]  # a real BLOB
            elif isinstance(data, bytes):
                sql, value = "CAST(? AS TEXT)", data  # TEXT holding bytes SQLite never checked
            else:
                sql, value = "?", data
            conn.execute(
                f"INSERT INTO workflows (id, type, state, data, created_at, updated_at) VALUES (?, 'custom', "
                f"'awaiting_approval', {sql}, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
                (wf_id, value),
            )


async def _damaged(p: Prober, db: Path, rows: list[tuple[str, str, Any]]) -> None:
    for wf_id, what, _ in rows:
        cat = "damaged row"
        # reads: a clean answer (an error, or the record if it still reads as one)
        for tool in ("get_workflow_status",):
            before = p.version()
            await p.answer(cat, tool, {"workflow_id": wf_id}, f"{wf_id} ({what})")
            if p.version() != before:
                p.tally.failures.append(f"[{cat}] {tool} {wf_id}: a read changed the table")
        # writes: refused, and nothing changes
        await p.refuse(cat, "run_workflow", {"workflow_id": wf_id}, f"{wf_id} ({what})")
        await p.refuse(cat, "approve", {"workflow_id": wf_id, "approver": "ops", "acknowledge_not_executed": True},
                       f"{wf_id} ({what})")
        await p.refuse(cat, "rollback", {"workflow_id": wf_id, "confirm": True}, f"{wf_id} ({what})")
        await p.refuse(cat, "cancel_workflow", {"workflow_id": wf_id, "confirm": True}, f"{wf_id} ({what})")
        await p.refuse(cat, "update_draft", {"workflow_id": wf_id, "steps": [GATE, READ_STEP]}, f"{wf_id} ({what})")
        await p.refuse(cat, "confirm_draft", {"workflow_id": wf_id}, f"{wf_id} ({what})")
        # previews change nothing either, and answer cleanly
        for tool in ("rollback", "cancel_workflow"):
            before = p.version()
            await p.answer(cat, tool, {"workflow_id": wf_id}, f"{wf_id} preview ({what})")
            if p.version() != before:
                p.tally.failures.append(f"[{cat}] {tool} preview {wf_id}: changed the table")
    before = _dump(db)
    await p.answer("damaged row", "list_workflows", {}, "with every damaged row in the table")
    if _dump(db) != before:
        p.tally.failures.append("[damaged row] list_workflows changed the table")


def _report(tally: Tally, took: float) -> str:
    lines = [f"bad inputs tried: {tally.total} in {took:.1f}s "
             f"(refused {sum(tally.refused.values())}, odd-but-valid answered {sum(tally.accepted.values())})"]
    lines += [f"  refused  {k}: {v} ({tally.seconds.get(k, 0):.1f}s in calls)" for k, v in tally.refused.items()]
    lines += [f"  answered {k}: {v}" for k, v in tally.accepted.items()]
    lines.append(f"  slowest call {tally.slowest[0]:.2f}s: {tally.slowest[1][:100]}")
    lines.append(f"  largest answer {tally.largest_answer[0]} chars: {tally.largest_answer[1][:100]}")
    return "\n".join(lines)


def test_bad_input_over_stdio_gets_clean_refusals_and_changes_nothing(tmp_path):
    tally = Tally()
    t0 = time.monotonic()

    async def go() -> None:
        db = tmp_path / ".vmware" / "workflows.db"
        async with pilot_session(tmp_path) as (s, _):
            ids = await _fixtures(s)
            p = Prober(s, db, tally, ids["pending"])
            before = _dump(db)
            await _tool_inputs(p, ids)
            lenient = {ids["scratch_draft"]}  # update_draft of odd-but-valid steps changed it
            changed = [r[0] for r in _dump(db) if r not in before and r[0].decode() not in lenient]
            added_by_valid = p.accepted_ids
            if sorted(c.decode() for c in changed) != sorted(added_by_valid):
                tally.failures.append(f"rows changed other than by the valid calls: {changed} vs {added_by_valid}")
            rows = _damaged_rows()
            _write_rows(db, rows)
            before = _dump(db)
            await _damaged(p, db, rows)
            if _dump(db) != before:
                tally.failures.append("the damaged-row section changed the table")
            # the fixtures are exactly as they were made: nothing refused touched them
            for key, state in (("pending", "pending"), ("awaiting", "awaiting_approval"), ("draft", "draft"),
                               ("cancelled", "cancelled")):
                r = await s.call_tool("get_workflow_status", {"workflow_id": ids[key]})
                text = r.content[0].text
                if r.isError or json.loads(text)["state"] != state:
                    tally.failures.append(f"fixture {key} is no longer {state}: {text[:300]}")
            await _accepted_inputs(p, ids)  # last: the 5 MB draft it stores makes every dump slow

    asyncio.run(go())
    report = _report(tally, time.monotonic() - t0)
    print(report)
    Path(os.environ.get("BAD_INPUT_REPORT", os.devnull)).write_text(report + "\n" + "\n".join(tally.failures))
    assert not tally.failures, "\n".join(tally.failures[:60]) + f"\n({len(tally.failures)} failures)\n" + report
    assert tally.total >= 500, report


# ── below the MCP client: JSON-RPC lines no client library would write ─────────────────────

#: What each raw line got back (for the report): filled by the test below.
RAW_OUTCOMES: dict[str, str] = {}


class _RawServer:
    """The server over a bare pipe, for lines the official client cannot produce."""

    def __init__(self, home: Path) -> None:
        env = {**os.environ, "HOME": str(home), "OPS_HOME": str(home / ".vmware")}
        env.pop("VMWARE_PILOT_DISPATCH", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "vmware_pilot.mcp_server"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=str(home))
        self.buf = b""
        self.others: list[dict[str, Any]] = []

    def send(self, line: bytes) -> None:
        self.proc.stdin.write(line + b"\n")
        self.proc.stdin.flush()

    def recv(self, timeout: float) -> dict[str, Any] | None:
        import select

        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
            if not chunk:
                raise EOFError("the server closed its output")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def request(self, msg_id: int, method: str, params: dict[str, Any]) -> None:
        self.send(json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}).encode())

    def answer_to(self, msg_id: int, timeout: float = 30) -> dict[str, Any] | None:
        """The response to ``msg_id``, or None; everything else that came meanwhile is kept in
        ``self.others``."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            msg = self.recv(left)
            if msg is None:
                return None
            if msg.get("id") == msg_id:
                return msg
            self.others.append(msg)
        return None

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def test_jsonrpc_lines_no_client_would_send_leave_the_server_serving(tmp_path):
    """Depth 10,000 / 100,000 arguments as real JSON (not text), broken JSON-RPC lines, invalid
    UTF-8 on the wire: the server survives each, stores nothing, and answers the next call."""
    srv = _RawServer(tmp_path)
    db = tmp_path / ".vmware" / "workflows.db"
    try:
        srv.request(0, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                      "clientInfo": {"name": "raw", "version": "0"}})
        assert srv.answer_to(0)["result"]["serverInfo"]["name"] == "vmware-pilot"
        srv.send(b'{"jsonrpc": "2.0", "method": "notifications/initialized"}')
        srv.request(1, "tools/call", {"name": "create_workflow_from_template",
                                      "arguments": {"workflow_type": "compliance_scan", "params": {"target": "vc"}}})
        assert not srv.answer_to(1)["result"]["isError"]
        before = _dump(db)
        lines: list[tuple[str, bytes]] = []
        for depth in (10_000, 100_000):
            for kind in ("list", "dict"):
                deep = _nest_text(depth, kind).encode()
                lines.append((f"params {kind} depth {depth}", b'{"jsonrpc":"2.0","id":1000,"method":"tools/call",'
                              b'"params":{"name":"create_workflow_from_template","arguments":{"workflow_type":'
                              b'"compliance_scan","params":{"target":' + deep + b"}}}}"))
                lines.append((f"steps {kind} depth {depth}", b'{"jsonrpc":"2.0","id":1001,"method":"tools/call",'
                              b'"params":{"name":"create_workflow","arguments":{"name":"d","description":"d",'
                              b'"steps":[' + deep + b"]}}}"))
        lines += [
            ("not JSON", b"this is not json"),
            ("truncated JSON", b'{"jsonrpc":"2.0","id":1002,"method":"tools/call","params":{"name":"run_wor'),
            ("invalid UTF-8", b'{"jsonrpc":"2.0","id":1003,"method":"tools/call","params":{"name":"get_workflow_status",'
                              b'"arguments":{"workflow_id":"\xff\xfe"}}}'),
            ("arguments not an object", b'{"jsonrpc":"2.0","id":1004,"method":"tools/call","params":'
                                        b'{"name":"run_workflow","arguments":["wf-x"]}}'),
            ("params not an object", b'{"jsonrpc":"2.0","id":1005,"method":"tools/call","params":"run_workflow"}'),
            ("no tool name", b'{"jsonrpc":"2.0","id":1006,"method":"tools/call","params":{"arguments":{}}}'),
            ("unknown tool", b'{"jsonrpc":"2.0","id":1007,"method":"tools/call","params":{"name":"drop_tables",'
                             b'"arguments":{}}}'),
            ("unknown method", b'{"jsonrpc":"2.0","id":1008,"method":"tools/explode","params":{}}'),
            ("5 MB tool name", b'{"jsonrpc":"2.0","id":1009,"method":"tools/call","params":{"name":"'
                               + b"t" * HUGE + b'","arguments":{}}}'),
        ]
        got: dict[str, str] = {}
        for n, (what, line) in enumerate(lines):
            srv.others = []
            srv.send(line)
            # whatever the line got (a response, a log notification, or nothing), the server
            # must still answer a plain call next, and must not have stored anything
            srv.request(5000 + n, "tools/call", {"name": "list_workflows", "arguments": {}})
            reply = srv.answer_to(5000 + n, timeout=30)
            assert reply is not None and not reply["result"]["isError"], f"after {what}: {reply}"
            assert _dump(db) == before, f"{what} changed the table"
            assert srv.proc.poll() is None, f"the server died after {what}"
            responses = [m for m in srv.others if "id" in m]
            for m in responses:
                assert "error" in m or m["result"].get("isError"), f"{what} was not refused: {str(m)[:300]}"
            got[what] = ("error response" if responses else
                         "log notification only" if srv.others else "nothing")
        print("\n".join(f"  {w}: {g}" for w, g in got.items()))
        RAW_OUTCOMES.update(got)
        # a line that is JSON-RPC gets an error response with its id
        for what in ("invalid UTF-8", "arguments not an object", "no tool name", "unknown tool", "unknown method",
                     "5 MB tool name"):
            assert got[what] == "error response", (what, got[what])
        # a line the MCP SDK cannot read as JSON-RPC at all (not JSON, nested past its parser's
        # limit, params not an object) gets an error log notification and no response: the SDK's
        # stdio transport (mcp/server/stdio.py) cannot know the request id. Never silence.
        assert all(g != "nothing" for g in got.values()), got
    finally:
        srv.close()
