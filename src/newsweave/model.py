"""The typed data model that every pipeline stage passes along.

All objects are frozen dataclasses. Provenance is carried by :class:`Span`:
half-open code-point offsets ``[start, end)`` into an article's *cleaned*
text (``Article.text``). :func:`resolve_span` turns a span back into text and
raises :class:`~newsweave.errors.ProvenanceError` when it does not resolve.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Literal, Mapping, Sequence

from newsweave.errors import ProvenanceError

EntityType = Literal["PERSON", "ORG", "PLACE", "OTHER"]
BRIEF_SCHEMA = "newsweave.brief/1"


@dataclass(frozen=True, slots=True)
class Span:
    """A passage of one source: ``text[start:end]`` of that source's cleaned text."""

    source: str
    start: int
    end: int

    def to_json(self) -> dict[str, object]:
        return {"source": self.source, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Article:
    """One cleaned article, as every later stage sees it.

    ``text`` is the cleaned body that all spans point into; ``removed`` lists
    what the cleaner dropped (captions, sign-up blurbs, ...), verbatim.
    ``published`` comes from metadata, a dateline or a leading date field;
    when it was inferred from the rest of the story, ``published_inferred``
    is true.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: _dt.date | None = None
    published_inferred: bool = False
    language: str | None = "en"
    removed: tuple[str, ...] = ()
    origin: str = ""  # where it was read from (path, path:line, "-:3"), for messages
    # (month, day) of a dateline printed without a year ("June 19 (UPI)"): the
    # brief completes it from the story's other dates.
    dateline: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article with its position in the cleaned text."""

    source: str
    index: int  # position among the article's sentences
    start: int
    end: int
    text: str

    @property
    def span(self) -> Span:
        return Span(self.source, self.start, self.end)


@dataclass(frozen=True, slots=True)
class Mention:
    """A named-entity mention found by the NLP pass."""

    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, LOC, FAC, NORP, DATE, ...
    span: Span


@dataclass(frozen=True, slots=True)
class Fact:
    """A typed value in context: "nearly six hours", "$43,350", "4:30 p.m."."""

    kind: str  # duration, count, money, percent, age, year, date, time
    text: str  # the value's words as printed
    value: float | None
    unit: str | None  # hours, years, usd, percent, count, ...
    qualifier: str | None  # nearly, about, more than, at least, up to, ...
    about: str  # the event or subject it measures
    span: Span  # the value's words
    sentence: Span  # the sentence that carries it (evidence)
    about_terms: tuple[str, ...] = ()  # content lemmas that identify the subject


@dataclass(frozen=True, slots=True)
class BriefItem:
    """A summary, consensus or exclusive item: one sentence and its support."""

    text: str
    sources: tuple[str, ...]
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class ConflictValue:
    text: str
    value: float | None
    unit: str | None
    sources: tuple[str, ...]
    evidence: str
    spans: tuple[Span, ...]
    qualifier: str | None = None


@dataclass(frozen=True, slots=True)
class Conflict:
    about: str
    values: tuple[ConflictValue, ...]
    kind: str = "value"  # value | attribution
    soft: bool = False  # compatible through a qualifier or rounding


@dataclass(frozen=True, slots=True)
class QuoteVariant:
    text: str  # the quoted words exactly as that source printed them
    sources: tuple[str, ...]
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Quote:
    speaker: str | None
    variants: tuple[QuoteVariant, ...]
    paraphrased_in: tuple[str, ...] = ()  # sources that carry the words unquoted
    channel: str | None = None  # "according to CCTV", "the reading said", ...


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    date: str  # YYYY-MM-DD, YYYY-MM or YYYY
    time: str | None  # HH:MM, local time as printed
    text: str
    sources: tuple[str, ...]
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Entity:
    name: str
    type: EntityType
    sources: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    role: str | None = None
    mentions: int = 0


@dataclass(frozen=True, slots=True)
class Story:
    """A group of stored articles about one event."""

    id: str
    title: str
    article_ids: tuple[str, ...]
    first_seen: _dt.date | None = None
    last_seen: _dt.date | None = None
    sources: int = 0  # independent origins (near-duplicates count once)


@dataclass(frozen=True, slots=True)
class Brief:
    """Everything newsweave says about one story, each item with its spans."""

    event_date: _dt.date | None
    sources: tuple[Article, ...]
    summary: tuple[BriefItem, ...] = ()
    consensus: tuple[BriefItem, ...] = ()
    exclusive: tuple[BriefItem, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    quotes: tuple[Quote, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    entities: tuple[Entity, ...] = ()
    id: str | None = None  # the cluster id in batch mode
    skipped: tuple[tuple[str, str], ...] = field(default=())  # (input, why) of inputs left out

    def source(self, source_id: str) -> Article:
        for article in self.sources:
            if article.id == source_id:
                return article
        raise ProvenanceError(f"no source with id {source_id!r} in this brief", source_id)


def resolve_span(span: Span, articles: Mapping[str, Article] | Sequence[Article]) -> str:
    """Return the passage a span points to.

    Raises ProvenanceError when the source is unknown or the offsets fall
    outside its text or are reversed.
    """
    if isinstance(articles, Mapping):
        article = articles.get(span.source)
    else:
        article = next((a for a in articles if a.id == span.source), None)
    if article is None:
        raise ProvenanceError(f"span points to unknown source {span.source!r}", span)
    if not 0 <= span.start < span.end <= len(article.text):
        raise ProvenanceError(
            f"span [{span.start}, {span.end}) does not fit source {span.source!r} "
            f"of {len(article.text)} characters",
            span,
        )
    return article.text[span.start : span.end]
