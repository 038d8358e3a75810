"""Start-up, side by side: time from spawning the MCP server to its first tools/list answer,
for our wheel and for upstream vmware-pilot 2.4.0, in one run (median of several starts).

    python benches/startup.py --ours .venv/bin/python --upstream .venv-upstream/bin/python
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def first_list(python: str) -> tuple[float, int]:
    home = tempfile.mkdtemp()
    env = {**os.environ, "HOME": home, "OPS_HOME": str(Path(home) / ".vmware")}
    params = StdioServerParameters(command=python, args=["-m", "vmware_pilot.mcp_server"], env=env, cwd=home)
    t0 = time.perf_counter()
    async with stdio_client(params, errlog=open(os.devnull, "w")) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            tools = await session.list_tools()
            return time.perf_counter() - t0, len(tools.tools)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ours", required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    results = {}
    for label, python in (("upstream 2.4.0", args.upstream), ("ours", args.ours)):
        python = str(Path(python).absolute())
        asyncio.run(first_list(python))  # warm the file cache once
        times = []
        for _ in range(args.rounds):
            seconds, n = asyncio.run(first_list(python))
            times.append(seconds)
        results[label] = (statistics.median(times), min(times), n)
    for label, (median, best, n) in results.items():
        print(f"{label:>15}: first tools/list after {median * 1000:6.0f} ms (median; best {best * 1000:.0f} ms), {n} tools")
    ratio = results["upstream 2.4.0"][0] / results["ours"][0]
    print(f"ours is {ratio:.2f}x upstream's start-up speed")


if __name__ == "__main__":
    main()
