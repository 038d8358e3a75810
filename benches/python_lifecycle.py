"""Side by side: the same workflow lifecycle through our wheel and through upstream
vmware-pilot 2.4.0, in one run.

    python benches/python_lifecycle.py --ours .venv/bin/python --upstream .venv-upstream/bin/python

The lifecycle: rolling_restart over N VMs (2 + 3N steps), run to the approval gate, approve,
run to completion — host mode, every step dispatched through a Python callable, the SQLite
store in a temporary folder. Durability is the same for both: every transition is committed
before the next dispatch is handed out. Each size runs several times in fresh processes; the
median is reported.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKER = r"""
import json, sys, tempfile, time
from pathlib import Path
from vmware_pilot.executor import WorkflowExecutor
from vmware_pilot.models import WorkflowStore
from vmware_pilot.templates import rolling_restart

n = int(sys.argv[1])
def dispatch(skill, tool, params):
    return {"ok": True, "vm": params.get("vm_name")}
store = WorkflowStore(Path(tempfile.mkdtemp()) / "workflows.db")
ex = WorkflowExecutor(store, dispatch=dispatch)

def lifecycle(vms):
    wf = rolling_restart(vm_names=[f"vm-{i:03d}" for i in range(vms)], target="vc")
    store.save(wf)
    assert ex.run_until_checkpoint(wf)["outcome"] == "awaiting_approval"
    assert ex.resume_after_approval(wf, "lead")["outcome"] == "completed"
    return wf

lifecycle(1)  # warm-up: one-time imports (vmware-policy pulls in the MCP SDK) are not timed
t0 = time.perf_counter()
wf = lifecycle(n)
elapsed = time.perf_counter() - t0
print(json.dumps({"seconds": elapsed, "steps": len(wf.steps)}))
"""

#: The floor any implementation of upstream's row format pays: the same rows, written with the
#: same commit per transition, by plain sqlite3 and nothing else (captured from our run).
FLOOR = r"""
import json, sqlite3, sys, tempfile, time
from pathlib import Path
from vmware_pilot.executor import WorkflowExecutor
from vmware_pilot.models import WorkflowStore
from vmware_pilot.templates import rolling_restart

n = int(sys.argv[1])
store = WorkflowStore(Path(tempfile.mkdtemp()) / "workflows.db")
rows = []
real_write = store._store  # every row written, by save() and by the executor
def write(wf, row):
    rows.append(row)
    real_write(wf, row)
store._store = write
ex = WorkflowExecutor(store, dispatch=lambda skill, tool, params: {"ok": True, "vm": params.get("vm_name")})
wf = rolling_restart(vm_names=[f"vm-{i:03d}" for i in range(n)], target="vc")
store.save(wf)
ex.run_until_checkpoint(wf)
ex.resume_after_approval(wf, "lead")
db = Path(tempfile.mkdtemp()) / "floor.db"
conn = sqlite3.connect(db)
conn.execute("CREATE TABLE workflows (id TEXT PRIMARY KEY, type TEXT NOT NULL, state TEXT NOT NULL, "
             "data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)")
conn.execute("PRAGMA journal_mode=WAL")
conn.commit()
t0 = time.perf_counter()
with conn:
    conn.execute("INSERT INTO workflows (type, state, data, created_at, updated_at, id) VALUES (?, ?, ?, ?, ?, ?)", rows[0])
for row in rows[1:]:
    with conn:
        conn.execute("UPDATE workflows SET type = ?, state = ?, data = ?, created_at = ?, updated_at = ? WHERE id = ?", row)
print(json.dumps({"seconds": time.perf_counter() - t0, "steps": len(wf.steps), "commits": len(rows)}))
"""


def measure(python: str, n: int, rounds: int, script: str = WORKER) -> tuple[float, int]:
    times, steps = [], 0
    for _ in range(rounds):
        out = subprocess.run([python, "-c", script, str(n)], capture_output=True, text=True, check=True,
                             cwd=tempfile.gettempdir())
        data = json.loads(out.stdout.strip().splitlines()[-1])
        times.append(data["seconds"])
        steps = data["steps"]
    return statistics.median(times), steps


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ours", required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--sizes", default="10,100")
    args = ap.parse_args()
    args.ours = str(Path(args.ours).absolute())
    args.upstream = str(Path(args.upstream).absolute())
    print(f"{'VMs':>5} {'steps':>6} {'upstream 2.4.0':>15} {'ours':>10} {'ratio':>7}   {'sqlite floor':>12}")
    for n in [int(x) for x in args.sizes.split(",")]:
        up, steps = measure(args.upstream, n, args.rounds)
        ours, _ = measure(args.ours, n, args.rounds)
        floor, _ = measure(args.ours, n, args.rounds, FLOOR)
        print(f"{n:>5} {steps:>6} {up * 1000:>12.1f} ms {ours * 1000:>7.1f} ms {up / ours:>6.1f}x "
              f"  {floor * 1000:>9.1f} ms")
    print("sqlite floor: the same rows written with one commit each by plain sqlite3 — what the row "
          "format and the commit-per-transition durability cost any implementation.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
