"""Command: ``newsweave brief`` (one story, a batch of stories, or a stored story)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable, Optional

import typer

from newsweave.brief import (
    BriefConfig,
    BriefOutcome,
    brief_articles,
    brief_batch,
    brief_stored_story,
    read_batch,
)
from newsweave.cli import EXIT_OK, EXIT_SKIPPED, EXIT_UNUSABLE, app
from newsweave.cli import err_console as _err
from newsweave.cli import usage_error as _usage
from newsweave.errors import ConfigError, InputError, NewsweaveError
from newsweave.ingest import Rejected, read_inputs
from newsweave.ingest.common import decode_bytes, input_name

FORMATS = ("markdown", "json", "html", "jsonl")


def report_rejected(rejected: Iterable[Rejected]) -> int:
    """Name each skipped input on stderr; return how many."""
    count = 0
    for item in rejected:
        _err.print(f"newsweave: skipped {item.input}: {item.reason}", markup=False)
        count += 1
    return count


def report_batch_item(cluster_id: str | None, briefed: bool, rejected: Iterable[Rejected]) -> int:
    """Name on stderr what one cluster of a batch left out, and the cluster when it gave no brief; return how many were skipped."""
    skipped = report_rejected(rejected)
    if briefed:
        return skipped
    if cluster_id is not None:  # None: a line that is no cluster, named above
        _err.print(f"newsweave: cluster {cluster_id}: nothing usable to brief", markup=False)
    return skipped + 1


def _write(text: str, out: Optional[Path]) -> None:
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    tmp.replace(out)  # never leave a half-written brief behind


@app.command()
def brief(
    inputs: list[str] = typer.Argument(None, help="Article files, directories, or - for JSON Lines on stdin."),
    fmt: str = typer.Option("markdown", "--format", "-f", help="markdown, json, html, or jsonl (with --batch)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write here instead of standard output."),
    words: int = typer.Option(120, "--words", "-w", help="Summary length in words."),
    batch: Optional[Path] = typer.Option(None, "--batch", help="CLUSTERS.jsonl: one {id, documents} a line."),
    recursive: bool = typer.Option(False, "--recursive", "-r", help="Read directories recursively."),
    db: Optional[Path] = typer.Option(None, "--db", help="The store to read a story from (with --story)."),
    story: Optional[str] = typer.Option(None, "--story", help="Brief this stored story (with --db)."),
) -> None:
    """Brief one story from several reports: summary, agreement, conflicts, quotes, timeline."""
    from newsweave.render import render

    if fmt not in FORMATS:
        _usage(f"unknown --format {fmt!r}; choose one of {', '.join(FORMATS)}")
    config = checked_config(words, out)
    if batch is not None:
        if inputs:
            _usage("give either --batch FILE or INPUT files, not both")
        raise typer.Exit(_run_batch(batch, fmt, out, config))
    if fmt == "jsonl":
        _usage("--format jsonl goes with --batch; use json for one brief")
    if story is not None or db is not None:
        if story is None or db is None:
            _usage("--story and --db go together")
        try:
            outcome = brief_stored_story(db, story, config)
        except NewsweaveError as exc:
            _usage(str(exc))
    else:
        if not inputs:
            _usage("give at least one INPUT (file, directory or -), or --batch FILE")
        result = read_inputs(inputs, recursive=recursive)
        outcome = brief_articles(result.articles, config, rejected=result.rejected)
    skipped = report_rejected(outcome.rejected)
    if outcome.brief is None:
        _err.print("newsweave: nothing usable to brief", markup=False)
        raise typer.Exit(EXIT_UNUSABLE)
    _write(render(outcome.brief, fmt), out)
    raise typer.Exit(EXIT_SKIPPED if skipped else EXIT_OK)


def _run_batch(path: Path, fmt: str, out: Optional[Path], config: BriefConfig) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from newsweave.render.json import render_json

    if fmt not in ("jsonl", "json"):
        _usage("--batch writes JSON Lines: use --format jsonl")
    total = count_batch_lines(path)
    lines: list[str] = []
    skipped = briefed = 0
    progress = Progress(
        TextColumn("briefing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=_err, transient=True, disable=total < 20,
    )
    with progress:
        task = progress.add_task("brief", total=total)
        for outcome in brief_batch(read_batch(path), config):
            progress.advance(task)
            skipped += report_batch_item(outcome.cluster_id, outcome.brief is not None, outcome.rejected)
            if outcome.brief is None:
                continue
            briefed += 1
            lines.append(render_json(outcome.brief, indent=None))
    if not briefed:
        _err.print(f"newsweave: {input_name(path)}: no cluster could be briefed", markup=False)
        return EXIT_UNUSABLE
    _write("\n".join(lines), out)
    return EXIT_SKIPPED if skipped else EXIT_OK


def checked_config(words: int, out: Optional[Path]) -> BriefConfig:
    """The briefs' settings, with --out's directory checked; a usage error (exit 2) when either is wrong."""
    if out is not None and not out.parent.is_dir():
        _usage(f"--out {out}: directory {out.parent} does not exist")
    try:
        return BriefConfig(words=words)
    except ConfigError as exc:
        _usage(str(exc))


def count_batch_lines(path: Path) -> int:
    """The non-blank lines of a ``--batch`` file; a usage error (exit 2) when it is missing, empty or binary."""
    if not path.exists():
        _usage(f"{input_name(path)}: no such file")
    if not path.is_file():
        _usage(f"{input_name(path)}: not a file (--batch reads one JSON Lines file)")
    try:
        with path.open("rb") as raw:
            decode_bytes(raw.read(65536), input_name(path))  # empty or binary: one message, not one a line
        with path.open(encoding="utf-8", errors="replace") as handle:
            return sum(1 for line in handle if line.strip())
    except OSError as exc:
        _usage(f"{input_name(path)}: cannot read: {exc.strerror or exc}")
    except InputError as exc:
        _usage(str(exc))
