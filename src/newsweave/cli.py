"""Command-line shell: parse arguments, call the library, render, set the exit code.

Exit codes: 0 all inputs used, 1 some inputs skipped (each named on stderr),
2 usage error or nothing usable.
"""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_show_locals=False,
    no_args_is_help=True,
    help="newsweave: read many reports of one story as one, with every sentence cited.",
)
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks on public data (quality and speed).")
eval_app = typer.Typer(no_args_is_help=True, help="Score a brief against a hand annotation.")
app.add_typer(bench_app, name="bench")
app.add_typer(eval_app, name="eval")

EXIT_OK, EXIT_SKIPPED, EXIT_UNUSABLE = 0, 1, 2
# The commands' messages on stderr; they quote user input, so "[x]" is text, not a style.
err_console = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def usage_error(message: str) -> NoReturn:
    """Say what is wrong with the command line (or its inputs as a whole) and exit 2."""
    err_console.print(f"newsweave: {message}")
    raise typer.Exit(EXIT_UNUSABLE)


def main() -> None:
    from newsweave.errors import NewsweaveError

    import os
    import sys

    try:
        app()
    except NewsweaveError as exc:
        # Expected failures get one clear line, not a traceback.
        print(f"newsweave: {exc}", file=sys.stderr)
        sys.exit(EXIT_UNUSABLE)
    except Exception as exc:  # a bug: say so in one line (exit 1 would read as "some inputs skipped")
        if os.environ.get("NEWSWEAVE_DEBUG"):
            raise
        print(
            f"newsweave: internal error: {type(exc).__name__}: {exc} (set NEWSWEAVE_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        sys.exit(EXIT_UNUSABLE)


# Commands live in their own modules and register themselves on the apps above.
from newsweave import cli_bench, cli_brief, cli_eval, cli_serve, cli_spark, cli_stream  # noqa: E402,F401
