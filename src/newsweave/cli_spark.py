"""Commands ``newsweave spark ingest`` and ``newsweave spark briefs``: the stream and batch briefs on Spark.

Thin shells over :mod:`newsweave.spark`; what they store, write and report
is what ``newsweave ingest`` and ``newsweave brief --batch`` do with the
same inputs (``tests/unit/test_spark.py`` checks it), with the per-article
and per-story work spread over Spark's executors.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Optional

import typer

from newsweave.cli import EXIT_OK, EXIT_SKIPPED, EXIT_UNUSABLE, app
from newsweave.cli import err_console as _err
from newsweave.cli import usage_error as _usage
from newsweave.errors import NewsweaveError
from newsweave.store import MEMORY_ARTICLES

if TYPE_CHECKING:
    from pyspark import SparkContext

    from newsweave.spark import RenderedBrief

spark_app = typer.Typer(
    no_args_is_help=True,
    help="The same work on Apache Spark (install newsweave with its spark extra; needs Java 17).",
)
app.add_typer(spark_app, name="spark")

_MASTER_HELP = "Spark master URL: local[*] (this machine, every core), local[N], spark://HOST:PORT, yarn ..."
_CONF_HELP = "Spark setting KEY=VALUE (repeatable), e.g. spark.executor.memory=4g."


@spark_app.command("ingest")
def spark_ingest(
    inputs: list[str] = typer.Argument(
        ..., help="Files, directories, feeds, WARC files, - for JSON lines on stdin, or URLs of JSON-lines files Spark reads (hdfs://, s3a://, file://)."
    ),
    db: Path = typer.Option(..., "--db", help="The newsweave database (created when missing)."),
    recursive: bool = typer.Option(False, "--recursive", "-r", help="Walk directories recursively."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar on stderr."),
    memory: int = typer.Option(MEMORY_ARTICLES, "--memory", min=1, help="Recent articles kept in memory (as for ingest)."),
    master: str = typer.Option("local[*]", "--master", help=_MASTER_HELP),
    conf: list[str] = typer.Option([], "--conf", help=_CONF_HELP),
    window: int = typer.Option(10_000, "--window", min=1, help="Inputs sent to the executors per Spark job."),
) -> None:
    """Ingest as 'newsweave ingest' does, with reading, cleaning and preparing done by Spark's executors.

    Storing, grouping and clustering stay one ordered pass in this process:
    the store is the one 'newsweave ingest' writes from the same inputs.
    """
    from newsweave.cli_stream import store_prepared
    from newsweave.spark import prepared_inputs_on_spark

    context = _start(master, conf)
    try:
        # Closed before Spark stops: a window still in flight is cancelled while Spark can hear it.
        with contextlib.closing(prepared_inputs_on_spark(context, inputs, recursive=recursive, window=window)) as items:
            code = _spark_failure_is_usage(lambda: store_prepared(items, db, progress=progress, memory=memory))
    finally:
        context.stop()
    raise typer.Exit(code)


@spark_app.command("briefs")
def spark_briefs(
    out: Path = typer.Option(..., "--out", "-o", help="Write the briefs here: JSON lines, one brief a line."),
    db: Optional[Path] = typer.Option(None, "--db", help="Brief the stories of this store ..."),
    batch: Optional[str] = typer.Option(
        None, "--batch", help="... or the clusters of CLUSTERS.jsonl (one {id, documents} a line; a URL such as hdfs://... is read by Spark)."
    ),
    min_sources: int = typer.Option(
        2, "--min-sources", min=1, help="With --db: only stories carried by at least this many independent origins (copies count once)."
    ),
    words: int = typer.Option(120, "--words", "-w", help="Summary length in words."),
    master: str = typer.Option("local[*]", "--master", help=_MASTER_HELP),
    conf: list[str] = typer.Option([], "--conf", help=_CONF_HELP),
) -> None:
    """Brief many stories at once: every stored story (--db) or every cluster of a batch file (--batch).

    Each line of --out is one brief in the JSON contract, as 'newsweave
    brief --batch' writes it; with --db its id is the story's id.
    """
    from newsweave.brief import read_batch
    from newsweave.cli_brief import checked_config, count_batch_lines
    from newsweave.ingest.common import input_name
    from newsweave.spark import batch_briefs_read_by_spark, briefs_on_spark, store_clusters
    from newsweave.spark.jobs import is_url
    from newsweave.store import Store

    if (db is None) == (batch is None):
        _usage("give either --db STORE or --batch FILE")
    config = checked_config(words, out)
    batch_url = batch if batch is not None and is_url(batch) else None
    batch_path = Path(batch) if batch is not None and batch_url is None else None
    if batch_path is not None:
        count_batch_lines(batch_path)  # missing, empty or binary: a usage error before Spark starts
    with contextlib.ExitStack() as resources:
        try:
            store = resources.enter_context(Store.open(db, create=False)) if db is not None else None
        except NewsweaveError as exc:
            _usage(str(exc))
        context = _start(master, conf)
        resources.callback(context.stop)
        if batch_url is not None:
            briefs = batch_briefs_read_by_spark(context, batch_url, config)
        else:
            clusters = store_clusters(store, min_sources) if store is not None else read_batch(batch_path)  # type: ignore[arg-type]
            briefs = briefs_on_spark(context, clusters, config)
        resources.enter_context(contextlib.closing(briefs))
        briefed, skipped, code = _write_briefs(briefs, out)
    if code == EXIT_OK and not briefed:
        what, name = ("story", input_name(db)) if db is not None else ("cluster", batch_url or input_name(batch_path))  # type: ignore[arg-type]
        _err.print(f"newsweave: {name}: no {what} could be briefed")
    if code != EXIT_OK or not briefed:
        raise typer.Exit(EXIT_UNUSABLE)
    _err.print(f"{briefed} briefs written to {input_name(out)}" + (f", {skipped} skipped" if skipped else ""))
    raise typer.Exit(EXIT_SKIPPED if skipped else EXIT_OK)


def _write_briefs(briefs: "Iterator[RenderedBrief]", out: Path) -> tuple[int, int, int]:
    """Write each brief as a line of ``out``, naming what was skipped; (briefed, skipped, exit code).

    Written to ``out.part`` and renamed when complete: a failed or interrupted
    run leaves no half-written file behind (nor the .part).
    """
    from newsweave.cli_brief import report_batch_item

    briefed = skipped = 0
    part = out.with_name(out.name + ".part")

    def write_all() -> int:
        nonlocal briefed, skipped
        with part.open("w", encoding="utf-8") as handle:
            for rendered in briefs:
                skipped += report_batch_item(rendered.cluster_id, rendered.json_line is not None, rendered.rejected)
                if rendered.json_line is None:
                    continue
                handle.write(rendered.json_line + "\n")
                briefed += 1
        return EXIT_OK

    try:
        code = _spark_failure_is_usage(write_all)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    if code == EXIT_OK and briefed:
        part.replace(out)
    else:
        part.unlink(missing_ok=True)
    return briefed, skipped, code


def _start(master: str, conf: list[str]) -> "SparkContext":
    from newsweave.spark import parse_conf, spark_context

    try:
        return spark_context(master, parse_conf(conf))
    except NewsweaveError as exc:
        _usage(str(exc))
    except Exception as exc:  # the JVM would not start (a bad master URL, a broken Java)
        _usage(f"Spark did not start: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")


def _spark_failure_is_usage(run: Callable[[], int]) -> int:
    """``run()``, with a failed Spark job reported in one line (exit 2) instead of a Py4J traceback.

    What was stored before the failure stays stored: ingest commits batch by batch.
    """
    try:
        return run()
    except Exception as exc:
        from newsweave.spark.jobs import is_spark_error, job_failure_reason

        if not is_spark_error(exc):
            raise
        _err.print(f"newsweave: a Spark job failed: {job_failure_reason(str(exc)) or type(exc).__name__}")
        return EXIT_UNUSABLE
