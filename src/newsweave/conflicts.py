"""Conflicts: where sources disagree on a value, a place, or who said something.

An analysis stage after :mod:`newsweave.facts` and :mod:`newsweave.quotes`
(``facts, quotes -> conflicts -> brief``). It owns deciding that two facts
measure the same thing, that their values are incompatible, and that the
same words are credited to different people.

Two facts are about the same thing when they are of the same kind and unit,
come from different sources, share the rare words that identify their subject
(weighted by how few facts of the story use them, so "Blinken" in every fact
counts for little and "Qin" for much), do not name different people or days,
and measure the same kind of thing ("talks" and "meeting" do; "visit" and
"dinner" do not). Facts group by complete linkage (each resembles every
other), and two values only disagree when both facts name the same person,
body or place, or count the same measured noun ("48-page"/"47-page"
indictment). Left out as not comparable: values under a modal ("his plan
would cut $800 billion"), parts of a whole ("six of the 10 Democrats"), and
values a source prints side by side ("six months ... and six years").
Precision matters more than recall: every test errs towards "not the same
thing".

Dates compare apart from measures, more strictly: two sources date the same
happening (the same head word, past light verbs: "his term ends", "the
primary is held") of the same named subject, each as the only date of its
sentence (or both ends of one printed span, start with start and end with
end), both as done or both as still to come ("hosted in 2007" is not "will
host this year"), never an indefinite one ("a quake struck"), and a relative
date only where the publication date is known, not guessed. A coarser date
that contains the finer ("May" and "May 15"; "2023" and "June 2023") agrees;
one a hedge reconciles ("mid-May" and "May 15"; "about 1966" and 1967) makes
a soft conflict.

Values that a hedge or rounding reconciles ("five years" and "nearly five
years"; "$43,000" and "$43,350"; "more than a week" and "12 days") make a
*soft* conflict. Two narrower checks complete the picture: one town named
two confusable ways in sentences about one happening (Norwalk vs Norfolk),
and the same quoted words credited to two different people (a person and the
body they speak for are one attribution, not two).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from newsweave.grouping import average_link_groups
from newsweave.model import Conflict, ConflictValue, Fact, Quote, Span

if TYPE_CHECKING:
    from newsweave.nlp import ParsedArticle

__all__ = ["compatible", "date_interval", "dates_agree", "find_conflicts", "same_subject", "value_interval"]

# Kinds of fact whose values can disagree (clock times and calendar years are
# left out: "4:30 p.m. local time" and "4:30 a.m. ET" are one moment).
COMPARABLE_KINDS = frozenset({"duration", "count", "money", "percent", "age", "distance"})
# How similar two subjects must be (weighted overlap of their identifying words).
SAME_SUBJECT_MIN = 0.2
# Bare counts ("three", "40 people") recur in a story about many different
# groups of people and things, so they must match more closely.
COUNT_SUBJECT_MIN = 0.4
_STRICT_KINDS = frozenset({"count", "distance"})
# Facts whose head nouns differ are about one thing only when they share this many
# different names (one "Democratic National Committee" is not three) and resemble each
# other this closely.
NAMES_FOR_OTHER_HEADS = 3
OTHER_HEADS_MIN = 0.5
# Distances this close are one distance converted and rounded ("48km", "30 miles").
ROUNDING = 0.015

# Heads that name the same kind of happening, so "met for 7.5 hours" and
# "talks lasted six hours" can be about one event.
_EVENT_HEADS = frozenset({
    "meet", "meeting", "talk", "talks", "discussion", "discuss", "speak", "session", "negotiation",
    "negotiate", "conversation", "call", "summit", "hold", "have", "last", "visit", "trip",
})
_APPROX = frozenset({"about", "around", "roughly", "approximately", "some", "an estimated", "close to"})
# Bounds a hedge allows, as factors of the printed number. "More than a week"
# is true of 12 days, so open bounds stay open; "nearly" and "just over" mean close to it.
_LOWER_BOUND = {"more than": math.inf, "over": math.inf, "at least": math.inf, "upwards of": math.inf,
                "well over": math.inf, "no fewer than": math.inf, "just over": 1.2, "slightly more than": 1.2}
_UPPER_BOUND = {"nearly": 0.85, "almost": 0.85, "just under": 0.85, "slightly less than": 0.85,
                "less than": 0.0, "fewer than": 0.0, "under": 0.0, "up to": 0.0, "at most": 0.0,
                "no more than": 0.0, "as many as": 0.0, "as much as": 0.0}
_WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                       "yesterday", "today"})
_GENERIC_UNITS = frozenset({None, "count", "km", "hours", "days", "years", "usd", "eur", "gbp", "jpy", "cny", "inr", "rub",
                            "aud", "cad", "hkd", "percent", "clock", "year"})
_VERB_HEADS = frozenset({"meet", "speak", "last", "have", "hold", "make", "take", "get", "be"})
_KIND_NOUNS = {"duration": "how long", "count": "how many", "money": "how much", "percent": "what share", "age": "how old",
               "distance": "how far"}
_QUESTIONS = {
    "duration": "how long {x} lasted", "count": "how many {x}", "money": "how much {x} cost or amounted to",
    "percent": "what share {x}", "age": "how old {x} is",
}


# --- values -----------------------------------------------------------------------

def _rounding(fact: Fact) -> float:
    """Half the place of the last significant digit of a large round number ("43,000" -> 500).

    Below a thousand a number is taken as exact: "30 dead" and "34 dead" disagree.
    """
    if fact.value is None or fact.value != int(fact.value) or abs(fact.value) < 1000:
        return 0.0
    digits = str(int(abs(fact.value)))
    zeros = len(digits) - len(digits.rstrip("0"))
    return 0.5 * 10**zeros if zeros else 0.0


def value_interval(fact: Fact) -> tuple[float, float]:
    """The values a fact allows, given its hedge and how round its number is."""
    assert fact.value is not None
    v = fact.value
    tol = _rounding(fact)
    q = fact.qualifier
    if q in _LOWER_BOUND:
        return v - tol, v * _LOWER_BOUND[q] + tol
    if q in _UPPER_BOUND:
        return v * _UPPER_BOUND[q] - tol, v + tol
    if q in _APPROX:
        return v * 0.85 - tol, v * 1.15 + tol
    return v - tol, v + tol


def compatible(a: Fact, b: Fact) -> bool:
    """Whether both values can be true at once (hedges and rounding allowed)."""
    lo_a, hi_a = value_interval(a)
    lo_b, hi_b = value_interval(b)
    # Miles and kilometres convert with rounding; other units convert exactly.
    slack = ROUNDING if a.kind == "distance" else 1e-9
    eps = slack * max(abs(a.value or 0), abs(b.value or 0), 1.0)
    return lo_a <= hi_b + eps and lo_b <= hi_a + eps


def _direction(fact: Fact) -> str:
    if fact.qualifier in _LOWER_BOUND:
        return ">"
    if fact.qualifier in _UPPER_BOUND:
        return "<"
    return "~"


def _value_key(fact: Fact) -> tuple[float, str]:
    return (round(fact.value or 0.0, 6), _direction(fact))


# --- subjects -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Lexicon:
    """What the whole story says about words: how rare each is, which are names."""

    weight: dict[str, float]
    person_words: frozenset[str]
    full_names: dict[str, str]  # a name word -> the longest name it occurs in
    person_names: dict[str, str]  # a word of a person's name -> that person's longest name

    @property
    def name_words(self) -> frozenset[str]:
        return frozenset(self.full_names)


def _lexicon(facts: Sequence[Fact], parsed: Sequence["ParsedArticle"]) -> _Lexicon:
    df: Counter[str] = Counter()
    for fact in facts:
        df.update(set(fact.about_terms))
    n = max(1, len(facts))
    weight = {t: math.log(1 + n / c) for t, c in df.items()}
    person_words: set[str] = set()
    full_names: dict[str, str] = {}
    person_names: dict[str, str] = {}
    for article in parsed:
        for mention in article.mentions:
            if mention.label not in ("PERSON", "ORG", "GPE", "NORP", "FAC"):
                continue
            name = re.sub(r"^(?:the|Mr\.?|Mrs\.?|Ms\.?|Dr\.?)\s+", "", mention.text.strip(), flags=re.I)
            name = re.sub(r"['’]s$", "", name)
            for word in name.lower().split():
                if len(name) > len(full_names.get(word, "")):
                    full_names[word] = name
                if mention.label == "PERSON":
                    person_words.add(word)
                    if len(name) > len(person_names.get(word, "")):
                        person_names[word] = name
    return _Lexicon(weight, frozenset(person_words), full_names, person_names)


def _heads_match(a: Fact, b: Fact) -> bool:
    if not a.about_terms or not b.about_terms:
        return False
    ha, hb = a.about_terms[0], b.about_terms[0]
    if ha == hb or (ha in _EVENT_HEADS and hb in _EVENT_HEADS):
        return True
    return ha in b.about_terms or hb in a.about_terms


def _complement(fact: Fact) -> str | None:
    """The noun after "of" that says which head it is ("extension of | tax cuts")."""
    if not fact.about_terms:
        return None
    head = re.escape(fact.about_terms[0][:5])
    m = re.search(rf"\b{head}\w*\s+of\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+|their\s+|its\s+)?([a-z]+)", fact.about, re.I)
    return m.group(1).lower().rstrip("s") if m else None


def _clash(a: set[str], b: set[str], group: frozenset[str], canonical: Mapping[str, str] | None = None) -> bool:
    """Each side names something of ``group`` (people, days) that the other does not mention.

    With ``canonical``, words are first mapped to the full name they belong
    to, so "qin" and "gang" are one person, Qin Gang.
    """
    def names(terms: set[str]) -> set[str]:
        return {canonical.get(t, t) if canonical else t for t in terms & group}

    na, nb = names(a), names(b)
    return bool(na - nb) and bool(nb - na)


def same_subject(a: Fact, b: Fact, lexicon: _Lexicon) -> float:
    """Similarity of what two facts measure, 0 when they are surely different things."""
    if a.kind != b.kind or a.unit != b.unit:
        return 0.0
    # Two nouns for one thing ("$500,000 of airtime in Fort Myers, West Palm Beach and
    # Miami", "the ad, to air in Miami, West Palm Beach and Fort Myers, is costing $1
    # million") are one subject only when they share three names and match closely.
    heads_match = _heads_match(a, b)
    named_alike = not heads_match and len(
        {lexicon.full_names[w] for w in set(a.about_terms) & set(b.about_terms) & lexicon.name_words}
    ) >= NAMES_FOR_OTHER_HEADS
    if not heads_match and not named_alike:
        return 0.0
    strict = a.kind in _STRICT_KINDS
    if strict and a.about_terms[0] != b.about_terms[0]:
        return 0.0  # a count of schools is not a count of Palestinians
    ca, cb = _complement(a), _complement(b)
    if ca and cb and ca != cb:
        return 0.0  # "extension of tax cuts" and "extension of unemployment insurance"
    ta, tb = set(a.about_terms), set(b.about_terms)
    # Each names someone the other does not: two subjects. Counts and distances
    # are told of many teams, places and bodies in one story ("13 miles east of
    # Cloverdale", "2 miles southeast of The Geysers"), so for them any name counts.
    names, canonical = (
        (lexicon.name_words, lexicon.full_names) if strict else (lexicon.person_words, lexicon.person_names)
    )
    years = frozenset(t for t in ta | tb if _YEAR_TERM.fullmatch(t))
    if _clash(ta, tb, names, canonical) or _clash(ta, tb, _WEEKDAYS) or _clash(ta, tb, years):
        return 0.0
    shared = ta & tb
    # Something specific must be shared: a name, or two words beyond the event
    # noun; a measure's own noun ("48-page indictment") is one of them.
    specific = (shared - _EVENT_HEADS) | ({a.unit} if a.unit not in _GENERIC_UNITS else set())
    if not shared & lexicon.person_words and len(specific) < 2:
        return 0.0
    w = lexicon.weight
    num = sum(w.get(t, 0.0) for t in shared)
    wa, wb = sum(w.get(t, 0.0) for t in ta), sum(w.get(t, 0.0) for t in tb)
    if not wa or not wb:
        return 0.0
    # Geometric mean of cosine and overlap: a terse fact ("Mr Wang spoke with
    # Mr Blinken for ...") is not penalised for the other's longer context.
    cosine = num / math.sqrt(wa * wb)
    overlap = num / min(wa, wb)
    score = math.sqrt(cosine * overlap)
    return score if not named_alike or score >= OTHER_HEADS_MIN else 0.0


def _groups(facts: Sequence[Fact], lexicon: _Lexicon) -> list[list[Fact]]:
    """Complete-linkage grouping of facts about the same thing.

    Every member must resemble every other: a chain of loosely similar facts
    ("15 seasons" ~ "19 seasons with the 76ers" ~ "10 seasons in Germany")
    never makes one subject. Counts need a closer match than measures.
    """
    return average_link_groups(
        facts,
        lambda a, b: same_subject(a, b, lexicon),
        floor=lambda f: COUNT_SUBJECT_MIN if f.kind in _STRICT_KINDS else SAME_SUBJECT_MIN,
        minimum=SAME_SUBJECT_MIN,
        apart=lambda a, b: a.sentence == b.sentence,  # two values in one sentence measure two things
    )


_YEAR_TERM = re.compile(r"(?:19|20)\d\d")
# "five rounds sooner", "four months ago", "one day after": an offset between two
# moments, which depends on when each report was written, not a measure of a subject.
_OFFSET = re.compile(
    r"^\s+(?:\w+\s+)?(?:ago|later|earlier|after|before|sooner|since|longer|shorter|more than|less than)\b", re.I
)
_PARTITIVE = re.compile(r"^\s+(?:of|out of)\s+(?:the|these|those|its|their|them|his|her|our|all)\b", re.I)
_MODAL_AUX = frozenset({"would", "could", "might", "may", "will", "wo", "'ll", "shall", "should", "must"})


def _partitive(fact: Fact, texts: Mapping[str, str]) -> bool:
    """A part of a whole ("six of the 10 Democrats"): a subset, not a total to compare."""
    text = texts.get(fact.span.source, "")
    return fact.kind == "count" and (
        bool(_PARTITIVE.match(text[fact.span.end:fact.span.end + 20])) or fact.about.lower().startswith("of ")
    )


def _offset(fact: Fact, texts: Mapping[str, str]) -> bool:
    """A duration or count read as a gap ("four months ago", "five rounds sooner")."""
    text = texts.get(fact.span.source, "")
    return bool(_OFFSET.match(text[fact.span.end:fact.span.end + 30]))


def _hypothetical(fact: Fact, docs: Mapping[str, object]) -> bool:
    """A value under a modal ("his plan would cut Medicare by $800 billion"): a claim about what may be.

    Comparing what would happen with what did happen invents conflicts, so
    such values are left out of the comparison.
    """
    return _governing_verb_matches(
        fact,
        docs,
        lambda verb: any(c.dep_ in ("aux", "auxpass") and c.lower_ in _MODAL_AUX for c in verb.children),
        passthrough=("xcomp", "conj"),
    )


def _governing_verb_matches(
    fact: Fact, docs: Mapping[str, object], test: Callable[[Any], bool], passthrough: tuple[str, ...]
) -> bool:
    """Walk up from a value to the verb that governs it (through ``passthrough``
    relations: "wants to cut", "met and agreed") and say whether one passes ``test``."""
    doc = docs.get(fact.span.source)
    if doc is None:
        return False
    span = doc.char_span(fact.span.start, fact.span.end, alignment_mode="expand")  # type: ignore[attr-defined]
    if span is None or len(span) == 0:
        return False
    token = span.root
    for _ in range(6):
        if token.pos_ in ("VERB", "AUX"):
            if test(token):
                return True
            if token.dep_ not in passthrough:
                return False
        if token.head.i == token.i:
            return False
        token = token.head
    return False


# --- building conflicts -----------------------------------------------------------------

def _texts(parsed: Sequence["ParsedArticle"]) -> dict[str, str]:
    return {p.id: p.article.text for p in parsed}


_FOLLOWED = re.compile(r"^,?\s*(?:followed by|plus|and then|then|before|after which)\s+", re.I)


def _value_span(fact: Fact, facts_by_sentence: Mapping[Span, list[Fact]], text: str) -> Span:
    """The value's words, widened over a chained value ("nearly six hours, followed by a two-hour dinner").

    A reader who sees only "nearly six hours" misses that the source adds
    two more hours; the span then covers both, up to the next punctuation.
    """
    span = fact.span
    rest = text[span.end:fact.sentence.end]
    m = _FOLLOWED.match(rest)
    if not m:
        return span
    for other in facts_by_sentence.get(fact.sentence, []):
        if other.kind == fact.kind and other.span.start >= span.end and other.span.start - span.end <= m.end() + 4:
            tail = re.search(r"[,;.:]", text[other.span.end:fact.sentence.end])
            end = other.span.end + (tail.start() if tail else fact.sentence.end - other.span.end)
            return Span(span.source, span.start, end)
    return span


def _surface(lemma: str, group: Sequence[Fact]) -> str:
    """The head as printed in one of the about phrases ("talk" -> "talks")."""
    for fact in group:
        m = re.search(rf"\b{re.escape(lemma)}\w*", fact.about, re.I)
        if m:
            return m.group().lower()
    return lemma


def _about(group: Sequence[Fact], lexicon: _Lexicon) -> str:
    """A readable question naming the subject: "how long the talks with Qin Gang on Sunday lasted"."""
    kind = group[0].kind
    counts: Counter[str] = Counter()
    for fact in group:
        counts.update({lexicon.person_names[t] for t in fact.about_terms if t in lexicon.person_names})
    names = [n for n, c in counts.items() if c >= max(2, (len(group) + 1) // 2)]
    # Rarest first: the person every fact of the story mentions says least.
    names.sort(key=lambda n: -max(lexicon.weight.get(w.lower(), 0.0) for w in n.split()))
    heads = Counter(f.about_terms[0] for f in group if f.about_terms)
    nouns = [h for h, _ in heads.most_common() if h not in _VERB_HEADS]
    days = sorted({t for f in group for t in f.about_terms if t in _WEEKDAYS})
    if names and nouns and nouns[0] in _EVENT_HEADS:
        subject = f"the {_surface(nouns[0], group)} with {' and '.join(names[:2])}"
        if len(days) == 1:
            subject += f" on {days[0].capitalize()}"
        return _QUESTIONS.get(kind, "the value of {x}").format(x=subject)
    # The fullest short phrase: "Obama cut from Medicare" says more than "is".
    central = max(
        group,
        key=lambda f: (min(len(f.about.split()), 8) if len(f.about) <= 90 else 0,
                       sum(len(set(f.about_terms) & set(g.about_terms)) for g in group)),
    )
    question = _KIND_NOUNS.get(kind, kind)
    if central.unit not in _GENERIC_UNITS:
        question = f"how many {central.unit}s"  # "48-page indictment": how many pages
    phrase = central.about or " ".join(central.about_terms[:6])
    return f"{question}: {re.sub(r'^(a)n? (?=[aeiouAEIOU])', 'an ', phrase)}"


def _anchored(a: Fact, b: Fact, lexicon: _Lexicon) -> bool:
    """Both facts name the same person, organisation or place, or count the same measured noun."""
    if a.unit not in _GENERIC_UNITS and a.unit == b.unit:
        return True  # "48-page" and "47-page" (indictment): the noun is the anchor
    names = set(lexicon.full_names)
    return bool(set(a.about_terms) & set(b.about_terms) & names)


def _disagree(classes: Mapping[tuple[float, str], list[Fact]], printed: Mapping[str, set[tuple[str, str | None, float]]]) -> bool:
    """Some source prints one value and nowhere the other.

    A source that prints both values itself ("six months on Parris Island and
    six years in the reserves") shows they measure two things, not that the
    sources disagree.
    """
    keys = list(classes)
    for i, ka in enumerate(keys):
        for kb in keys[i + 1:]:
            if ka[0] == kb[0]:
                return True  # same number, different hedge: nothing to check
            fa, fb = classes[ka][0], classes[kb][0]
            key_a = (fa.kind, fa.unit, ka[0])
            key_b = (fb.kind, fb.unit, kb[0])
            only_a = {f.span.source for f in classes[ka] if key_b not in printed.get(f.span.source, set())}
            only_b = {f.span.source for f in classes[kb] if key_a not in printed.get(f.span.source, set())}
            if only_a and only_b and (only_a - only_b) and (only_b - only_a):
                return True
    return False


def _conflict_of(
    group: Sequence[Fact],
    texts: Mapping[str, str],
    by_sentence: Mapping[Span, list[Fact]],
    printed: Mapping[str, set[tuple[str, str | None, float]]],
    lexicon: _Lexicon,
) -> Conflict | None:
    sources = {f.span.source for f in group}
    if len(sources) < 2:
        return None
    classes: dict[tuple[float, str], list[Fact]] = defaultdict(list)
    for fact in group:
        classes[_value_key(fact)].append(fact)
    if len(classes) < 2:
        return None
    # Only pairs tied to the same named subject may disagree: "He played 15
    # seasons" and "DiLeo has spent 19 seasons" share a noun, not a subject.
    differing = [
        (a, b) for i, a in enumerate(group) for b in group[i + 1:]
        if a.span.source != b.span.source and _value_key(a) != _value_key(b) and _anchored(a, b, lexicon)
    ]
    if not differing:
        return None
    hard = any(not compatible(a, b) for a, b in differing)
    cross_source = any(
        {f.span.source for f in ca} - {f.span.source for f in cb}
        for ka, ca in classes.items() for kb, cb in classes.items() if ka != kb
    )
    if not cross_source or not _disagree(classes, printed):
        return None
    values = []
    for key in sorted(classes, key=lambda k: (k[0], k[1])):
        members = classes[key]
        first = members[0]
        text = texts[first.span.source]
        spans = tuple(_value_span(f, by_sentence, texts[f.span.source]) for f in members)
        values.append(
            ConflictValue(
                text=text[spans[0].start:spans[0].end],
                value=first.value,
                unit=first.unit,
                sources=tuple(dict.fromkeys(f.span.source for f in members)),
                evidence=text[first.sentence.start:first.sentence.end],
                spans=spans,
                qualifier=first.qualifier,
            )
        )
    return Conflict(about=_about(group, lexicon), values=tuple(values), kind="value", soft=not hard)


# --- dates: when a happening happened ----------------------------------------------------

# Verbs that only carry a date ("the primary is/will be held on April 30"): the
# happening is their subject or object, the next word of the fact's terms.
_LIGHT_HEADS = frozenset({"be", "hold", "take", "set", "schedule", "slate", "plan", "expect", "have", "do",
                          "come", "place", "occur", "happen", "in", "on", "from", "to", "since", "until"})
# Heads that date the report, not the happening ("said on Monday"), or are too vague to be one happening.
_REPORT_HEADS = frozenset({"say", "tell", "add", "note", "write", "report", "state", "accord", "announce",
                           "reveal", "confirm", "claim", "show", "find", "know", "see", "year", "month",
                           "day", "time", "date", "week"})
# Verbs of a phase ("his term ends in 2019"): the same phase of the same thing, so a shared noun must say of what.
_PHASE_HEADS = frozenset({"begin", "start", "end", "expire", "finish", "close", "open", "launch", "conclude"})
_DATE_UNITS = frozenset({"date", "month", "year"})
_START_QUALIFIERS = frozenset({"from", "since"})
_END_QUALIFIERS = frozenset({"to", "until", "till", "through"})
_PART_QUALIFIERS = frozenset({"early", "mid", "late"})
_APPROX_DATE = frozenset({"about", "around", "approximately", "roughly", "circa", "c."})
# Same-happening threshold for dates: higher than for measures, because a story
# dates many happenings of one person ("elected in 2010", "re-elected in 2014").
DATE_SUBJECT_MIN = 0.35
_TERM_NOISE = re.compile(r"(?:19|20)\d\d|early|mid|late|earlier|later|last|this|month|year|gov\.|sen\.|rep\.")


def _role(fact: Fact) -> str | None:
    """Which end of a span of time the date is ("from 1966": start), "" for a point; None for a bound ("by 2019")."""
    q = fact.qualifier
    if q is None or q in _PART_QUALIFIERS or q in _APPROX_DATE:
        return ""
    if q in _START_QUALIFIERS:
        return "start"
    if q in _END_QUALIFIERS:
        return "end"
    return None  # "by", "before", "after", "as of": a bound, true of many dates


def date_interval(fact: Fact) -> tuple[dt.date, dt.date]:
    """First and last day a date fact allows at its printed granularity ("May 2023": May 1-31)."""
    assert fact.value is not None
    if fact.unit == "year":
        year = int(fact.value)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    first = dt.date.fromordinal(int(fact.value))
    if fact.unit == "month":
        following = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        return first, following - dt.timedelta(days=1)
    return first, first


def _narrowed(fact: Fact) -> tuple[dt.date, dt.date]:
    """The interval a part-of qualifier narrows to ("mid-May": 11-20 May), widened by "about" (a unit either side)."""
    first, last = date_interval(fact)
    span = (last - first).days + 1
    if fact.qualifier in _PART_QUALIFIERS and span > 1:
        third = span // 3
        index = ("early", "mid", "late").index(fact.qualifier)
        first = first + dt.timedelta(days=third * index)
        last = first + dt.timedelta(days=third - 1) if index < 2 else last
    if fact.qualifier in _APPROX_DATE:
        first, last = first - dt.timedelta(days=span), last + dt.timedelta(days=span)
    return first, last


def _overlap(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def dates_agree(a: Fact, b: Fact) -> str:
    """ "same" when the dates can be one (one coarser and containing the other), "soft" when a hedge
    reconciles them ("mid-May" and "May 15"; "about 1966" and 1967), "hard" when they cannot be one."""
    hedged = a.qualifier in _PART_QUALIFIERS | _APPROX_DATE or b.qualifier in _PART_QUALIFIERS | _APPROX_DATE
    plain = _overlap(date_interval(a), date_interval(b))
    if plain and not hedged:
        return "same"
    if plain or _overlap(_narrowed(a), _narrowed(b)):
        # A hedge that only repeats the same date ("mid-May" and "mid-May 2023") reconciles nothing.
        return "same" if (a.value, a.unit, a.qualifier) == (b.value, b.unit, b.qualifier) else "soft"
    return "hard"


# Verbs of holding a post over a span of years.
_TENURE_HEADS = frozenset({"serve", "hold", "lead", "head", "govern", "chair", "rule", "reign", "occupy", "represent"})
# Verbs of leaving a post: "quit", "left", "resigned" date one departure.
_DEPARTURE_HEADS = frozenset({"leave", "quit", "resign", "depart", "exit", "retire"})
_INDEFINITE = re.compile(r"^(?:a|an|another|one)\b", re.I)


def _happening(fact: Fact) -> str | None:
    """The word naming what the date dates: the head, or past a light verb its noun ("the primary is held").

    None for "a quake struck": an indefinite subject is one of many such
    happenings, and two of them dated apart are two happenings.
    """
    if _INDEFINITE.match(fact.about):
        return None
    if _role(fact) in ("start", "end") and fact.about_terms and fact.about_terms[0] in _TENURE_HEADS:
        return "tenure"  # "served from 1967 to 1979" and "held the seat from 1966 to 1978": one tenure
    for term in fact.about_terms[:3]:
        if term in _LIGHT_HEADS:
            continue
        if term in _REPORT_HEADS or _TERM_NOISE.fullmatch(term):
            return None
        return "departure" if term in _DEPARTURE_HEADS else term
    return None


def _date_terms(fact: Fact) -> set[str]:
    return {t for t in fact.about_terms if not _TERM_NOISE.fullmatch(t)}


def _same_happening(a: Fact, b: Fact, lexicon: _Lexicon) -> float:
    """Similarity of what two dates date; 0 unless the same happening of the same named subject."""
    if a.span.source == b.span.source or _role(a) != _role(b) or _role(a) is None:
        return 0.0
    head = _happening(a)
    if head is None or head != _happening(b):
        return 0.0
    ta, tb = _date_terms(a), _date_terms(b)
    names = set(lexicon.full_names)
    if not ta & tb & names:
        return 0.0  # the same named person, body or place must be in both
    if head in _PHASE_HEADS and not (ta & tb) - names - {head}:
        return 0.0  # "ends" of what: the same term, session or contract
    if _clash(ta, tb, lexicon.person_words, lexicon.person_names):
        return 0.0  # each names a person the other does not: two people's happenings
    w = lexicon.weight
    shared = ta & tb
    num = sum(w.get(t, 0.0) for t in shared)
    wa, wb = sum(w.get(t, 0.0) for t in ta), sum(w.get(t, 0.0) for t in tb)
    if not wa or not wb:
        return 0.0
    return math.sqrt((num / math.sqrt(wa * wb)) * (num / min(wa, wb)))


def _dated_alone(facts: Sequence[Fact]) -> list[Fact]:
    """Dates that are the only date of their sentence, or the two ends of one printed span.

    In "elected in 2010 and re-elected in 2014" the parse may give either year
    to either verb; a date that shares its sentence with another is left out.
    """
    by_sentence: dict[Span, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_sentence[fact.sentence].append(fact)
    out = []
    for members in by_sentence.values():
        roles = [_role(f) for f in members]
        happenings = [_happening(f) for f in members]
        if (
            len(members) == 1
            or (len(members) == 2 and roles == ["start", "end"])
            or (None not in happenings and len(set(happenings)) == len(members))
        ):
            # Two dates of one sentence are kept when each dates its own happening
            # ("joined in 2009 and quit earlier this month").
            out.extend(members)
    return out


_FUTURE_AUX = frozenset({"will", "wo", "'ll", "shall", "going", "would"})  # "would": a plan in reported speech
_SCHEDULE_VERBS = frozenset({"schedule", "set", "slate", "due", "plan", "expect", "poise"})
_PRINTED_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _future(fact: Fact, docs: Mapping[str, object]) -> bool:
    """The date is of something still to come ("will host the Oscars this year", "is scheduled for May").

    A plan and a past happening are two happenings ("hosted in 2007" and
    "will be hosting this year"), so dates compare only within one of them.
    """
    return _governing_verb_matches(
        fact,
        docs,
        lambda verb: verb.lemma_.lower() in _SCHEDULE_VERBS
        or any(c.dep_ in ("aux", "auxpass") and c.lower_ in _FUTURE_AUX for c in verb.children),
        passthrough=("xcomp", "conj", "pcomp"),
    )


def _anchored_well(fact: Fact, published: Mapping[str, tuple[object, bool]]) -> bool:
    """A date with no printed year was resolved against the publication date, which must then be known, not guessed."""
    if _PRINTED_YEAR.search(fact.text):
        return True
    date, inferred = published.get(fact.span.source, (None, True))
    return date is not None and not inferred


def _date_conflicts(facts: Sequence[Fact], parsed: Sequence["ParsedArticle"]) -> list[Conflict]:
    """The same happening of the same subject dated incompatibly by different sources."""
    published = {p.id: (p.article.published, p.article.published_inferred) for p in parsed}
    docs = {p.id: p.doc for p in parsed}
    dated = _dated_alone([f for f in facts if f.kind in ("date", "year") and f.unit in _DATE_UNITS and f.value is not None])
    candidates = [
        f for f in dated if _role(f) is not None and _happening(f) is not None and _anchored_well(f, published)
    ]
    future = {f: _future(f, docs) for f in candidates}
    texts = _texts(parsed)
    lexicon = _proper_names_only(_lexicon(candidates, parsed), texts)
    groups: list[list[Fact]] = []
    for fact in candidates:
        best, best_score = None, 0.0
        for group in groups:
            scores = [
                _same_happening(fact, f, lexicon) if future[f] == future[fact] else 0.0
                for f in group if f.span.source != fact.span.source
            ]
            if any(f.span.source == fact.span.source and f.sentence != fact.sentence for f in group):
                scores.append(0.0) if not _same_date(fact, group) else None
            if not scores or min(scores) < DATE_SUBJECT_MIN:
                continue
            if sum(scores) / len(scores) > best_score:
                best, best_score = group, sum(scores) / len(scores)
        if best is not None:
            best.append(fact)
        else:
            groups.append([fact])
    out = []
    for group in groups:
        conflict = _date_conflict_of(group, texts, lexicon)
        if conflict is not None:
            out.append(conflict)
    return _merge_ranges(out)


def _proper_names_only(lexicon: _Lexicon, texts: Mapping[str, str]) -> _Lexicon:
    """The lexicon without person-name words the story also prints in lower case ("seat" of a headline
    "Fill Kerry's Seat" that the tagger took for a person): such words name no one, so they clash with no one."""
    common = {w for text in texts.values() for w in re.findall(r"\b[a-z][a-z'’-]+\b", text)}
    return _Lexicon(
        lexicon.weight,
        frozenset(lexicon.person_words - common),
        lexicon.full_names,
        {k: v for k, v in lexicon.person_names.items() if k not in common},
    )


def _same_date(fact: Fact, group: Sequence[Fact]) -> bool:
    return all(dates_agree(fact, f) == "same" for f in group if f.span.source == fact.span.source)


def _date_conflict_of(group: Sequence[Fact], texts: Mapping[str, str], lexicon: _Lexicon) -> Conflict | None:
    verdicts = [
        dates_agree(a, b) for i, a in enumerate(group) for b in group[i + 1:] if a.span.source != b.span.source
    ]
    if "hard" not in verdicts and "soft" not in verdicts:
        return None
    # A source that prints both dates itself (two accounts, one updated) is no disagreement between sources.
    classes: dict[tuple[float, str | None, str | None], list[Fact]] = defaultdict(list)
    for fact in group:
        classes[(fact.value or 0.0, fact.unit, fact.qualifier)].append(fact)
    if len(classes) < 2:
        return None
    years = {date_interval(f)[0].year for f in group}
    values = []
    for key in sorted(classes, key=lambda k: date_interval(classes[k][0])[0]):
        members = classes[key]
        first = members[0]
        text = texts[first.span.source]
        spans = tuple(_range_span(f, texts[f.span.source]) for f in members)
        # The scorer compares numbers: a year when the years differ, else the day's ordinal.
        value, unit = (float(date_interval(first)[0].year), "year") if len(years) > 1 else (first.value, "date")
        values.append(
            ConflictValue(
                text=text[spans[0].start:spans[0].end], value=value, unit=unit,
                sources=tuple(dict.fromkeys(f.span.source for f in members)),
                evidence=text[first.sentence.start:first.sentence.end], spans=spans, qualifier=first.qualifier,
            )
        )
    if len({v.sources for v in values}) < 2:
        return None
    return Conflict(about=f"when: {_date_about(group)}", values=tuple(values), kind="value", soft="hard" not in verdicts)


def _date_about(group: Sequence[Fact]) -> str:
    """The fullest short phrase of the group, without the dates themselves ("Edward Brooke held the seat")."""
    def cleaned(fact: Fact) -> str:
        text = re.sub(r"\s*\b(?:from|to|until|through|in|on|since)?\s*\b(?:19|20)\d\d\b", "", fact.about)
        return re.sub(r"\s+", " ", text).strip(" ,;") or (_happening(fact) or "it")

    phrases = [cleaned(f) for f in group]
    return max(phrases, key=lambda p: (len(p) <= 100, min(len(p.split()), 12)))


_RANGE_AROUND = re.compile(
    r"(?:from\s+|between\s+)?(?:19|20)\d\d\s*(?:-|–|—|to|until|through|and)\s*(?:(?:19|20)\d\d|\d\d)\b", re.I
)


def _range_span(fact: Fact, text: str) -> Span:
    """A range end's span widened to the whole printed range ("from 1966 to 1978")."""
    if _role(fact) not in ("start", "end"):
        return fact.span
    lo = max(fact.sentence.start, fact.span.start - 20)
    for m in _RANGE_AROUND.finditer(text, lo, min(fact.sentence.end, fact.span.end + 20)):
        if m.start() <= fact.span.start and fact.span.end <= m.end():
            return Span(fact.span.source, m.start(), m.end())
    return fact.span


def _merge_ranges(conflicts: Sequence[Conflict]) -> list[Conflict]:
    """One conflict per pair of printed ranges: "1966 to 1978" vs "1967 to 1979" disagree once, not twice."""
    out: list[Conflict] = []
    seen: set[frozenset[Span]] = set()
    for conflict in conflicts:
        key = frozenset(s for v in conflict.values for s in v.spans)
        if key in seen:
            continue
        seen.add(key)
        out.append(conflict)
    return out


# --- confusable place names ---------------------------------------------------------------

_PLACE_LABELS = frozenset({"GPE", "LOC"})
_YEARISH = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")


@dataclass(frozen=True, slots=True)
class _PlaceMention:
    name: str
    span: Span
    sentence: str
    terms: frozenset[str]


def _place_mentions(article: "ParsedArticle") -> list[_PlaceMention]:
    out = []
    for mention in article.mentions:
        if mention.label not in _PLACE_LABELS:
            continue
        name = re.sub(r"^the\s+", "", mention.text.strip(), flags=re.I)
        for index, sentence in enumerate(article.sentences):
            if sentence.start <= mention.span.start < sentence.end:
                terms = frozenset(article.terms[index]) if index < len(article.terms) else frozenset()
                out.append(_PlaceMention(name, mention.span, sentence.text, terms))
                break
    return out


def _confusable(a: str, b: str) -> bool:
    """Two names one letter-swap apart in sound and spelling ("Norwalk", "Norfolk"), yet not one name.

    Spelling variants of one name ("Paris Island", "Parris Island") are
    closer than this; unrelated names (Bali, Indonesia) much further.
    """
    from rapidfuzz import fuzz

    la, lb = _place_key(a), _place_key(b)
    if la == lb or la in lb or lb in la or min(len(la), len(lb)) < 5 or la[0] != lb[0]:
        return False
    if not (la.isalpha() and lb.isalpha()):
        return False  # one-word town names only: multi-word names vary in too many harmless ways
    if _abbreviates(a, b) or _abbreviates(b, a):
        return False
    return 60.0 <= fuzz.ratio(la, lb) < 90.0


def _place_key(name: str) -> str:
    return re.sub(r"['’]s$", "", name.strip().lower())


def _is_subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(ch in letters for ch in short)


def _abbreviates(short: str, long: str) -> bool:
    """ "Calif." for "California", "Ft. Myers" for "Fort Myers": word by word, a dotted word abbreviates."""
    ws, wl = _place_key(short).split(), _place_key(long).split()
    if len(ws) != len(wl) or not any(w.endswith(".") for w in ws):
        return False
    return all(
        x == y or (x.endswith(".") and x[0] == y[0] and _is_subsequence(x.rstrip("."), y)) for x, y in zip(ws, wl)
    )


def _same_setting(a: _PlaceMention, b: _PlaceMention) -> bool:
    """The two sentences tell of one happening: the same year, or three shared content words."""
    years = set(_YEARISH.findall(a.sentence)) & set(_YEARISH.findall(b.sentence))
    return bool(years) or len(a.terms & b.terms) >= 3


def _place_conflicts(parsed: Sequence["ParsedArticle"]) -> list[Conflict]:
    """The same happening placed in two confusable places by different sources (Norwalk vs Norfolk)."""
    mentions = {p.id: _place_mentions(p) for p in parsed}
    together: set[frozenset[str]] = set()
    for article_mentions in mentions.values():
        by_sentence: dict[str, set[str]] = defaultdict(set)
        for m in article_mentions:
            by_sentence[m.sentence].add(_place_key(m.name))
        for names in by_sentence.values():
            together.update(frozenset({x, y}) for x in names for y in names if x != y)
    seen: set[frozenset[str]] = set()
    out: list[Conflict] = []
    ids = list(mentions)
    keys = {id(m): _place_key(m.name) for ms in mentions.values() for m in ms}
    for i, source_a in enumerate(ids):
        for source_b in ids[i + 1:]:
            for a in mentions[source_a]:
                for b in mentions[source_b]:
                    pair = frozenset({keys[id(a)], keys[id(b)]})
                    if pair in seen or pair in together or not _confusable(a.name, b.name) or not _same_setting(a, b):
                        continue
                    seen.add(pair)
                    out.append(_place_conflict(a, b, mentions, keys))
    return out


def _place_conflict(
    a: _PlaceMention, b: _PlaceMention, mentions: Mapping[str, list[_PlaceMention]], keys: Mapping[int, str]
) -> Conflict:
    values = []
    for mention, other in ((a, b), (b, a)):
        # A source carries this value only where it places the same happening there,
        # not wherever it names the town.
        carriers = [mention] + [
            m for ms in mentions.values() for m in ms
            if m is not mention and keys[id(m)] == keys[id(mention)] and _same_setting(m, other)
        ]
        values.append(
            ConflictValue(
                text=mention.name, value=None, unit="place",
                sources=tuple(dict.fromkeys(m.span.source for m in carriers)),
                evidence=mention.sentence, spans=tuple(m.span for m in carriers),
            )
        )
    return Conflict(about=f"where it happened: {a.name} or {b.name}", values=tuple(values), kind="value")


# --- attributions -------------------------------------------------------------------------

def _norm_words(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    return " ".join(re.findall(r"[a-z0-9']+", text))


def _speaker_key(speaker: str) -> str:
    words = re.findall(r"[A-Za-z][A-Za-z'-]+", speaker)
    return words[-1].lower() if words else speaker.lower()


def _is_person(speaker: str, lexicon: _Lexicon) -> bool:
    return _speaker_key(speaker) in lexicon.person_words


def _attribution_conflicts(quotes: Sequence[Quote], lexicon: _Lexicon) -> list[Conflict]:
    """The same words (8+ words, near-identical) credited to two different people."""
    from rapidfuzz import fuzz

    out: list[Conflict] = []
    named = [q for q in quotes if q.speaker and q.variants]
    used: set[int] = set()
    for i, a in enumerate(named):
        for j in range(i + 1, len(named)):
            b = named[j]
            assert a.speaker is not None and b.speaker is not None
            if _speaker_key(a.speaker) == _speaker_key(b.speaker):
                continue
            # A person and the body they speak for is one attribution, not two.
            if not (_is_person(a.speaker, lexicon) and _is_person(b.speaker, lexicon)):
                continue
            if not _same_words(a, b, fuzz):
                continue
            if {i, j} & used:
                continue
            used |= {i, j}
            out.append(
                Conflict(
                    about=f"who said \u201c{a.variants[0].text[:80]}\u201d",
                    values=tuple(_speaker_value(q) for q in (a, b)),
                    kind="attribution",
                )
            )
    return out


def _same_words(a: Quote, b: Quote, fuzz: object) -> bool:
    for va in a.variants:
        for vb in b.variants:
            if set(va.sources) == set(vb.sources):
                continue
            na, nb = _norm_words(va.text), _norm_words(vb.text)
            if min(len(na.split()), len(nb.split())) < 8:
                continue
            if fuzz.ratio(na, nb) >= 90:  # type: ignore[attr-defined]
                return True
    return False


def _speaker_value(quote: Quote) -> ConflictValue:
    sources = tuple(dict.fromkeys(s for v in quote.variants for s in v.sources))
    spans = tuple(s for v in quote.variants for s in v.spans)
    return ConflictValue(
        text=quote.speaker or "", value=None, unit="person", sources=sources,
        evidence=quote.variants[0].text, spans=spans,
    )


# --- public ----------------------------------------------------------------------------------

def find_conflicts(
    facts: Sequence[Fact],
    parsed: Sequence["ParsedArticle"],
    quotes: Sequence[Quote] = (),
    include_soft: bool = True,
) -> tuple[Conflict, ...]:
    """Value conflicts between sources, then attribution conflicts.

    ``include_soft=False`` leaves out conflicts that a hedge or rounding
    reconciles. Hard conflicts come first, then soft ones, each in the order
    of their first value in the input.
    """
    texts = _texts(parsed)
    docs = {p.id: p.doc for p in parsed}
    comparable = [
        f for f in facts
        if f.kind in COMPARABLE_KINDS and f.value is not None and f.about_terms
        and not _partitive(f, texts) and not _hypothetical(f, docs) and not _offset(f, texts)
    ]
    lexicon = _lexicon(comparable, parsed)
    by_sentence: dict[Span, list[Fact]] = defaultdict(list)
    printed: dict[str, set[tuple[str, str | None, float]]] = defaultdict(set)
    for fact in facts:
        by_sentence[fact.sentence].append(fact)
        if fact.value is not None:
            printed[fact.span.source].add((fact.kind, fact.unit, round(fact.value, 6)))
    conflicts = []
    for group in _groups(comparable, lexicon):
        conflict = _conflict_of(group, texts, by_sentence, printed, lexicon)
        if conflict is not None and (include_soft or not conflict.soft):
            conflicts.append(conflict)
    conflicts.extend(c for c in _date_conflicts(facts, parsed) if include_soft or not c.soft)
    conflicts.extend(_place_conflicts(parsed))
    conflicts.sort(key=lambda c: c.soft)
    return tuple(conflicts) + tuple(_attribution_conflicts(quotes, lexicon))
