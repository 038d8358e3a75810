"""Our pytest suite for the Python package: every test runs in a sandboxed HOME."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# vmware-policy binds its audit database under HOME/OPS_HOME at import: sandbox both first.
_SANDBOX = Path(tempfile.mkdtemp(prefix="vmware-pilot-ours-"))
os.environ["HOME"] = str(_SANDBOX)
os.environ["OPS_HOME"] = str(_SANDBOX / ".vmware")
os.environ.pop("VMWARE_PILOT_DISPATCH", None)

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "tests" / "scenarios"
