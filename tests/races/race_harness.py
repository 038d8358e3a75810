"""The race coordinator: two worker processes (``race_worker.py``) share one SQLite file under
a private HOME; for every round a fresh workflow is set up, both workers load it, and only
when both have loaded (the barrier) are both told to act. Then the round is judged from
what each worker answered, the stored row (read with sqlite3, so the judge is the same for
either implementation) and the dispatch log.

Race kinds (first action / second action, start state of the workflow):

  approve/approve   awaiting_approval   both approve the same gate
  approve/cancel    awaiting_approval   one approves, one cancels
  run/cancel        pending             one runs (step 0 is dispatched), one cancels
  run/run           pending             both run

A round's verdict:
  exactly_one   one worker "ok", the other refused (conflict error or a refusal answer)
  lost_update   a worker's transition answered "ok" but the final record does not show it
                (its approval, its cancel, or a step result it dispatched is not there)
  double        one step of the workflow was dispatched more than once
  errors        a worker crashed, answered an unexpected exception, or timed out
"""

from __future__ import annotations

import json
import os
import random
import select
import sqlite3
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORKER = HERE / "race_worker.py"

KINDS: dict[str, tuple[str, str, str]] = {
    "approve/approve": ("approve", "approve", "awaiting_approval"),
    "approve/cancel": ("approve", "cancel", "awaiting_approval"),
    "run/cancel": ("run", "cancel", "pending"),
    "run/run": ("run", "run", "pending"),
}

TIMEOUT = 30.0


class WorkerDied(RuntimeError):
    pass


class _Worker:
    def __init__(self, python: str, name: str, home: Path, log: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VMWARE_PILOT", "PYTHON"))}
        env.update(HOME=str(home), OPS_HOME=str(home / ".vmware"), RACE_WORKER_NAME=name,
                   RACE_DISPATCH_LOG=str(log))
        self.name = name
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([python, "-u", str(WORKER)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr, env=env, cwd=str(home),
                                     bufsize=0)

    def send(self, msg: dict[str, Any]) -> None:
        try:
            self.proc.stdin.write((json.dumps(msg) + "\n").encode())
        except BrokenPipeError as exc:
            raise WorkerDied(self._died()) from exc

    def recv(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        buf = b""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while not buf.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                raise WorkerDied(f"{self.name}: no answer within {timeout}s")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise WorkerDied(self._died())
                buf += chunk
        return json.loads(buf)

    def ask(self, msg: dict[str, Any]) -> dict[str, Any]:
        self.send(msg)
        return self.recv()

    def _died(self) -> str:
        self.proc.poll()
        self.stderr.seek(0)
        return f"{self.name} exited ({self.proc.returncode}): {self.stderr.read()[-1500:].decode(errors='replace')}"

    def close(self) -> None:
        try:
            self.send({"op": "quit"})
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()


@dataclass
class KindStats:
    rounds: int = 0
    exactly_one: int = 0
    lost_updates: int = 0
    double_dispatch: int = 0
    errors: int = 0
    outcomes: Counter = field(default_factory=Counter)
    final_states: Counter = field(default_factory=Counter)  # the stored state after each round
    examples: list[dict[str, Any]] = field(default_factory=list)  # the first few bad rounds


def _final_record(db: Path, wf_id: str) -> dict[str, Any]:
    with sqlite3.connect(db, timeout=10) as conn:
        row = conn.execute("SELECT state, data FROM workflows WHERE id = ?", (wf_id,)).fetchone()
    state, data = row
    rec = json.loads(data)
    rec["_row_state"] = state
    return rec


def _dispatches(log: Path, offset: int) -> tuple[list[dict[str, Any]], int]:
    with open(log, "rb") as fh:
        fh.seek(offset)
        chunk = fh.read()
    lines = [json.loads(x) for x in chunk.decode().splitlines() if x.strip()]
    return lines, offset + len(chunk)


def _by_tag(rec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The stored steps by their tag: the vm_name the worker gave them, "gate" for the gate."""
    return {("gate" if s["action"] == "require_approval" else s["params"].get("vm_name")): s
            for s in rec["steps"]}


def _reflected(action: str, who: str, rec: dict[str, Any]) -> bool:
    """Does the stored record show ``who``'s ``action``?"""
    steps = _by_tag(rec)
    if action == "approve":
        return (rec.get("approved_by") == who and rec["state"] != "cancelled"
                and (steps["gate"].get("result") or {}).get("approved_by") == who)
    if action == "cancel":
        return rec["state"] == "cancelled" and rec.get("blocked_reason") == f"cancel-by-{who}"
    if action == "run":
        return (steps["probe"]["status"] == "success" and (steps["probe"].get("result") or {}).get("by") == who
                and rec["state"] != "cancelled")
    raise ValueError(action)


def judge(kind: str, actions: dict[str, str], answers: dict[str, dict[str, Any]], rec: dict[str, Any],
          dispatched: list[dict[str, Any]]) -> dict[str, Any]:
    oks = [w for w, a in answers.items() if a.get("status") == "ok"]
    refused = [w for w, a in answers.items() if a.get("status") in ("conflict", "refused")]
    errors = [w for w, a in answers.items() if a.get("status") not in ("ok", "conflict", "refused")]
    lost = []
    for w in oks:
        if not _reflected(actions[w], w, rec):
            lost.append(f"{w}'s {actions[w]} answered ok but is not in the stored record")
    steps = _by_tag(rec)
    for d in dispatched:
        if d["phase"] != "race":
            continue
        stored = steps.get(d["vm"]) or {}
        if (stored.get("result") or {}).get("by") != d["by"]:
            lost.append(f"{d['by']} dispatched {d['tool']}({d['vm']}) but the record shows "
                        f"status={stored.get('status')!r} result.by={(stored.get('result') or {}).get('by')!r}")
    counts = Counter((d["tool"], d["vm"]) for d in dispatched)
    double = {f"{t}({v})": n for (t, v), n in counts.items() if n > 1}
    if rec["state"] != rec["_row_state"]:
        errors.append(f"row state column {rec['_row_state']!r} != data state {rec['state']!r}")
    return {
        "exactly_one": len(oks) == 1 and len(refused) == 1,
        "lost": lost,
        "double": double,
        "errors": errors,
        "outcome": " / ".join(f"{actions[w]}:{answers[w].get('status')}" for w in sorted(answers)),
    }


def run_races(python: str, rounds: int, kinds: list[str] | None = None, seed: int = 0,
              keep_examples: int = 3, workdir: Path | None = None) -> dict[str, KindStats]:
    """``rounds`` rounds of each race kind with ``python``'s vmware_pilot; per-kind stats."""
    rng = random.Random(seed)
    home = Path(tempfile.mkdtemp(prefix="pilot-races-", dir=workdir))
    (home / ".vmware").mkdir(mode=0o700)
    log = home / "dispatch.log"
    log.touch()
    db = home / ".vmware" / "workflows.db"
    a, b = _Worker(python, "A", home, log), _Worker(python, "B", home, log)
    stats: dict[str, KindStats] = {}
    offset = 0
    try:
        for kind in kinds or list(KINDS):
            first, second, start = KINDS[kind]
            st = stats[kind] = KindStats()
            for n in range(rounds):
                st.rounds += 1
                wf_id = f"wf-race-{kind.replace('/', '-')}-{n:05d}"
                # which worker plays which role, and who hears "go" first: both at random
                pair = [a, b] if rng.random() < 0.5 else [b, a]
                actions = {pair[0].name: first, pair[1].name: second}
                try:
                    setup = rng.choice([a, b]).ask({"op": "setup", "wf_id": wf_id, "start": start})
                    if not setup.get("ok"):
                        raise WorkerDied(f"setup failed: {setup}")
                    for w in (a, b):  # the barrier: both read before either writes
                        w.send({"op": "load", "wf_id": wf_id})
                    for w in (a, b):
                        got = w.recv()
                        if not got.get("ok") or got.get("state") != start:
                            raise WorkerDied(f"{w.name} load: {got}")
                    order = [a, b] if rng.random() < 0.5 else [b, a]
                    for w in order:
                        w.send({"op": "act", "action": actions[w.name], "who": w.name})
                    answers = {w.name: w.recv() for w in order}
                except WorkerDied as exc:
                    st.errors += 1
                    st.outcomes["harness error"] += 1
                    if len(st.examples) < keep_examples:
                        st.examples.append({"wf_id": wf_id, "error": str(exc)})
                    # a dead or stuck worker cannot race again: replace both
                    a.close(), b.close()
                    a, b = _Worker(python, "A", home, log), _Worker(python, "B", home, log)
                    _, offset = _dispatches(log, offset)
                    continue
                dispatched, offset = _dispatches(log, offset)
                dispatched = [d for d in dispatched if d["wf"] == wf_id]
                rec = _final_record(db, wf_id)
                verdict = judge(kind, actions, answers, rec, dispatched)
                st.exactly_one += verdict["exactly_one"]
                st.lost_updates += bool(verdict["lost"])
                st.double_dispatch += bool(verdict["double"])
                st.errors += bool(verdict["errors"])
                st.outcomes[verdict["outcome"]] += 1
                st.final_states[rec["state"]] += 1
                bad = verdict["lost"] or verdict["double"] or verdict["errors"] or not verdict["exactly_one"]
                if bad and len(st.examples) < keep_examples:
                    st.examples.append({
                        "wf_id": wf_id, "answers": answers, "verdict": verdict,
                        "final": {"state": rec["state"], "approved_by": rec.get("approved_by"),
                                  "blocked_reason": rec.get("blocked_reason"),
                                  "steps": [(s["index"], s["status"], (s.get("result") or {}).get("by")
                                             if isinstance(s.get("result"), dict) else None)
                                            for s in rec["steps"]],
                                  "audit": [e["action"] + (f" ({e['detail']})" if e.get("detail") else "")
                                            for e in rec.get("audit_log", [])]},
                        "dispatch_log": [f"{d['by']}:{d['tool']}({d['vm']})" for d in dispatched],
                    })
    finally:
        a.close()
        b.close()
    return stats


def table(results: dict[str, dict[str, KindStats]]) -> str:
    """A text table: race kind × implementation."""
    head = (f"{'race':<16} {'impl':<9} {'rounds':>6} {'exactly-1':>9} {'lost':>5} {'double':>6} {'errors':>6}  "
            "stored state after the round")
    lines = [head, "-" * len(head)]
    kinds = list(dict.fromkeys(k for per in results.values() for k in per))
    for kind in kinds:
        for impl, per in results.items():
            st = per.get(kind)
            if st is None:
                continue
            outs = ", ".join(f"{o}×{n}" for o, n in st.final_states.most_common())
            lines.append(f"{kind:<16} {impl:<9} {st.rounds:>6} {st.exactly_one:>9} {st.lost_updates:>5} "
                         f"{st.double_dispatch:>6} {st.errors:>6}  {outs}")
    lines.append("")
    lines.append("answers per round (worker A action:answer / worker B action:answer):")
    for kind in kinds:
        for impl, per in results.items():
            if kind in per:
                outs = ", ".join(f"{o} ×{n}" for o, n in per[kind].outcomes.most_common())
                lines.append(f"  {kind:<16} {impl:<9} {outs}")
    return "\n".join(lines)
