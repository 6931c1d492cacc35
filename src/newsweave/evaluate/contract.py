"""Check a brief (as JSON) against the rules of the contract (docs/brief-json.md).

Used by the tests on every brief they build, and usable on any brief file.
Returns the list of violations, each naming the item; an empty list means
the brief keeps the contract.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

REQUIRED = ("schema", "event_date", "sources", "summary", "consensus", "exclusive", "conflicts", "quotes", "timeline", "entities")
ENTITY_TYPES = frozenset({"PERSON", "ORG", "PLACE", "OTHER"})
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _squash(text: str) -> str:
    return " ".join(text.split())


def _items(brief: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], list[dict[str, Any]], bool]]:
    """(where, item, spans, extractive) for every span-carrying item."""
    for section in ("summary", "consensus", "exclusive", "timeline"):
        for k, item in enumerate(brief.get(section) or []):
            yield f"{section}[{k}]", item, item.get("spans") or [], section != "timeline"
    for k, conflict in enumerate(brief.get("conflicts") or []):
        for v, value in enumerate(conflict.get("values") or []):
            yield f"conflicts[{k}].values[{v}]", value, value.get("spans") or [], False
    for k, quote in enumerate(brief.get("quotes") or []):
        for v, variant in enumerate(quote.get("variants") or []):
            yield f"quotes[{k}].variants[{v}]", variant, variant.get("spans") or [], True


def shape_problems(brief: object) -> list[str]:
    """Whether ``brief`` has the contract's shape at all: the top-level fields,
    each section a list of objects. Scoring needs no more than this."""
    if not isinstance(brief, dict):
        return ["a brief is a JSON object"]
    problems = [f"missing top-level field {key!r}" for key in REQUIRED if key not in brief]
    for key in REQUIRED[2:]:
        value = brief.get(key)
        if value is not None and (not isinstance(value, list) or any(not isinstance(x, dict) for x in value)):
            problems.append(f"{key!r} must be a list of objects")
    return problems


def contract_violations(brief: dict[str, Any]) -> list[str]:
    """Every way ``brief`` breaks the contract (empty when it keeps it)."""
    problems = shape_problems(brief)
    if any("must be" in p for p in problems):
        return problems
    if brief.get("schema") != "newsweave.brief/1":
        problems.append(f"schema is {brief.get('schema')!r}, expected 'newsweave.brief/1'")
    if brief.get("event_date") is not None and not _DATE.match(str(brief["event_date"])):
        problems.append(f"event_date {brief['event_date']!r} is not an ISO date")
    texts: dict[str, str] = {}
    removed: dict[str, list[str]] = {}
    for source in brief.get("sources") or []:
        sid = source.get("id")
        if not isinstance(sid, str) or not isinstance(source.get("text"), str):
            problems.append(f"source {sid!r} lacks an id or a text")
            continue
        if sid in texts:
            problems.append(f"source id {sid!r} appears twice")
        texts[sid] = source["text"]
        removed[sid] = [r for r in source.get("removed") or [] if len(r.strip()) >= 12]
        if source.get("published") is not None and not _DATE.match(str(source["published"])):
            problems.append(f"source {sid}: published {source['published']!r} is not an ISO date")
    for where, item, spans, extractive in _items(brief):
        listed = item.get("sources") if "sources" in item else [item.get("source")]
        listed = listed or []
        if not spans:
            problems.append(f"{where}: no spans")
        for sid in listed:
            if sid not in texts:
                problems.append(f"{where}: lists unknown source {sid!r}")
        span_sources = set()
        for s, span in enumerate(spans):
            sid, start, end = span.get("source"), span.get("start"), span.get("end")
            text = texts.get(sid)
            if text is None:
                problems.append(f"{where}.spans[{s}]: unknown source {sid!r}")
                continue
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
                problems.append(f"{where}.spans[{s}]: [{start}, {end}) does not fit source {sid} ({len(text)} chars)")
                continue
            span_sources.add(sid)
            passage = text[start:end]
            for line in removed.get(sid, []):
                if line in passage:
                    problems.append(f"{where}.spans[{s}]: points into removed boilerplate {line[:40]!r}")
        for sid in listed:
            if sid in texts and sid not in span_sources:
                problems.append(f"{where}: lists source {sid!r} but has no span in it")
        if extractive and spans:
            first = spans[0]
            text = texts.get(first.get("source"), "")
            passage = text[first.get("start", 0) : first.get("end", 0)]
            if _squash(passage) != _squash(str(item.get("text", ""))):
                problems.append(f"{where}: text differs from its first span {passage[:60]!r}")
    for k, entity in enumerate(brief.get("entities") or []):
        if entity.get("type") not in ENTITY_TYPES:
            problems.append(f"entities[{k}]: type {entity.get('type')!r} is not one of {sorted(ENTITY_TYPES)}")
        for sid in entity.get("sources") or []:
            if sid not in texts:
                problems.append(f"entities[{k}]: lists unknown source {sid!r}")
    for k, entry in enumerate(brief.get("timeline") or []):
        if not _DATE.match(str(entry.get("date", ""))):
            problems.append(f"timeline[{k}]: date {entry.get('date')!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        time = entry.get("time")
        if time is not None and not re.match(r"^\d{2}:\d{2}$", str(time)):
            problems.append(f"timeline[{k}]: time {time!r} is not HH:MM")
    return problems
