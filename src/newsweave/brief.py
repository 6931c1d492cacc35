"""Brief: assemble a Brief from the stages, for one story or a batch of them.

    ingest -> clean (prepare_articles) -> dates -> nlp (one spaCy pass per
    batch) -> similarity -> summary, consensus/exclusive, entities, quotes,
    facts -> conflicts, timeline -> Brief

A single brief is a batch of one (:func:`brief_articles` calls
:func:`brief_batch`), so the CLI, the benchmarks and the server share one
code path. Nothing is dropped silently: every article that does not reach
the brief comes back as a :class:`~newsweave.ingest.Rejected` with the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from newsweave.align import AlignConfig, find_consensus, find_exclusive
from newsweave.clean import clean_article
from newsweave.conflicts import find_conflicts
from newsweave.dates import assign_dates
from newsweave.entities import find_entities
from newsweave.errors import ConfigError, InputError
from newsweave.facts import find_facts
from newsweave.ingest import IngestResult, Rejected, article_from_record
from newsweave.ingest.common import input_name, refusal
from newsweave.ingest.dispatch import drop_duplicates
from newsweave.ingest.records import json_lines
from newsweave.model import Article, Brief
from newsweave.nlp import ParsedArticle, parse_articles
from newsweave.quotes import find_quotes
from newsweave.similarity import build_index
from newsweave.summarize import SummaryConfig, summarize
from newsweave.timeline import build_timeline

if TYPE_CHECKING:
    from spacy.language import Language



@dataclass(frozen=True)
class BriefConfig:
    """Settings of one brief (or of every brief of a batch)."""

    words: int = 120  # summary length
    align: AlignConfig = field(default_factory=AlignConfig)
    analyses: bool = True  # entities, quotes, facts, conflicts, timeline

    def __post_init__(self) -> None:
        if self.words < 10:
            raise ConfigError(f"--words must be at least 10, got {self.words}", self)


@dataclass(frozen=True)
class BriefOutcome:
    """A brief (None when no input was usable) and the inputs it could not use."""

    brief: Brief | None
    rejected: tuple[Rejected, ...]
    cluster_id: str | None = None


def prepare_articles(raw: Sequence[Article]) -> tuple[list[Article], list[Rejected]]:
    """Clean articles and refuse those that cannot be briefed (empty, not English)."""
    kept: list[Article] = []
    rejected: list[Rejected] = []
    for article in raw:
        name = article.origin or article.id
        cleaned = clean_article(article)
        reason = refusal(cleaned)
        if reason is not None:
            rejected.append(Rejected(name, reason))
            continue
        kept.append(replace(cleaned, language="en"))
    return kept, rejected


def brief_from_parsed(
    parsed: Sequence[ParsedArticle], event_date: dt.date | None, config: BriefConfig, brief_id: str | None = None
) -> Brief:
    """Run every analysis over parsed articles and assemble the brief."""
    index = build_index(parsed)
    brief = Brief(
        event_date=event_date,
        sources=tuple(p.article for p in parsed),
        summary=summarize(parsed, index, SummaryConfig(words=config.words)),
        consensus=find_consensus(parsed, index, config.align),
        exclusive=find_exclusive(parsed, index, config.align),
        id=brief_id,
    )
    if not config.analyses:
        return brief
    entities = find_entities(parsed)
    quotes = find_quotes(parsed, entities)
    published = {p.id: p.article.published for p in parsed}
    return replace(
        brief,
        entities=entities,
        quotes=quotes,
        conflicts=find_conflicts(find_facts(parsed), parsed, quotes),
        timeline=build_timeline(parsed, published, event_date),
    )


Cluster = tuple[str | None, Sequence[Article], Sequence[Rejected]]


def brief_batch(
    clusters: Iterable[Cluster],
    config: BriefConfig = BriefConfig(),
    nlp: "Language | None" = None,
    chunk_size: int = 32,
) -> Iterator[BriefOutcome]:
    """Brief each cluster; spaCy runs once per chunk of clusters (one nlp.pipe)."""
    chunk: list[tuple[str | None, list[Article], list[Rejected], dt.date | None]] = []

    def flush() -> Iterator[BriefOutcome]:
        flat = [a for _, arts, _, _ in chunk for a in arts]
        parsed_all = parse_articles(flat, nlp=nlp) if flat else []
        offset = 0
        for cluster_id, arts, rejected, event_date in chunk:
            parsed = parsed_all[offset : offset + len(arts)]
            offset += len(arts)
            brief = brief_from_parsed(parsed, event_date, config, cluster_id) if parsed else None
            if brief is not None and rejected:
                # The brief says which inputs it left out and why, as stderr does.
                brief = replace(brief, skipped=tuple((r.input, r.reason) for r in rejected))
            yield BriefOutcome(brief, tuple(rejected), cluster_id)
        chunk.clear()

    for cluster_id, raw, rejected in clusters:
        articles, refused = prepare_articles(raw)
        articles, event_date = assign_dates(articles)
        chunk.append((cluster_id, articles, list(rejected) + refused, event_date))
        if len(chunk) >= chunk_size:
            yield from flush()
    if chunk:
        yield from flush()


def brief_articles(raw: Sequence[Article], config: BriefConfig = BriefConfig(), rejected: Sequence[Rejected] = (), nlp: "Language | None" = None) -> BriefOutcome:
    """Brief one story from ingested (raw) articles."""
    return next(brief_batch([(None, raw, rejected)], config, nlp=nlp))


def brief_stored_story(db_path: str | Path, story_id: int | str, config: BriefConfig = BriefConfig()) -> BriefOutcome:
    """Brief story ``story_id`` of the store at ``db_path``; the brief's id is the story's.

    What ``newsweave brief --db --story``, the web app and ``newsweave spark
    briefs --db`` (through :func:`newsweave.spark.store_clusters`) make of a
    stored story. Raises StoreError when there is no such database or story.
    """
    from newsweave.store import story_articles

    articles = story_articles(db_path, story_id)  # checks the id
    return next(brief_batch([(str(int(story_id)), articles, [])], config))


def read_batch(path: Path) -> Iterator[Cluster]:
    """Clusters of a batch file: one ``{"id", "documents": [str | object]}`` a line.

    A line that is not a cluster yields a cluster with no articles and the
    reason, so the caller reports it and goes on.
    """
    name = input_name(path)
    try:
        handle = path.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}", name) from exc
    with handle:
        for where, record in json_lines(handle, name):
            yield cluster_of_record(record, where)


def cluster_of_record(record: object, where: str) -> Cluster:
    """The cluster a batch line holds (``{"id", "documents"}``); with no articles and the reason when it holds none."""
    if isinstance(record, Rejected):
        return (None, [], [record])
    if not isinstance(record, dict) or not isinstance(record.get("documents"), list):
        return (None, [], [Rejected(where, "expected an object with a 'documents' list")])
    result = articles_from_documents(record["documents"], where)
    return (str(record.get("id", where)), result.articles, result.rejected)


def articles_from_documents(documents: Sequence[object], where: str) -> IngestResult:
    """A cluster's raw articles from its documents (texts or article objects), named ``where#d0``, ``where#d1``...

    A document that is no article is rejected by name; exact repeats are dropped.
    """
    result = IngestResult()
    for k, document in enumerate(documents):
        item = f"{where}#d{k}"
        try:
            default_id = f"d{k}" if isinstance(document, str) else None
            result.articles.append(article_from_record(document, item, default_id=default_id))
        except InputError as exc:
            result.rejected.append(Rejected(item, exc.reason))
    return drop_duplicates(result)
