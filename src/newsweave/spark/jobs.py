"""newsweave's work on Spark: the per-article and per-story work on executors, the ordered part in the driver.

Two jobs, each a thin layer over the library functions the local commands call:

- :func:`prepared_on_spark` runs :func:`newsweave.intake.prepare_unit`
  (read, clean, refuse, features, MinHash) over the units of the inputs on
  Spark's executors, and hands the results back in input order. The driver
  then stores, groups and clusters them in one ordered pass
  (``newsweave.cli_stream.store_prepared``, what ``newsweave ingest`` runs):
  the stream clusterer's decisions depend on the order articles arrive in,
  and SQLite has one writer, so this part is not split. The store is then
  exactly the one ``newsweave ingest`` writes from the same inputs.
- :func:`briefs_on_spark` briefs many stories at once:
  :func:`newsweave.brief.brief_batch` runs on the executors over a slice of
  stories each (one spaCy pass per chunk, spaCy loaded once per Python
  worker), and each brief comes back rendered as one line of the JSON
  contract, in the order the stories were given.

The driver walks the inputs into units (:mod:`newsweave.ingest.units`): a
line of a JSON-lines file or a page of a WARC archive travels with its
bytes, read by the driver; a file of the small formats (text, HTML, JSON,
feeds) travels as its path and is read by the executor, so on a cluster
such files must sit where every node sees them under the same path. Units
go to the executors a window at a time; the next window is computed while
the driver consumes the current one, so the executors keep working while
the driver writes.
"""

from __future__ import annotations

import functools
import os
import re
import threading
import uuid
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from itertools import groupby, islice
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence, TypeVar

from newsweave.brief import BriefConfig, Cluster, brief_batch
from newsweave.errors import ConfigError, InputError
from newsweave.ingest.common import MAX_INPUT_BYTES, Rejected
from newsweave.ingest.units import FileUnit, JsonLine, Unit, iter_units
from newsweave.ingest.warc import WarcPage
from newsweave.intake import prepare_unit
from newsweave.store import PreparedArticle, PrepareFailure, Store, _yield_to_the_writer

if TYPE_CHECKING:
    from pyspark import SparkContext

_In = TypeVar("_In")
_Out = TypeVar("_Out")

# Units sent to the executors in one job. A Spark job costs tens of
# milliseconds to schedule; 10,000 units keep that under 1 % of the work,
# and the driver holds at most three windows (one being consumed, one
# computed, one read). A window also closes at WINDOW_BYTES of input, so
# large WARC pages or files do not make it gigabytes.
INGEST_WINDOW = 10_000
WINDOW_BYTES = 64 * 1024 * 1024
# Stories briefed in one job: a brief takes about half a second, so a window
# is minutes of work spread over the executors.
BRIEF_WINDOW = 512


@dataclass(frozen=True, slots=True)
class RenderedBrief:
    """One story's brief as a line of JSON (None when nothing in it was usable), and what it left out."""

    cluster_id: str | None
    json_line: str | None
    rejected: tuple[Rejected, ...]


def prepared_on_spark(
    context: "SparkContext", units: Iterable[Unit], window: int = INGEST_WINDOW
) -> Iterator[PreparedArticle | PrepareFailure | Rejected]:
    """``prepare_unit`` over ``units`` on Spark's executors, flattened, in the units' order.

    On a local master the executors share this machine with the driver, whose
    single writer bounds the rate: they run at the lowest priority, as
    ``newsweave ingest``'s workers do (``store._yield_to_the_writer``).
    """
    return _in_windows(context, _preparing_on(context), units, window, size=_unit_bytes)


def _preparing_on(context: "SparkContext") -> Callable[[Unit], list[PreparedArticle | PrepareFailure | Rejected]]:
    """``prepare_unit``, at the lowest priority on a local master (see :func:`prepared_on_spark`)."""
    return _prepare_beside_the_writer if context.master.startswith("local") else prepare_unit


def prepared_inputs_on_spark(
    context: "SparkContext", inputs: Sequence[str], *, recursive: bool = False, window: int = INGEST_WINDOW
) -> Iterator[PreparedArticle | PrepareFailure | Rejected]:
    """Every input prepared on the executors, in order: what ``newsweave spark ingest`` stores.

    An input given as a URL (``hdfs://``, ``s3a://``, ``file://`` ...) is a
    JSON-lines file that Spark itself reads, split over the executors, so it
    need not be seen by the driver; its lines are named ``URL:N`` as a local
    file's are. Any other input is read as ``newsweave ingest`` reads it
    (:func:`prepared_on_spark` over its units).
    """
    for url_group, group in groupby(inputs, key=is_url):
        if url_group:
            for url in group:
                yield from _json_lines_read_by_spark(context, url)
        else:
            yield from prepared_on_spark(context, iter_units(list(group), recursive=recursive), window)


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(item: str) -> bool:
    """Whether an input names a file by URL (``hdfs://``, ``s3a://``, ``file://`` ...), for Spark to read."""
    return bool(_URL.match(item))


def _json_lines_read_by_spark(context: "SparkContext", url: str) -> Iterator[PreparedArticle | PrepareFailure | Rejected]:
    """A JSON-lines file read by Spark's executors, each line prepared where it was read; in line order.

    A URL Spark cannot read is rejected by name, and the other inputs go on.
    """
    try:
        yield from _lines_read_by_spark(context, url, functools.partial(_prepare_lines, _preparing_on(context)))
    except InputError as exc:
        yield Rejected(url, exc.reason)


def _prepare_lines(
    work: Callable[[Unit], list[PreparedArticle | PrepareFailure | Rejected]], lines: Iterable[tuple[str, bytes]]
) -> Iterator[PreparedArticle | PrepareFailure | Rejected]:
    """Runs on an executor: the named lines of one split of a JSON-lines file, as units, prepared."""
    for where, data in lines:
        too_long = len(data) > MAX_INPUT_BYTES
        yield from work(JsonLine(where, None if too_long else data, len(data)))


def _lines_read_by_spark(context: "SparkContext", url: str, per_split: Callable[[Iterator[tuple[str, bytes]]], Iterable[_Out]]) -> Iterator[_Out]:
    """``per_split`` over each split of a file Spark reads itself, given its non-blank lines as ``(URL:N, bytes)``.

    Results come split by split, in line order. Raises InputError naming
    the URL when Spark cannot read it (no such path, no access, a file
    system Spark does not know).
    """
    try:
        # Line numbers count blank lines, as a file's do (zipWithIndex lists the splits: a missing path fails here).
        lines = context.textFile(url, use_unicode=False).zipWithIndex()
        results = lines.mapPartitions(functools.partial(_named_lines, url, per_split)).toLocalIterator(prefetchPartitions=True)
        first = next(results)
    except StopIteration:
        return
    except Exception as exc:
        if not is_spark_error(exc):
            raise
        raise InputError(f"{url}: Spark cannot read it: {job_failure_reason(str(exc))}", url) from exc
    yield first
    yield from results


def _named_lines(url: str, per_split: Callable[[Iterator[tuple[str, bytes]]], Iterable[_Out]], lines: Iterable[tuple[bytes, int]]) -> Iterable[_Out]:
    """Runs on an executor: ``per_split`` over a split's non-blank lines, each named ``URL:N``."""
    return per_split((f"{url}:{index + 1}", data) for data, index in lines if data.strip())


def is_spark_error(exc: BaseException) -> bool:
    """Whether an exception comes from Spark or its Py4J bridge (a failed job, a path it cannot read), not newsweave."""
    return type(exc).__module__.split(".")[0] in ("py4j", "pyspark")


def job_failure_reason(error: str) -> str:
    """The telling line of a Spark job's error: the Python exception an executor raised, else the first line."""
    # Py4J quotes the Java exception after ": " on the line below its own.
    lines = [line.strip().removeprefix(": ") for line in error.splitlines() if line.strip()]
    raised = [line for line in lines if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b:?", line)]
    # The executor's Python traceback is quoted inside the JVM's message; its last exception line is the cause.
    python = [line for line in raised if not line.startswith(("org.", "java.", "py4j.", "scala."))]
    if python:
        return python[-1]
    return (raised or lines or [""])[0]


def _unit_bytes(unit: Unit) -> int:
    """About how many bytes of input a unit carries or names (what a window's memory grows with)."""
    if isinstance(unit, JsonLine):
        return unit.size
    if isinstance(unit, WarcPage):
        return len(unit.payload)
    if isinstance(unit, FileUnit):
        try:
            return min(os.path.getsize(unit.path), MAX_INPUT_BYTES)
        except OSError:
            return 0
    return 0


_LOWERED = False  # per Python worker process


def _prepare_beside_the_writer(unit: Unit) -> list[PreparedArticle | PrepareFailure | Rejected]:
    global _LOWERED
    if not _LOWERED:
        _yield_to_the_writer()
        _LOWERED = True
    return prepare_unit(unit)


def briefs_on_spark(
    context: "SparkContext", clusters: Iterable[Cluster], config: BriefConfig = BriefConfig(), window: int = BRIEF_WINDOW
) -> Iterator[RenderedBrief]:
    """Brief every cluster on Spark's executors; results in the clusters' order.

    Each brief is what :func:`newsweave.brief.brief_batch` makes of the
    cluster in this process, rendered as ``render_json(brief, indent=None)``.
    """
    return _in_windows(context, functools.partial(_brief_slice, config), clusters, window, per_slice=True)


def store_clusters(store: Store, min_sources: int = 2) -> Iterator[Cluster]:
    """The stored stories carried by at least ``min_sources`` independent origins, as clusters to brief.

    Near-duplicates (a wire story and its copies) count as one origin, as
    ``newsweave stories`` counts them: a story only copies carry has one
    account to brief, not several. Each cluster's id is its story's id.
    """
    if min_sources < 1:
        raise ConfigError(f"min_sources must be at least 1, got {min_sources}", min_sources)
    page = 1000
    offset = 0
    while True:
        stories = store.stories(limit=page, offset=offset)
        if not stories:
            return
        offset += len(stories)
        for story in stories:
            if story.sources >= min_sources:
                yield (story.id, [store.get_article(a) for a in story.article_ids], [])


def batch_briefs_read_by_spark(context: "SparkContext", url: str, config: BriefConfig = BriefConfig()) -> Iterator[RenderedBrief]:
    """Brief every cluster of a batch file (``{"id", "documents"}`` a line) that Spark reads itself, split over the executors.

    For a file on ``hdfs://`` or ``s3a://`` (any URL Spark reads): its lines
    are named ``URL:N`` as ``read_batch`` names a local file's, and the
    briefs come back in line order. Raises ConfigError naming the URL when
    Spark cannot read it: the batch is the whole input.
    """
    try:
        yield from _lines_read_by_spark(context, url, functools.partial(_brief_lines, config))
    except InputError as exc:
        raise ConfigError(str(exc), url) from exc


def _brief_lines(config: BriefConfig, lines: Iterable[tuple[str, bytes]]) -> Iterator[RenderedBrief]:
    """Runs on an executor: the clusters of one split of a batch file, briefed."""
    from newsweave.brief import cluster_of_record
    from newsweave.ingest.records import json_record

    def clusters() -> Iterator[Cluster]:
        for where, data in lines:
            text = data.decode("utf-8", "replace")  # as read_batch opens a file
            if text.strip():  # white space beyond ASCII's, as read_batch skips it
                yield cluster_of_record(json_record(text, where), where)

    return _brief_slice(config, clusters())


def _brief_slice(config: BriefConfig, clusters: Iterable[Cluster]) -> Iterator[RenderedBrief]:
    """Runs on an executor: brief a slice of clusters with one spaCy pipeline."""
    from newsweave.render.json import render_json

    for outcome in brief_batch(clusters, config):
        line = render_json(outcome.brief, indent=None) if outcome.brief is not None else None
        yield RenderedBrief(outcome.cluster_id, line, outcome.rejected)


def _in_windows(
    context: "SparkContext",
    work: Callable[..., object],
    items: Iterable[_In],
    window: int,
    per_slice: bool = False,
    size: Callable[[_In], int] | None = None,
) -> Iterator[_Out]:
    """``work`` over ``items`` on the executors, a window at a time, results in order.

    ``work`` takes one item and returns a list of results, or (``per_slice``)
    takes an iterator of items and yields results. A window holds ``window``
    items, or fewer once their ``size`` reaches :data:`WINDOW_BYTES`. One
    window runs while the previous one's results are consumed here. If the
    consumer stops early or fails, the window in flight is cancelled (only
    this call's jobs: they run in a job group of their own).
    """
    if window < 1:
        raise ConfigError(f"window must be at least 1, got {window}", window)
    iterator = iter(items)
    slices = max(1, context.defaultParallelism)
    group = f"newsweave-{uuid.uuid4().hex}"
    stopping = threading.Event()

    def job(block: Sequence[_In]) -> list[_Out]:
        if stopping.is_set():
            return []
        # Local properties are per thread: the group names this thread's jobs only.
        context.setJobGroup(group, "newsweave", interruptOnCancel=True)
        rdd = context.parallelize(block, min(slices, len(block)))
        mapped = rdd.mapPartitions(work) if per_slice else rdd.flatMap(work)
        return mapped.collect()  # collect keeps partition order, and each partition's

    def next_block() -> list[_In]:
        if size is None:
            return list(islice(iterator, window))
        block: list[_In] = []
        total = 0
        for item in iterator:
            block.append(item)
            total += size(item)
            if len(block) >= window or total >= WINDOW_BYTES:
                break
        return block

    # One thread: Spark runs one job at a time here, the next while this thread's caller consumes.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsweave-spark") as pool:
        pending: deque[Future[list[_Out]]] = deque()

        def submit() -> None:
            block = next_block()
            if block:
                pending.append(pool.submit(job, block))

        try:
            submit()
            submit()
            while pending:
                results = pending.popleft().result()
                submit()
                yield from results
        except BaseException:  # interrupted, a failed job, or the consumer stopped early
            stopping.set()
            for future in pending:
                future.cancel()
            running = [future for future in pending if not future.done()]
            # Cancel the window in flight instead of waiting for it. Again until it ends:
            # its thread may submit the job just after a cancel (it checks ``stopping`` first).
            while running:
                try:
                    context.cancelJobGroup(group)
                except Exception:  # the context is stopped already: nothing is left to cancel
                    break
                if wait(running, timeout=0.5).done:
                    break
            raise
