"""Command: ``newsweave serve`` (the web app of :mod:`newsweave.server`)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from newsweave.cli import EXIT_UNUSABLE, app
from newsweave.ingest.common import input_name


@app.command()
def serve(
    db: Optional[Path] = typer.Option(None, "--db", help="Serve this store's stories too (read only)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (127.0.0.1: this machine only)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    words: int = typer.Option(120, "--words", "-w", help="Default summary length in words."),
) -> None:
    """Serve briefs in a browser (paste reports, or browse a store) and as JSON (POST /api/brief)."""
    from rich.console import Console

    from newsweave.server import serve as run

    err = Console(stderr=True, markup=False, highlight=False)
    if db is not None and not db.is_file():
        err.print(f"newsweave: {input_name(db)}: no such database (newsweave ingest creates one)")
        raise typer.Exit(EXIT_UNUSABLE)
    if words < 1 or not 0 < port < 65536:
        err.print("newsweave: --words must be at least 1 and --port between 1 and 65535")
        raise typer.Exit(EXIT_UNUSABLE)
    err.print(f"newsweave: serving on http://{host}:{port}/ (Ctrl-C stops)")
    run(db, words, host, port)
