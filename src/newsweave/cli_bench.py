"""Commands under ``newsweave bench``: benchmarks on public data.

``newsweave bench summary --data FILE.jsonl [--words N] [--limit K] [--json]``
is a thin shell over :func:`newsweave.evaluate.summary.run_benchmark`: it
prints one table row per system (newsweave, the baselines, the oracle
ceiling) and the batch's throughput, or the same as JSON. Exit 0 when
scored, 2 when the data cannot be read or an option is invalid.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from newsweave.cli import EXIT_OK, EXIT_UNUSABLE, app, bench_app, eval_app  # noqa: F401
from newsweave.errors import ConfigError, InputError


def summary_table(result: "BenchResult") -> Table:  # noqa: F821  (imported lazily below)
    """ROUGE F1 (percent) per system, with the seconds each took."""
    table = Table(
        title=f"{Path(result.data).name}: {result.clusters} clusters, summaries cut to {result.words} words",
        caption=(
            f"newsweave batch brief: {result.batch_seconds:.1f} s, "
            f"{result.clusters_per_second:.1f} clusters/s"
            f"{'' if result.analyses else ' (summary path only)'}"
        ),
    )
    table.add_column("system")
    for name in ("R-1", "R-2", "R-L", "R-Lsum", "seconds"):
        table.add_column(name, justify="right")
    for system in result.systems:
        s = system.scores
        table.add_row(
            system.system,
            f"{s.rouge1:.2f}",
            f"{s.rouge2:.2f}",
            f"{s.rougeL:.2f}",
            f"{s.rougeLsum:.2f}",
            f"{system.seconds:.2f}",
        )
    return table


@bench_app.command("summary")
def bench_summary(
    data: Path = typer.Option(..., "--data", help="Benchmark JSONL: {id, documents: [str], summaries: [str]} a line."),
    words: Optional[int] = typer.Option(None, "--words", help="Cut every summary to N words (default: references' mean)."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Only the first K clusters."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    analyses: bool = typer.Option(True, "--analyses/--summary-only", help="Run every brief stage (honest throughput)."),
) -> None:
    """ROUGE of newsweave's summaries and of classical baselines, in one run."""
    from newsweave.evaluate.summary import BenchResult, run_benchmark  # noqa: F401

    if limit is not None and limit < 1:
        typer.echo("error: --limit must be at least 1", err=True)
        raise typer.Exit(EXIT_UNUSABLE)
    try:
        result = run_benchmark(data, words=words, limit=limit, analyses=analyses)
    except (InputError, ConfigError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_UNUSABLE) from exc
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2))
    else:
        Console().print(summary_table(result))
    raise typer.Exit(EXIT_OK)
