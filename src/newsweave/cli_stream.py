"""Commands of the stream side: ``ingest``, ``stories``, ``bench cluster``.

Thin shells over :mod:`newsweave.store` (with :class:`~newsweave.store.StreamIngest`),
:mod:`newsweave.cluster` and :mod:`newsweave.dedup`; registered on
:data:`newsweave.cli.app` and :data:`newsweave.cli.bench_app`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
from collections import deque
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Optional

import typer
from rich.text import Text
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from newsweave.cli import EXIT_OK, EXIT_SKIPPED, EXIT_UNUSABLE, app, bench_app
from newsweave.errors import StoreError
from newsweave.store import MEMORY_ARTICLES, story_json
from newsweave.model import Article

if TYPE_CHECKING:
    from newsweave.ingest import Rejected
    from newsweave.store import PreparedArticle, PrepareFailure

_err = Console(stderr=True, markup=False)  # messages quote user input: "[x]" is text, not a style
_WORKER_BYTES = 2_000_000  # input size from which ingest prepares articles in worker processes
DEFAULT_CLUSTER_DATA = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "cluster"


@app.command()
def ingest(
    inputs: list[str] = typer.Argument(..., help="Files, directories, feeds (.xml/.rss/.atom), WARC files, or - for JSON lines on stdin."),
    db: Path = typer.Option(..., "--db", help="The newsweave database (created when missing)."),
    recursive: bool = typer.Option(False, "--recursive", "-r", help="Walk directories recursively."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar on stderr."),
    memory: int = typer.Option(
        MEMORY_ARTICLES, "--memory", min=1,
        help="Recent articles kept in memory: a story takes new articles, and a text is checked for copies, only among these.",
    ),
) -> None:
    """Store articles, group near-duplicates and assign each to a story, as they arrive.

    Inputs stream: a JSON-lines file or a WARC archive is read a line or a
    page at a time, so memory stays bounded whatever the input's size.
    """
    from newsweave.ingest.units import input_bytes, iter_units
    from newsweave.intake import prepare_unit
    from newsweave.store import preparing

    size = input_bytes(inputs, recursive=recursive)
    # Worker processes read, clean and prepare while this one stores and
    # clusters; for a small input the fork is not worth it. Two workers even
    # on two cores: the writer waits on SQLite at times, and one worker
    # idles while its results wait to be read (measured in BENCHMARKS.md).
    workers = max(2, (os.cpu_count() or 2) - 1) if size is None or size >= _WORKER_BYTES else 0
    with preparing(iter_units(inputs, recursive=recursive), prepare_unit, workers) as prepared:
        code = store_prepared(chain.from_iterable(prepared), db, progress=progress, memory=memory)
    raise typer.Exit(code)


def store_prepared(
    items: "Iterator[PreparedArticle | PrepareFailure | Rejected]", db: Path, *, progress: bool, memory: int
) -> int:
    """The writing half of ``ingest``: store, group and cluster prepared items in order; return the exit code.

    Whoever prepared the items (worker processes for ``ingest``, Spark's
    executors for ``spark ingest``), what is stored and reported is the same:
    each skipped input is named on stderr, each stored article printed on
    stdout after its batch committed.
    """
    from newsweave.dedup import DedupConfig
    from newsweave.intake import RunIds
    from newsweave.store import PreparedArticle, PrepareFailure, Store, StreamIngest

    counts = {"new": 0, "duplicate": 0, "new_version": 0}
    skipped = failed = 0
    run = RunIds()
    offered: deque[tuple[str, str]] = deque()  # (id, input) of each article in flight, in order

    def skip(message: str) -> None:
        # One line per input, unwrapped: a script reads them as well as a person.
        _err.print(Text("skipped ", style="yellow") + Text(message), highlight=False, soft_wrap=True)

    def ready() -> Iterator[PreparedArticle]:
        nonlocal skipped, failed
        for item in items:
            if isinstance(item, PrepareFailure):
                failed += 1
                skip(item.message)
            elif isinstance(item, PreparedArticle):
                item = run.admit(item)
                offered.append((item.article.id, item.article.origin or item.article.id))
                yield item
            else:
                skipped += 1
                skip(item.message())

    articles = ready()
    first = next(articles, None)  # the database is created only when there is something to store
    if first is None:
        _err.print("nothing to ingest: no input gave an article")
        return EXIT_UNUSABLE
    try:
        store = Store.open(db)
    except StoreError as exc:
        _err.print(f"error: {exc}", highlight=False, markup=False)
        return EXIT_UNUSABLE
    with store, Progress(
        TextColumn("ingest"), BarColumn(), TextColumn("{task.completed:,.0f} articles"), TimeElapsedColumn(),
        console=_err, disable=not progress, transient=False,
    ) as bar:
        task = bar.add_task("ingest", total=None)
        stream = StreamIngest(store, dedup_config=DedupConfig(capacity=memory), memory_articles=memory)
        # One transaction per batch; each outcome arrives after its batch
        # committed, one per article offered, in order.
        for outcome in stream.add_many(chain([first], articles)):
            given, origin = offered.popleft()
            bar.advance(task)
            if outcome.status == "failed":
                failed += 1
                skip(f"{outcome.article_id}: {outcome.error}")
            elif outcome.status == "duplicate" and outcome.article_id != given and outcome.article_id in run:
                skipped += 1  # a repeat within this run's inputs, as read_inputs reports one
                skip(f"{origin}: duplicate of {outcome.article_id} (same text)")
            else:
                counts[outcome.status] += 1
                # Reported only after the commit: a kill after this line loses nothing.
                print(f"{outcome.status}\t{outcome.article_id}\tstory {outcome.story_id}", flush=True)
        stream.finish()
    _err.print(
        f"{counts['new']} new, {counts['new_version']} new versions, {counts['duplicate']} already stored"
        + (f", {skipped} skipped" if skipped else "")
        + (f", {failed} failed" if failed else ""),
        highlight=False,
    )
    return EXIT_SKIPPED if skipped or failed else EXIT_OK


@app.command()
def stories(
    db: Path = typer.Option(..., "--db", help="The newsweave database."),
    output_format: str = typer.Option("text", "--format", help="text or json."),
    explain: Optional[int] = typer.Option(None, "--explain", help="Say why each article is in story ID."),
) -> None:
    """List the stored stories, or explain one story's memberships."""
    from newsweave.store import Store

    if output_format not in ("text", "json"):
        _err.print(f"error: --format must be text or json, got {output_format!r}")
        raise typer.Exit(EXIT_UNUSABLE)
    try:
        with Store.open(db, create=False) as store:
            payload = explain_story(store, explain) if explain is not None else [story_json(s) for s in store.stories()]
    except StoreError as exc:
        _err.print(f"error: {exc}", highlight=False, markup=False)
        raise typer.Exit(EXIT_UNUSABLE) from exc
    if output_format == "json":
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    elif explain is not None:
        _print_explanation(payload)  # type: ignore[arg-type]
    else:
        for item in payload:  # type: ignore[union-attr]
            dates = f"{item['first'] or '?'}..{item['last'] or '?'}"
            print(f"{item['id']:>6}  {len(item['articles']):>4} articles  {item['sources']:>4} origins  {dates}  {item['title']}")


def explain_story(store: Any, story_id: int) -> dict[str, object]:
    """A story with, per member, why it joined: similarity, shared entities, top shared terms."""
    story = store.story(story_id)
    members = []
    for membership in store.memberships(story_id):
        article = store.get_article(membership.article_id)
        members.append(
            {
                "article": membership.article_id,
                "title": article.title,
                "published": article.published.isoformat() if article.published else None,
                "founded": membership.founded,
                "similarity": round(membership.similarity, 4),
                "shared_entities": list(membership.shared_entities),
                "shared_terms": list(membership.shared_terms),
                "duplicate_group": membership.duplicate_group,
            }
        )
    return story_json(story) | {"members": members}


def _print_explanation(payload: dict[str, Any]) -> None:
    print(f"story {payload['id']}: {payload['title']} ({len(payload['articles'])} articles, {payload['sources']} origins)")
    for member in payload["members"]:
        if member["founded"]:
            why = "founded the story"
        else:
            why = f"similarity {member['similarity']:.3f}; entities: {', '.join(member['shared_entities']) or '-'}; terms: {', '.join(member['shared_terms']) or '-'}"
        copy = f" [copy of {member['duplicate_group']}]" if member["duplicate_group"] not in (None, member["article"]) else ""
        print(f"  {member['article']}{copy} ({member['published'] or 'undated'}) {member['title'] or ''}\n    {why}")


# -- bench cluster -------------------------------------------------------------


def load_cluster_stream(root: Path) -> tuple[list[Article], dict[str, str]]:
    """The dev stream: BASIL in date order, then ECB+; with each article's gold event."""
    basil = [json.loads(line) for line in (root / "basil-dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    basil.sort(key=lambda r: (r["date"], r["file"]))
    ecb = [json.loads(line) for line in (root / "ecbplus-dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    articles: list[Article] = []
    gold: dict[str, str] = {}
    for record in basil:
        article = Article(
            id="basil:" + record["file"], text=record["text"], title=record["title"], url=record["url"],
            outlet=record.get("source"), published=dt.date.fromisoformat(record["date"]),
        )
        articles.append(article)
        gold[article.id] = "basil:" + record["triplet_uuid"]
    for record in ecb:
        article = Article(id="ecb:" + record["doc_id"], text=record["text"], title=record.get("title"))
        articles.append(article)
        gold[article.id] = "ecb:" + record["event_cluster"]
    return articles, gold


def stream_stories(articles: list[Article]) -> dict[str, int]:
    """Each article's story after one stream of them, in the given order, through a fresh store."""
    from newsweave.store import Store, StreamIngest

    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "stream.db") as store:
        stream = StreamIngest(store)
        # An exact repeat is stored once; it belongs to the story of the text it repeats.
        stored_as = {given.id: outcome.article_id for given, outcome in zip(articles, stream.add_many(articles))}
        stream.finish()
        story_of = {m: s.id for s in store.stories() for m in s.article_ids}
    return {given: story_of[stored] for given, stored in stored_as.items() if stored in story_of}


def stream_orders(articles: list[Article], shuffles: int = 8) -> dict[str, list[Article]]:
    """The dev stream in other orders: as given, ECB+ reversed, ECB+ shuffled, all shuffled (fixed seeds).

    ECB+ is undated, so its order is the clusterer's only guide there; a
    held-out stream comes in its own order, and what the clusterer finds
    should not hang on it.
    """
    import random

    basil = [a for a in articles if a.id.startswith("basil:")]
    ecb = [a for a in articles if not a.id.startswith("basil:")]
    orders = {"as given": articles, "ECB+ reversed": basil + ecb[::-1]}
    for seed in range(1, shuffles + 1):
        shuffled = ecb[:]
        random.Random(seed).shuffle(shuffled)
        orders[f"ECB+ shuffled ({seed})"] = basil + shuffled
    for seed in range(1, shuffles // 2 + 1):
        shuffled = articles[:]
        random.Random(seed).shuffle(shuffled)
        orders[f"all shuffled ({seed})"] = shuffled
    return orders


def run_cluster_bench(root: Path, orders: bool = False) -> dict[str, object]:
    """B-cubed of the stream clusterer (through a real store) and of the TF-IDF baseline.

    ``orders`` adds the F1 of both over :func:`stream_orders`.
    """
    from newsweave.clean import clean_article
    from newsweave.cluster import bcubed, tfidf_centroid_baseline

    raw, gold = load_cluster_stream(root)
    articles = [clean_article(a) for a in raw]
    started = time.perf_counter()
    predicted = stream_stories(articles)
    seconds = time.perf_counter() - started
    baseline = tfidf_centroid_baseline(articles)
    report: dict[str, object] = {"articles": len(articles), "events": len(set(gold.values())), "seconds": round(seconds, 2)}
    for name, labels in (("newsweave", predicted), ("tfidf_baseline", baseline)):
        entry = {}
        for part, prefix in (("all", ""), ("basil", "basil:"), ("ecbplus", "ecb:")):
            part_gold = {k: v for k, v in gold.items() if k.startswith(prefix)}
            p, r, f = bcubed({k: v for k, v in labels.items() if k in part_gold}, part_gold)
            entry[part] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
        report[name] = entry
    if orders:
        by_order = {
            name: {
                # The given order's labels are those above: not streamed twice.
                "newsweave": round(bcubed(predicted if order is articles else stream_stories(order), gold)[2], 4),
                "tfidf_baseline": round(bcubed(baseline if order is articles else tfidf_centroid_baseline(order), gold)[2], 4),
            }
            for name, order in stream_orders(articles).items()
        }
        report["orders"] = by_order
        report["over_orders"] = {}
        for system in ("newsweave", "tfidf_baseline"):
            f1s = [scores[system] for scores in by_order.values()]
            report["over_orders"][system] = {"mean_f1": round(sum(f1s) / len(f1s), 4), "min_f1": min(f1s)}  # type: ignore[index]
    return report


@bench_app.command("cluster")
def bench_cluster(
    data: Path = typer.Option(DEFAULT_CLUSTER_DATA, "--data", help="Folder with basil-dev.jsonl and ecbplus-dev.jsonl."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    orders: bool = typer.Option(False, "--orders", help="Also stream the articles in 13 other orders (reversed, shuffled) and report F1 over all 14."),
) -> None:
    """B-cubed precision/recall/F1 of story clustering on BASIL + ECB+, beside a TF-IDF baseline."""
    if not (data / "basil-dev.jsonl").exists() or not (data / "ecbplus-dev.jsonl").exists():
        _err.print(f"error: {data}: basil-dev.jsonl and ecbplus-dev.jsonl not found (see --data)")
        raise typer.Exit(EXIT_UNUSABLE)
    report = run_cluster_bench(data, orders)
    if as_json:
        print(json.dumps(report, indent=2))
        return
    print(f"{report['articles']} articles, {report['events']} gold events, clustered in {report['seconds']} s")
    print(f"{'system':<16}{'part':<9}{'P':>8}{'R':>8}{'F1':>8}")
    for name in ("newsweave", "tfidf_baseline"):
        for part, scores in report[name].items():  # type: ignore[union-attr]
            print(f"{name:<16}{part:<9}{scores['precision']:>8.4f}{scores['recall']:>8.4f}{scores['f1']:>8.4f}")
    if orders:
        print(f"\nF1 by order of the stream{'':<6}{'newsweave':>10}{'tfidf':>8}")
        for name, f1s in report["orders"].items():  # type: ignore[union-attr]
            print(f"{name:<31}{f1s['newsweave']:>10.4f}{f1s['tfidf_baseline']:>8.4f}")
        for stat in ("mean_f1", "min_f1"):
            values = [report["over_orders"][system][stat] for system in ("newsweave", "tfidf_baseline")]  # type: ignore[index]
            print(f"{stat.replace('_f1', '') + ' over the orders':<31}{values[0]:>10.4f}{values[1]:>8.4f}")
