"""The brief as JSON: the contract of /work/shared/docs/brief-json.md, both ways.

Last stage of the pipeline (``... -> brief -> render``). :func:`brief_to_dict`
writes the ``newsweave.brief/1`` object; :func:`brief_from_dict` reads it back
into model objects (for the store and for round-trip tests). Fields beyond the
contract (``soft``, ``kind``, ``qualifier``, ``paraphrased_in``, ``channel``,
``aliases``, ``role``, ``mentions``, ``skipped``) are extras the contract
welcomes; they make the round trip lossless for everything a brief carries
except ``Article.origin`` and ``Article.dateline``, which are ingest details.
"""

from __future__ import annotations

import datetime as _dt
import json as _json
from typing import Any, Mapping, Sequence

from newsweave.errors import ConfigError
from newsweave.model import (
    BRIEF_SCHEMA,
    Article,
    Brief,
    BriefItem,
    Conflict,
    ConflictValue,
    Entity,
    Quote,
    QuoteVariant,
    Span,
    TimelineEntry,
)

JsonDict = dict[str, Any]


# --- writing ---------------------------------------------------------------


def _iso(day: _dt.date | str | None) -> str | None:
    """``YYYY-MM-DD``; a date-time keeps only its day, as the contract asks."""
    if day is None:
        return None
    return (day if isinstance(day, str) else day.isoformat())[:10]


def _spans(spans: Sequence[Span]) -> list[JsonDict]:
    return [span.to_json() for span in spans]


def _source_dict(article: Article) -> JsonDict:
    return {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "published": _iso(article.published),
        # Always present as a bool: simpler for readers than an optional key.
        "published_inferred": bool(article.published_inferred),
        "language": article.language,
        "text": article.text,
        "removed": list(article.removed),
    }


def _item_dict(item: BriefItem) -> JsonDict:
    return {"text": item.text, "sources": list(item.sources), "spans": _spans(item.spans)}


def _exclusive_dict(item: BriefItem) -> JsonDict:
    # An exclusive item has one source by definition; the contract names it `source`.
    source = item.sources[0] if item.sources else (item.spans[0].source if item.spans else None)
    return {"text": item.text, "source": source, "spans": _spans(item.spans)}


def _conflict_value_dict(value: ConflictValue) -> JsonDict:
    return {
        "text": value.text,
        "value": value.value,
        "unit": value.unit,
        "sources": list(value.sources),
        "evidence": value.evidence,
        "spans": _spans(value.spans),
        "qualifier": value.qualifier,
    }


def _conflict_dict(conflict: Conflict) -> JsonDict:
    return {
        "about": conflict.about,
        "values": [_conflict_value_dict(v) for v in conflict.values],
        "kind": conflict.kind,
        "soft": conflict.soft,
    }


def _quote_dict(quote: Quote) -> JsonDict:
    return {
        "speaker": quote.speaker,
        "variants": [
            {"text": v.text, "sources": list(v.sources), "spans": _spans(v.spans)}
            for v in quote.variants
        ],
        "paraphrased_in": list(quote.paraphrased_in),
        "channel": quote.channel,
    }


def _timeline_dict(entry: TimelineEntry) -> JsonDict:
    return {
        "date": entry.date,
        "time": entry.time,
        "text": entry.text,
        "sources": list(entry.sources),
        "spans": _spans(entry.spans),
    }


def _entity_dict(entity: Entity) -> JsonDict:
    return {
        "name": entity.name,
        "type": entity.type,
        "sources": list(entity.sources),
        "aliases": list(entity.aliases),
        "role": entity.role,
        "mentions": entity.mentions,
    }


def brief_to_dict(brief: Brief) -> JsonDict:
    """Return the brief as the ``newsweave.brief/1`` JSON object (plain dicts and lists)."""
    out: JsonDict = {"schema": BRIEF_SCHEMA}
    if brief.id is not None:
        out["id"] = brief.id
    out.update(
        {
            "event_date": _iso(brief.event_date),
            "sources": [_source_dict(a) for a in brief.sources],
            "summary": [_item_dict(i) for i in brief.summary],
            "consensus": [_item_dict(i) for i in brief.consensus],
            "exclusive": [_exclusive_dict(i) for i in brief.exclusive],
            "conflicts": [_conflict_dict(c) for c in brief.conflicts],
            "quotes": [_quote_dict(q) for q in brief.quotes],
            "timeline": [_timeline_dict(t) for t in brief.timeline],
            "entities": [_entity_dict(e) for e in brief.entities],
            "skipped": [{"input": name, "why": why} for name, why in brief.skipped],
        }
    )
    return out


def render_json(brief: Brief, indent: int | None = 2) -> str:
    """Return the brief as JSON text, non-ASCII characters kept as they are."""
    return _json.dumps(brief_to_dict(brief), ensure_ascii=False, indent=indent)


# --- reading ---------------------------------------------------------------


def _date(value: object, where: str) -> _dt.date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected an ISO date string or null, got {value!r}", value)
    try:
        # Accept a date-time too: its day is what the model keeps.
        return _dt.date.fromisoformat(value[:10])
    except ValueError as err:
        raise ConfigError(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD)", value) from err


def _str_tuple(values: object) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())  # type: ignore[attr-defined]


def _spans_from(spans: object) -> tuple[Span, ...]:
    return tuple(
        Span(str(s["source"]), int(s["start"]), int(s["end"]))
        for s in spans or ()  # type: ignore[attr-defined]
    )


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _article_from(d: Mapping[str, Any]) -> Article:
    return Article(
        id=str(d["id"]),
        text=str(d.get("text") or ""),
        title=d.get("title"),
        url=d.get("url"),
        outlet=d.get("outlet"),
        published=_date(d.get("published"), f"source {d['id']!r} published"),
        published_inferred=bool(d.get("published_inferred", False)),
        language=d.get("language"),
        removed=_str_tuple(d.get("removed")),
    )


def _item_from(d: Mapping[str, Any]) -> BriefItem:
    return BriefItem(str(d["text"]), _str_tuple(d.get("sources")), _spans_from(d.get("spans")))


def _exclusive_from(d: Mapping[str, Any]) -> BriefItem:
    source = d.get("source")
    sources = (str(source),) if source is not None else _str_tuple(d.get("sources"))
    return BriefItem(str(d["text"]), sources, _spans_from(d.get("spans")))


def _conflict_from(d: Mapping[str, Any]) -> Conflict:
    values = tuple(
        ConflictValue(
            text=str(v["text"]),
            value=_number(v.get("value")),
            unit=v.get("unit"),
            sources=_str_tuple(v.get("sources")),
            evidence=str(v.get("evidence") or ""),
            spans=_spans_from(v.get("spans")),
            qualifier=v.get("qualifier"),
        )
        for v in d.get("values") or ()
    )
    return Conflict(
        about=str(d["about"]),
        values=values,
        kind=str(d.get("kind") or "value"),
        soft=bool(d.get("soft", False)),
    )


def _quote_from(d: Mapping[str, Any]) -> Quote:
    variants = tuple(
        QuoteVariant(str(v["text"]), _str_tuple(v.get("sources")), _spans_from(v.get("spans")))
        for v in d.get("variants") or ()
    )
    return Quote(
        speaker=d.get("speaker"),
        variants=variants,
        paraphrased_in=_str_tuple(d.get("paraphrased_in")),
        channel=d.get("channel"),
    )


def _timeline_from(d: Mapping[str, Any]) -> TimelineEntry:
    return TimelineEntry(
        date=str(d["date"]),
        time=d.get("time"),
        text=str(d["text"]),
        sources=_str_tuple(d.get("sources")),
        spans=_spans_from(d.get("spans")),
    )


def _entity_from(d: Mapping[str, Any]) -> Entity:
    return Entity(
        name=str(d["name"]),
        type=d.get("type") or "OTHER",
        sources=_str_tuple(d.get("sources")),
        aliases=_str_tuple(d.get("aliases")),
        role=d.get("role"),
        mentions=int(d.get("mentions") or 0),
    )


def brief_from_dict(d: Mapping[str, Any]) -> Brief:
    """Read a ``newsweave.brief/1`` object back into a :class:`Brief`.

    Raises ConfigError when the schema is not ``newsweave.brief/1``, a required
    field is missing or a date is not ISO.
    """
    schema = d.get("schema")
    if schema != BRIEF_SCHEMA:
        raise ConfigError(f"expected schema {BRIEF_SCHEMA!r}, got {schema!r}", schema)
    try:
        return Brief(
            event_date=_date(d.get("event_date"), "event_date"),
            sources=tuple(_article_from(a) for a in d.get("sources") or ()),
            summary=tuple(_item_from(i) for i in d.get("summary") or ()),
            consensus=tuple(_item_from(i) for i in d.get("consensus") or ()),
            exclusive=tuple(_exclusive_from(i) for i in d.get("exclusive") or ()),
            conflicts=tuple(_conflict_from(c) for c in d.get("conflicts") or ()),
            quotes=tuple(_quote_from(q) for q in d.get("quotes") or ()),
            timeline=tuple(_timeline_from(t) for t in d.get("timeline") or ()),
            entities=tuple(_entity_from(e) for e in d.get("entities") or ()),
            id=d.get("id"),
            skipped=tuple((str(s["input"]), str(s["why"])) for s in d.get("skipped") or ()),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise ConfigError(f"not a valid {BRIEF_SCHEMA} object: {err!r}", d) from err
