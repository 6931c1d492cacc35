"""Score a brief (its JSON object) against a hand annotation of its cluster.

Implements /work/shared/docs/gold-format.md as written: matching by keywords
and values, never by exact wording. Outside the pipeline: it reads the brief
as ``newsweave.brief/1`` JSON, so it scores any producer's output the same way.

Text comparisons go through :func:`fold` (case-insensitive, curly quotes,
guillemets and dashes to ASCII, whitespace collapsed). Conflict values compare
numbers after :func:`normalise_quantity` (minutes to hours, months to years,
...) within 1%.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Sequence

from rapidfuzz import fuzz

JsonDict = Mapping[str, Any]

SECTIONS = ("conflicts", "quotes", "timeline", "consensus", "exclusive", "entities")
NUMBER_TOLERANCE = 0.01  # relative: "same number within 1%"
QUOTE_KEY_MIN_RATIO = 85.0  # rapidfuzz partial_ratio, 0-100
TIME_TOLERANCE_MINUTES = 30
DEFAULT_MIN_SOURCES = 2  # a consensus item is "carried by 2+ sources" by definition

# Gold value keys that are not a unit carrying the value's number.
_GOLD_VALUE_FIELDS = frozenset(
    {"text", "sources", "qualifier", "id", "note", "evidence", "value", "unit", "person",
     "paraphrased_in", "about"}
)

# unit -> (dimension, factor to the dimension's base unit). Gold files name the
# dimension's base unit (`hours`, `years`, `usd`, ...) as the key of the number.
_UNITS: dict[str, tuple[str, float]] = {
    **dict.fromkeys(("second", "seconds", "sec", "secs", "s"), ("hours", 1 / 3600)),
    **dict.fromkeys(("minute", "minutes", "min", "mins"), ("hours", 1 / 60)),
    **dict.fromkeys(("hour", "hours", "hr", "hrs", "h"), ("hours", 1.0)),
    **dict.fromkeys(("day", "days"), ("hours", 24.0)),
    **dict.fromkeys(("week", "weeks"), ("hours", 24.0 * 7)),
    **dict.fromkeys(("month", "months"), ("years", 1 / 12)),
    **dict.fromkeys(("year", "years", "yr", "yrs"), ("years", 1.0)),
    **dict.fromkeys(("decade", "decades"), ("years", 10.0)),
    **dict.fromkeys(("usd", "dollar", "dollars", "$", "us$"), ("usd", 1.0)),
    **dict.fromkeys(("percent", "per cent", "%", "pct"), ("percent", 1.0)),
    **dict.fromkeys(("count", "people", "persons", "number"), ("count", 1.0)),
}

_CHAR_FOLDS = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u2039\u203a`\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    }
)
_WHITESPACE = re.compile(r"\s+")


# --- text and values ---------------------------------------------------------


def fold(text: object) -> str:
    """Fold text for comparison: lower case, ASCII quotes and dashes, one space between words."""
    if text is None:
        return ""
    return _WHITESPACE.sub(" ", str(text).translate(_CHAR_FOLDS)).strip().casefold()


def contains(haystack: str, needle: str) -> bool:
    """True when folded ``needle`` occurs in folded ``haystack`` (empty needles never match)."""
    folded = fold(needle)
    return bool(folded) and folded in fold(haystack)


def normalise_quantity(value: float | None, unit: str | None) -> tuple[str, float] | None:
    """Return ``(dimension, amount in the dimension's base unit)``.

    A value without unit counts as a ``count``; an unknown unit stays its own
    dimension (compared only with the same unit). None for a missing number.
    """
    if value is None:
        return None
    key = fold(unit) if unit else "count"
    dimension, factor = _UNITS.get(key, (key, 1.0))
    return dimension, float(value) * factor


def gold_quantity(gold_value: JsonDict) -> tuple[str, float] | None:
    """The number a gold value carries under its unit key (``"hours": 7.5``), normalised."""
    if _is_number(gold_value.get("value")):
        return normalise_quantity(gold_value["value"], gold_value.get("unit"))
    for key, number in gold_value.items():
        if key not in _GOLD_VALUE_FIELDS and _is_number(number):
            return normalise_quantity(number, key)
    return None


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def same_number(a: float, b: float, tolerance: float = NUMBER_TOLERANCE) -> bool:
    """Equal within ``tolerance`` relative to the larger magnitude."""
    return abs(a - b) <= tolerance * max(abs(a), abs(b)) or a == b


def _texts(item: JsonDict, children: str) -> str:
    """The "text of an item": its text/about plus the text and evidence of its values/variants."""
    parts = [item.get("text"), item.get("about")]
    for child in item.get(children) or ():
        parts += [child.get("text"), child.get("evidence")]
    return " \n ".join(str(p) for p in parts if p)


def _share_source(a: Iterable[str], b: Iterable[str]) -> bool:
    return bool(set(a) & set(b))


# --- conflicts ---------------------------------------------------------------


def _person_matches(person: str, text: str) -> bool:
    words = fold(person).split()
    if not words:
        return False
    folded = fold(text)
    return all(re.search(rf"\b{re.escape(w)}\b", folded) for w in (words[0], words[-1]))


def conflict_value_matches(gold_value: JsonDict, brief_value: JsonDict) -> bool:
    """A brief value matches a gold value by number, person or text, and shares a source."""
    gold_sources = gold_value.get("sources") or ()
    if gold_sources and not _share_source(gold_sources, brief_value.get("sources") or ()):
        return False
    brief_text = str(brief_value.get("text") or "")
    gold_q = gold_quantity(gold_value)
    brief_number = brief_value.get("value")
    if gold_q is not None and _is_number(brief_number):
        brief_q = normalise_quantity(brief_number, brief_value.get("unit"))
        if brief_q is not None and brief_q[0] == gold_q[0] and same_number(brief_q[1], gold_q[1]):
            return True
    person = gold_value.get("person")
    if isinstance(person, str) and _person_matches(person, brief_text):
        return True
    return contains(brief_text, gold_value.get("text") or "")


def _max_matching(edges: Sequence[Sequence[int]]) -> int:
    """Size of a maximum bipartite matching; ``edges[i]`` lists right nodes left node i may take."""
    owner: dict[int, int] = {}

    def augment(left: int, seen: set[int]) -> bool:
        for right in edges[left]:
            if right in seen:
                continue
            seen.add(right)
            if right not in owner or augment(owner[right], seen):
                owner[right] = left
                return True
        return False

    return sum(augment(left, set()) for left in range(len(edges)))


def conflict_matches(gold: JsonDict, brief_conflict: JsonDict) -> bool:
    """The table's rule for one pair.

    The brief conflict has 2+ values, its text carries a gold keyword, and 2+
    gold values are each matched by a distinct brief value.
    """
    brief_values = list(brief_conflict.get("values") or ())
    if len(brief_values) < 2:
        return False
    text = _texts(brief_conflict, "values")
    if not any(contains(text, k) for k in gold.get("keywords") or ()):
        return False
    edges = [
        [j for j, bv in enumerate(brief_values) if conflict_value_matches(gv, bv)]
        for gv in gold.get("values") or ()
    ]
    return _max_matching(edges) >= 2


# --- quotes, timeline, consensus, exclusive, entities ------------------------


def quote_key_matches(key: str, variant_text: str) -> bool:
    """The variant contains the key, fuzzily (partial ratio >= 85 on folded text).

    "Contains" needs the variant to be at least as long as the key: a shorter
    variant is compared whole (plain ratio), so a two-word fragment does not
    "contain" a long key just because it occurs inside it.
    """
    k, v = fold(key), fold(variant_text)
    if not k or not v:
        return False
    score = fuzz.partial_ratio(k, v) if len(v) >= len(k) else fuzz.ratio(k, v)
    return score >= QUOTE_KEY_MIN_RATIO


def _quote_group_sources(group: JsonDict) -> set[str]:
    return {s for v in group.get("variants") or () for s in v.get("sources") or ()}


def matching_quote_groups(gold: JsonDict, quotes: Sequence[JsonDict]) -> list[JsonDict]:
    speaker = gold.get("speaker") or ""
    return [
        q
        for q in quotes
        if q.get("speaker") and contains(q["speaker"], speaker)
        and any(quote_key_matches(gold.get("key") or "", v.get("text") or "")
                for v in q.get("variants") or ())
    ]


def _minutes(hhmm: str) -> int | None:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", hhmm.strip())
    return int(match.group(1)) * 60 + int(match.group(2)) if match else None


def timeline_matches(gold: JsonDict, entry: JsonDict) -> bool:
    if not str(entry.get("date") or "").startswith(str(gold.get("date") or "")):
        return False
    if not any(contains(entry.get("text") or "", k) for k in gold.get("keywords") or ()):
        return False
    gold_time = gold.get("time")
    if not gold_time:
        return True
    want, got = _minutes(gold_time), _minutes(entry.get("time") or "")
    return want is not None and got is not None and abs(want - got) <= TIME_TOLERANCE_MINUTES


def consensus_matches(gold: JsonDict, item: JsonDict) -> bool:
    keywords = gold.get("keywords") or ()
    needed = int(gold.get("min_sources", DEFAULT_MIN_SOURCES))
    enough = len(set(item.get("sources") or ())) >= needed
    return enough and all(contains(item.get("text") or "", k) for k in keywords)


def exclusive_matches(gold: JsonDict, item: JsonDict) -> bool:
    source = item.get("source") or next(iter(item.get("sources") or ()), None)
    if source != gold.get("source"):
        return False
    return all(contains(item.get("text") or "", k) for k in gold.get("keywords") or ())


_PLACE_TYPES = frozenset({"GPE", "LOC", "FAC", "PLACE"})


def _entity_kind(entity_type: object) -> str:
    kind = str(entity_type or "").upper()
    return "PLACE" if kind in _PLACE_TYPES else kind


def entity_matches(gold: JsonDict, entity: JsonDict) -> bool:
    words = fold(gold.get("name")).split()
    if not words or not contains(entity.get("name") or "", words[-1]):
        return False
    return not gold.get("type") or _entity_kind(gold["type"]) == _entity_kind(entity.get("type"))


# --- boilerplate and dates -----------------------------------------------------


def brief_texts(brief: JsonDict) -> Iterator[str]:
    """Every string of the brief except the ``removed`` lists of its sources."""

    def walk(node: object, skip_removed: bool) -> Iterator[str]:
        if isinstance(node, str):
            yield node
        elif isinstance(node, Mapping):
            for key, child in node.items():
                if not (skip_removed and key == "removed"):
                    yield from walk(child, False)
        elif isinstance(node, (list, tuple)):
            for child in node:
                yield from walk(child, skip_removed)

    for key, value in brief.items():
        yield from walk(value, skip_removed=key == "sources")


def boilerplate_leaks(gold: JsonDict, brief: JsonDict) -> tuple[str, ...]:
    folded = [fold(t) for t in brief_texts(brief)]
    return tuple(
        b for b in gold.get("boilerplate") or () if fold(b) and any(fold(b) in t for t in folded)
    )


def _iso_day(value: object) -> str | None:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    return str(value) if value is not None else None


# --- the score -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionScore:
    """Found and missed gold item ids of one section."""

    name: str
    found: tuple[str, ...]
    missed: tuple[str, ...]

    @property
    def total(self) -> int:
        return len(self.found) + len(self.missed)

    @property
    def recall(self) -> float | None:
        return len(self.found) / self.total if self.total else None

    def to_dict(self) -> dict[str, object]:
        return {"recall": self.recall, "found": list(self.found), "missed": list(self.missed)}


@dataclass(frozen=True, slots=True)
class DateCheck:
    source: str
    gold: str
    brief: str | None

    @property
    def correct(self) -> bool:
        return self.gold == self.brief


@dataclass(frozen=True, slots=True)
class GoldScore:
    """How a brief fares against a gold annotation. Absent measures are None."""

    sections: tuple[SectionScore, ...]  # sections present in the gold (soft conflicts excluded)
    soft_conflicts: SectionScore  # reported apart, never counted
    conflict_precision: float | None  # matched / brief conflicts; None when the brief has none
    conflict_false_positives: tuple[str, ...]  # `about` of brief conflicts matching no gold one
    quote_source_coverage: float | None  # mean over found gold quotes
    quote_coverage: tuple[tuple[str, float], ...]  # per found gold quote id
    leaked: tuple[str, ...]  # gold boilerplate strings found in the brief
    dates: tuple[DateCheck, ...] = field(default=())
    event_date_correct: bool | None = None  # extra: the gold's event_date, when it has one

    @property
    def boilerplate_leaks(self) -> int:
        return len(self.leaked)

    @property
    def published_accuracy(self) -> float | None:
        return sum(d.correct for d in self.dates) / len(self.dates) if self.dates else None

    def section(self, name: str) -> SectionScore | None:
        return next((s for s in self.sections if s.name == name), None)

    def recall(self, name: str) -> float | None:
        section = self.section(name)
        return section.recall if section else None

    @property
    def mean_recall(self) -> float | None:
        """The headline figure: mean of the section recalls present in the gold."""
        recalls = [s.recall for s in self.sections if s.recall is not None]
        return sum(recalls) / len(recalls) if recalls else None

    def to_dict(self) -> dict[str, object]:
        return {
            "mean_recall": self.mean_recall,
            "recall": {s.name: s.recall for s in self.sections},
            "conflict_precision": self.conflict_precision,
            "quote_source_coverage": self.quote_source_coverage,
            "boilerplate_leaks": self.boilerplate_leaks,
            "published_accuracy": self.published_accuracy,
            "event_date_correct": self.event_date_correct,
            "sections": {s.name: s.to_dict() for s in self.sections},
            "soft_conflicts": self.soft_conflicts.to_dict(),
            "conflict_false_positives": list(self.conflict_false_positives),
            "quote_coverage": dict(self.quote_coverage),
            "leaked": list(self.leaked),
            "published": [
                {"source": d.source, "gold": d.gold, "brief": d.brief, "correct": d.correct}
                for d in self.dates
            ],
        }


def _item_id(section: str, index: int, item: JsonDict) -> str:
    return str(item.get("id") or item.get("name") or f"{section}[{index}]")


def _section_score(
    name: str, gold_items: Sequence[JsonDict], found: Sequence[bool]
) -> SectionScore:
    ids = [_item_id(name, i, g) for i, g in enumerate(gold_items)]
    return SectionScore(
        name,
        tuple(i for i, ok in zip(ids, found) if ok),
        tuple(i for i, ok in zip(ids, found) if not ok),
    )


@dataclass(frozen=True, slots=True)
class _ConflictScores:
    hard: SectionScore | None  # None when the gold has no conflict that counts
    soft: SectionScore
    precision: float | None
    false_positives: tuple[str, ...]


def _score_conflicts(gold: JsonDict, brief: JsonDict) -> _ConflictScores:
    gold_conflicts = list(gold.get("conflicts") or ())
    brief_conflicts = list(brief.get("conflicts") or ())
    found = [any(conflict_matches(g, b) for b in brief_conflicts) for g in gold_conflicts]
    hard = [i for i, g in enumerate(gold_conflicts) if not g.get("soft")]
    soft = [i for i, g in enumerate(gold_conflicts) if g.get("soft")]

    def part(name: str, indices: list[int]) -> SectionScore:
        ids = [_item_id("conflicts", i, gold_conflicts[i]) for i in indices]
        return SectionScore(
            name,
            tuple(c for c, i in zip(ids, indices) if found[i]),
            tuple(c for c, i in zip(ids, indices) if not found[i]),
        )

    unmatched = [
        b for b in brief_conflicts if not any(conflict_matches(g, b) for g in gold_conflicts)
    ]
    precision = (
        (len(brief_conflicts) - len(unmatched)) / len(brief_conflicts) if brief_conflicts else None
    )
    return _ConflictScores(
        hard=part("conflicts", hard) if hard else None,
        soft=part("soft_conflicts", soft),
        precision=precision,
        false_positives=tuple(str(b.get("about") or "") for b in unmatched),
    )


def _score_quotes(
    gold: JsonDict, brief: JsonDict
) -> tuple[SectionScore, tuple[tuple[str, float], ...]]:
    gold_quotes = list(gold.get("quotes") or ())
    quotes = list(brief.get("quotes") or ())
    found, coverage = [], []
    for i, g in enumerate(gold_quotes):
        groups = matching_quote_groups(g, quotes)
        found.append(bool(groups))
        wanted = set(g.get("sources") or ())
        if groups and wanted:
            best = max(len(wanted & _quote_group_sources(q)) / len(wanted) for q in groups)
            coverage.append((_item_id("quotes", i, g), best))
    return _section_score("quotes", gold_quotes, found), tuple(coverage)


def _score_simple(gold: JsonDict, brief: JsonDict) -> list[SectionScore]:
    checks = {
        "timeline": (brief.get("timeline") or (), timeline_matches),
        "consensus": (
            [*(brief.get("consensus") or ()), *(brief.get("summary") or ())],
            consensus_matches,
        ),
        "exclusive": (brief.get("exclusive") or (), exclusive_matches),
        "entities": (brief.get("entities") or (), entity_matches),
    }
    scores = []
    for name, (items, matches) in checks.items():
        gold_items = list(gold.get(name) or ())
        if gold_items:
            found = [any(matches(g, item) for item in items) for g in gold_items]
            scores.append(_section_score(name, gold_items, found))
    return scores


def _score_dates(gold: JsonDict, brief: JsonDict) -> tuple[DateCheck, ...]:
    published = {s.get("id"): _iso_day(s.get("published")) for s in brief.get("sources") or ()}
    return tuple(
        DateCheck(str(source_id), str(info["published"]), published.get(source_id))
        for source_id, info in (gold.get("sources") or {}).items()
        if isinstance(info, Mapping) and info.get("published") is not None
    )


def score_brief(gold: JsonDict, brief: JsonDict) -> GoldScore:
    """Score a brief's JSON object against a gold annotation, per gold-format.md."""
    conflicts = _score_conflicts(gold, brief)
    sections: list[SectionScore] = [conflicts.hard] if conflicts.hard else []
    quote_coverage: tuple[tuple[str, float], ...] = ()
    if gold.get("quotes"):
        quotes, quote_coverage = _score_quotes(gold, brief)
        sections.append(quotes)
    sections += _score_simple(gold, brief)
    event_date = gold.get("event_date")
    return GoldScore(
        sections=tuple(sorted(sections, key=lambda s: SECTIONS.index(s.name))),
        soft_conflicts=conflicts.soft,
        conflict_precision=conflicts.precision,
        conflict_false_positives=conflicts.false_positives,
        quote_source_coverage=(
            sum(c for _, c in quote_coverage) / len(quote_coverage) if quote_coverage else None
        ),
        quote_coverage=quote_coverage,
        leaked=boilerplate_leaks(gold, brief),
        dates=_score_dates(gold, brief),
        event_date_correct=(
            None if event_date is None else _iso_day(brief.get("event_date")) == str(event_date)
        ),
    )
