"""Command: ``newsweave serve`` (the web app of :mod:`newsweave.server`)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Optional

import typer

from newsweave.cli import app, err_console, usage_error
from newsweave.ingest.common import input_name

TOKEN_VARIABLE = "NEWSWEAVE_TOKEN"
MIN_TOKEN_CHARS = 16  # a guessable token protects nothing



@app.command()
def serve(
    db: Optional[Path] = typer.Option(None, "--db", help="Serve this store's stories too (read only)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (127.0.0.1: this machine only)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    words: int = typer.Option(120, "--words", "-w", help="Default summary length in words."),
    token_file: Optional[Path] = typer.Option(
        None, "--token-file", help=f"Require the access token in this file (else ${TOKEN_VARIABLE}, if set)."),
    no_token: bool = typer.Option(
        False, "--no-token", help="Listen beyond this machine without a token (only behind a proxy that checks access)."),
) -> None:
    """Serve briefs in a browser (paste reports, or browse a store) and as JSON (POST /api/brief)."""
    from newsweave.server import serve as run

    if db is not None and not db.is_file():
        usage_error(f"{input_name(db)}: no such database (newsweave ingest creates one)")
    if words < 1 or not 0 < port < 65536:
        usage_error("--words must be at least 1 and --port between 1 and 65535")
    try:
        token = _access_token(token_file)
    except (OSError, UnicodeDecodeError) as exc:
        usage_error(f"{input_name(token_file)}: cannot read the access token ({getattr(exc, 'strerror', None) or exc})")
    if token is not None and not (token.isascii() and token.isprintable()):
        usage_error("the access token must be printable ASCII (an HTTP header carries it)")
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        usage_error(f"the access token is shorter than {MIN_TOKEN_CHARS} characters (make one: "
                    'python -c "import secrets; print(secrets.token_urlsafe())")')
    if token is None and not no_token and not _loopback(host):
        usage_error(f"--host {host} listens beyond this machine: give --token-file (or ${TOKEN_VARIABLE}), "
                    "or --no-token behind a proxy that checks access")
    guard = "; requests need the access token" if token else ""
    err_console.print(f"newsweave: serving on http://{host}:{port}/{guard} (Ctrl-C stops)")
    run(db, words, host, port, token)


def _access_token(token_file: Path | None) -> str | None:
    """The token from --token-file (its first line), else from $NEWSWEAVE_TOKEN; None when neither gives one."""
    if token_file is None:
        return os.environ.get(TOKEN_VARIABLE, "").strip() or None
    lines = token_file.read_text(encoding="utf-8").splitlines()
    return lines[0].strip() if lines else ""


def _loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
