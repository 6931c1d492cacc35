"""Commands: cli_brief (registered on newsweave.cli.app)."""

from __future__ import annotations

from newsweave.cli import app, bench_app, eval_app  # noqa: F401
