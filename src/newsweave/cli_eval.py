"""Command ``newsweave eval gold GOLD.json BRIEF.json``: score a brief against a hand annotation.

A thin shell over :func:`newsweave.evaluate.gold.score_brief`: read both JSON
files, score, print a table (or ``--json``). Exit 0 when scored, 2 when a file
cannot be read as a JSON object.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from newsweave.cli import EXIT_OK, EXIT_UNUSABLE, eval_app
from newsweave.errors import InputError
from newsweave.evaluate.contract import shape_problems
from newsweave.evaluate.gold import GoldScore, score_brief


def read_json_object(path: Path, what: str) -> dict[str, Any]:
    """Read a JSON object from ``path``.

    Raises InputError (naming the path) when the file is missing, unreadable,
    not JSON, or holds something other than an object.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        reason = err.strerror or str(err)
        raise InputError(f"cannot read {what} {str(path)!r}: {reason}", str(path)) from err
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"{what} {str(path)!r} is not valid JSON: {err}", str(path)) from err
    if not isinstance(data, dict):
        raise InputError(
            f"{what} {str(path)!r} must hold one JSON object, not {type(data).__name__}",
            str(path),
        )
    return data


def _percent(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def score_table(score: GoldScore, title: str) -> Table:
    """The scores as a rich table: one row per section, then the other measures."""
    table = Table(title=title)
    table.add_column("measure")
    table.add_column("score", justify="right")
    table.add_column("found / missed")
    for section in score.sections:
        table.add_row(
            f"{section.name} recall",
            _percent(section.recall),
            f"{len(section.found)}/{section.total}; missed: {', '.join(section.missed) or '-'}",
        )
    soft = score.soft_conflicts
    if soft.total:
        table.add_row("soft conflicts (not counted)", f"{len(soft.found)}/{soft.total}",
                      f"missed: {', '.join(soft.missed) or '-'}")
    table.add_row("mean recall", _percent(score.mean_recall), "", style="bold")
    table.add_row("conflict precision", _percent(score.conflict_precision),
                  "false positives: " + ("; ".join(score.conflict_false_positives) or "-"))
    table.add_row("quote source coverage", _percent(score.quote_source_coverage), "")
    table.add_row("boilerplate leaks", str(score.boilerplate_leaks), "; ".join(score.leaked) or "-")
    wrong = [f"{d.source}: {d.brief} != {d.gold}" for d in score.dates if not d.correct]
    table.add_row("publication dates", _percent(score.published_accuracy), "; ".join(wrong) or "-")
    if score.event_date_correct is not None:
        table.add_row("event date", "right" if score.event_date_correct else "wrong", "")
    return table


@eval_app.command("gold")
def gold_command(
    gold_path: Path = typer.Argument(
        ..., metavar="GOLD.json", help="Hand annotation of the cluster."
    ),
    brief_path: Path = typer.Argument(
        ..., metavar="BRIEF.json", help="The brief, as `brief --format json` prints it."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Score BRIEF.json against GOLD.json (see docs: gold-format.md)."""
    try:
        gold = read_json_object(gold_path, "gold file")
        brief = read_json_object(brief_path, "brief file")
    except InputError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(EXIT_UNUSABLE) from err
    problems = shape_problems(brief)
    if problems or not isinstance(gold.get("sources", {}), dict):
        what = f"{brief_path} is not a brief ({problems[0]})" if problems else f"{gold_path} is not a gold annotation"
        typer.echo(f"error: {what}; give GOLD.json first, then BRIEF.json", err=True)
        raise typer.Exit(EXIT_UNUSABLE)
    score = score_brief(gold, brief)
    if as_json:
        typer.echo(json.dumps(score.to_dict(), ensure_ascii=False, indent=2))
    else:
        Console().print(score_table(score, f"{brief_path.name} against {gold_path.name}"))
    raise typer.Exit(EXIT_OK)
