#!/usr/bin/env python3
"""The long race run: ours and upstream vmware-pilot 2.4.0 side by side.

    python tests/races/run_races.py --rounds 200

Each implementation runs in its own interpreter (``--ours``, ``--upstream``; by default the
repository's .venv and .venv-upstream) with two racing worker processes sharing one SQLite
file under a private HOME. Prints a table (race kind x implementation: rounds, rounds with
exactly one winner, rounds with a lost update, rounds with a double dispatch, errors) and
the first bad rounds of each kind as examples. Exit status 1 when ours is not perfect.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from race_harness import KINDS, run_races, table  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=200, help="rounds per race kind per implementation")
    ap.add_argument("--ours", default=str(REPO / ".venv" / "bin" / "python"))
    ap.add_argument("--upstream", default=str(REPO / ".venv-upstream" / "bin" / "python"),
                    help="an interpreter with vmware-pilot 2.4.0; '' to skip upstream")
    ap.add_argument("--kinds", default=",".join(KINDS), help="comma-separated race kinds")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--examples", type=int, default=1, help="bad rounds to print per kind and implementation")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    impls = {"ours": args.ours, **({"upstream": args.upstream} if args.upstream else {})}
    results, timings = {}, {}
    for impl, python in impls.items():
        t0 = time.monotonic()
        results[impl] = run_races(python, args.rounds, kinds, seed=args.seed, keep_examples=args.examples)
        timings[impl] = time.monotonic() - t0
    print(table(results))
    print()
    for impl, secs in timings.items():
        print(f"{impl}: {len(kinds) * args.rounds} rounds in {secs:.1f}s")
    for impl, per in results.items():
        for kind, st in per.items():
            for ex in st.examples:
                print(f"\nexample — {impl}, {kind}:\n{json.dumps(ex, indent=2, ensure_ascii=False)}")
    if args.json:
        Path(args.json).write_text(json.dumps({
            impl: {k: {"rounds": s.rounds, "exactly_one": s.exactly_one, "lost_updates": s.lost_updates,
                       "double_dispatch": s.double_dispatch, "errors": s.errors,
                       "outcomes": dict(s.outcomes), "final_states": dict(s.final_states), "examples": s.examples}
                   for k, s in per.items()}
            for impl, per in results.items()}, indent=2))
    ours = results["ours"].values()
    perfect = all(s.exactly_one == s.rounds and not (s.lost_updates or s.double_dispatch or s.errors) for s in ours)
    return 0 if perfect else 1


if __name__ == "__main__":
    sys.exit(main())
