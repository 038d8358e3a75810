"""The ``vmware-pilot`` launcher: the same commands, options and exit codes as 2.4.0's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def run(*args: str, env: dict | None = None, timeout: int = 60) -> subprocess.CompletedProcess:
    exe = BIN / "vmware-pilot"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def test_version():
    out = run("version")
    assert out.returncode == 0 and out.stdout.strip() == "vmware-pilot 3.0.0"


def test_no_arguments_prints_help_and_exits_2():
    out = run()
    assert out.returncode == 2 and "Usage" in (out.stdout + out.stderr)
    assert "mcp" in out.stdout + out.stderr and "version" in out.stdout + out.stderr


def test_unknown_option_exits_2():
    out = run("--version")
    assert out.returncode == 2 and "No such option" in out.stderr


def test_mcp_help_lists_every_option():
    out = run("mcp", "--help")
    assert out.returncode == 0
    for option in ("--expose", "--allow-write", "--transport", "--host", "--port", "--cert", "--key",
                   "--public-name", "--token-file", "--dispatch"):
        assert option in out.stdout, option


@pytest.mark.parametrize(
    "args, needle",
    [
        (("--expose", "everything"), "Unknown tool exposure 'everything'"),
        (("--expose", "read", "--allow-write", "list_workflows"), "read tool"),
        (("--transport", "carrier-pigeon"), "Unknown transport 'carrier-pigeon'"),
    ],
)
def test_start_up_refusals_exit_2(tmp_path, args, needle):
    out = run("mcp", *args, env={"HOME": str(tmp_path)})
    assert out.returncode == 2, out.stderr
    assert "vmware-pilot MCP server not started" in out.stderr and needle in out.stderr


def test_console_scripts_are_installed():
    assert (BIN / "vmware-pilot-mcp").exists()
