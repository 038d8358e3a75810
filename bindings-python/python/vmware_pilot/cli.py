"""``vmware-pilot``: the launcher MCP clients put on their command line.

Pilot has no VMware connection of its own and every workflow operation is an MCP tool,
so the CLI only starts the server (``vmware-pilot mcp``) and prints the version. An
installed entry point starts without touching the network, which matters behind
TLS-inspecting proxies where re-resolving a package on every start fails.
"""

from __future__ import annotations

import sys
from typing import Optional

import typer
from vmware_policy import cli_local

from vmware_pilot import __version__


def _harden_console_encoding() -> None:
    """A console that cannot show a character gets an escape, not a crash (best effort)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):
            pass


_harden_console_encoding()

app = typer.Typer(
    name="vmware-pilot",
    help="VMware workflow orchestration — multi-step state machine with approval gates.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """VMware Pilot: approval-gated workflows, served over MCP (``vmware-pilot mcp``)."""


@app.command("version")
@cli_local("prints the installed version")
def version_cmd() -> None:
    """Print the installed vmware-pilot version."""
    typer.echo(f"vmware-pilot {__version__}")


@app.command("mcp")
@cli_local("starts the MCP server; its tools audit themselves")
def mcp_cmd(
    expose: Optional[str] = typer.Option(
        None, "--expose", help="Tools offered to clients: all (default) or read. This narrows the list; "
        "it does not authorize anything."),
    allow_write: Optional[str] = typer.Option(
        None, "--allow-write", help="With --expose read: write tools to offer as well, comma-separated."),
    transport: Optional[str] = typer.Option(
        None, "--transport", help="stdio (default), https, or http (loopback only, behind a TLS proxy); "
        "https and http need a token: 'vmware-audit token create NAME'."),
    host: Optional[str] = typer.Option(None, "--host", help="Address to bind (default 127.0.0.1)."),
    port: Optional[int] = typer.Option(None, "--port", help="Port to listen on (default 8443)."),
    cert: Optional[str] = typer.Option(None, "--cert", help="TLS certificate, PEM (https)."),
    key: Optional[str] = typer.Option(None, "--key", help="TLS private key, PEM (https)."),
    public_name: Optional[str] = typer.Option(
        None, "--public-name", help="Host names clients connect with, comma-separated; any other "
        "Host or Origin is refused."),
    token_file: Optional[str] = typer.Option(
        None, "--token-file", help="File of token hashes (default $OPS_HOME/mcp-tokens)."),
    dispatch: bool = typer.Option(
        False, "--dispatch", help="Perform each workflow step in that skill's own MCP server (stdio "
        "only); without it steps go back to the caller in pending_dispatch. Same as "
        "VMWARE_PILOT_DISPATCH=stdio."),
) -> None:
    """Start the MCP server (stdio by default; --transport https serves the network).

    MCP clients start Pilot with: vmware-pilot mcp
    (the older vmware-pilot-mcp script does the same over stdio and takes no flags).
    """
    if sys.version_info < (3, 10):  # noqa: UP036 — an old interpreter can still end up here
        typer.echo(
            f"ERROR: the vmware-pilot MCP server needs Python >= 3.10 (this is "
            f"{sys.version_info.major}.{sys.version_info.minor}, {sys.executable}).",
            err=True,
        )
        raise typer.Exit(2)
    from vmware_pilot.mcp_server.server import main as serve

    serve(expose=expose, allow_write=allow_write, transport=transport, host=host, port=port,
          cert=cert, key=key, public_name=public_name, token_file=token_file, dispatch=dispatch)


if __name__ == "__main__":  # pragma: no cover
    app()
