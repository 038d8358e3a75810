"""Memory a long-lived process keeps for the workflows it has handled, side by side with
upstream vmware-pilot 2.4.0, in one run:

    python benches/python_memory.py --ours .venv/bin/python --upstream .venv-upstream/bin/python

One store, N workflows (rolling_restart over 40 VMs: ~120 steps, rows of ~40 KB), each
created, saved and run to its approval gate, as an MCP server does over a day. Printed: the
process's resident memory growth, and the bytes of the rows themselves for scale.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

WORKER = r"""
import json, sqlite3, sys, tempfile, gc
from pathlib import Path
from vmware_pilot.executor import WorkflowExecutor
from vmware_pilot.models import WorkflowStore
from vmware_pilot.templates import rolling_restart

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096

n = int(sys.argv[1])
db = Path(tempfile.mkdtemp()) / "workflows.db"
store = WorkflowStore(db)
ex = WorkflowExecutor(store)
warm = rolling_restart(vm_names=["w"], target="vc"); store.save(warm); ex.run_until_checkpoint(warm)
gc.collect()
before = rss()
for i in range(n):
    wf = rolling_restart(vm_names=[f"vm-{i}-{k:02d}" for k in range(40)], target="vc")
    store.save(wf)
    ex.run_until_checkpoint(wf)
del wf
gc.collect()
after = rss()
row_bytes = sqlite3.connect(db).execute("SELECT SUM(LENGTH(data)) FROM workflows").fetchone()[0]
print(json.dumps({"growth": after - before, "rows": row_bytes}))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ours", required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--workflows", type=int, default=3000)
    args = ap.parse_args()
    args.ours = str(Path(args.ours).absolute())
    args.upstream = str(Path(args.upstream).absolute())
    print(f"{'workflows':>9} {'row bytes':>10} {'upstream 2.4.0':>15} {'ours':>10}")
    res = {}
    for who, py in (("upstream", args.upstream), ("ours", args.ours)):
        out = subprocess.run([py, "-c", WORKER, str(args.workflows)], capture_output=True, text=True, check=True,
                             cwd=tempfile.gettempdir())
        res[who] = json.loads(out.stdout.strip().splitlines()[-1])
    mb = 1 << 20
    print(f"{args.workflows:>9} {res['ours']['rows'] / mb:>7.1f} MB {res['upstream']['growth'] / mb:>12.1f} MB "
          f"{res['ours']['growth'] / mb:>7.1f} MB")
    print("memory: resident growth of one process that created and ran that many workflows through one store "
          "(upstream keeps every saved object; ours keeps the last 256 and the secrets of the others).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
