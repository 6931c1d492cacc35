"""Facts: typed values in context ("nearly six hours", "$43,350", "4:30 p.m.").

An analysis stage after ``nlp`` (``clean -> nlp -> facts -> conflicts``). It owns
finding values in a parsed article, parsing their numbers (digits and words:
"seven and a half", "a dozen", "$2bn"), normalising units, keeping the hedge
printed with them ("nearly", "more than") and saying what each value measures
(:attr:`Fact.about`), which is what :mod:`newsweave.conflicts` compares.

Values are found by regular expressions over the cleaned text, because the
small spaCy model splits or misses many of them ("seven-and-a-half-hours"
comes out as CARDINAL "seven"); the dependency parse then says what each value
is about. Units are normalised so that values compare: durations of a day or
less in ``hours``, days and weeks in ``days``, months and longer in ``years``;
distances in ``km``; money in ``usd``/``eur``/``gbp``/...; clock times as
hours after midnight (unit ``clock``); a hyphenated measure counts its noun
("48-page" is 48 with unit ``page``).

Kinds: ``duration``, ``count``, ``money``, ``percent``, ``age``, ``distance``,
``time`` (clock), and for when something happened, at the granularity
printed: ``year`` (unit ``year``, value the year: "in 2019", "last year") and
``date`` (unit ``month``, value the ordinal of its first day: "in mid-May",
"earlier this month"; or unit ``date``, value the day's ordinal: "April 30"). Relative words
resolve against the article's publication date; a day and month that cannot
(no year, no publication date) keep value None. The ends of a printed span of
years ("from 1966 to 1978", "1967-79") carry the qualifiers "from" and "to";
a year that names a thing ("the 2012 election", "the 2008-09 season") the
qualifier "label". Labels are not counts: "the two sides", "24 Independent
Street", "August 9", "G20" are dropped or typed as what they are. An age
belongs to the person it is printed with ("Elizabeth Lauten, 31,",
"23-year-old Laci Peterson").
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from newsweave.model import Fact, Span
from newsweave.timeline import RELATIVE_MONTH, dated_expressions, month_meant

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as DocSpan

    from newsweave.nlp import ParsedArticle

__all__ = ["date_values", "facts_of_article", "find_facts", "parse_number"]

# --- numbers -----------------------------------------------------------------

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000, "m": 1_000_000, "bn": 1_000_000_000, "k": 1_000,
           "mn": 1_000_000, "tn": 1_000_000_000_000}
_SMALL = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    r"|one|two|three|four|five|six|seven|eight|nine)"
)
_SCALE_WORD = r"(?:hundred|thousand|million|billion|trillion)"
_WORD_NUMBER = (
    rf"(?:(?:{_SMALL}|an?)[- ]+dozen"
    rf"|{_SMALL}(?:[- ]+{_SCALE_WORD}(?:[- ]+(?:and[- ]+)?{_SMALL}(?![- ]+{_SCALE_WORD}))?)*"
    rf"|an?[- ]+{_SCALE_WORD}(?:[- ]+(?:and[- ]+)?{_SMALL})?)"
)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_HALF = r"(?:[- ]+and[- ]+a[- ]+half)"
# A number as printed: digits or words, with an optional "and a half" and a scale word.
NUMBER = rf"(?:(?:{_DIGITS}|{_WORD_NUMBER}){_HALF}?(?:[- ]+{_SCALE_WORD})?)"

# Hedges printed before a value; longest first so "more than" wins over "more".
_QUALIFIERS = (
    "just over", "just under", "slightly more than", "slightly less than", "well over",
    "more than", "less than", "fewer than", "at least", "at most", "no more than", "no fewer than",
    "up to", "as many as", "as much as", "as few as", "upwards of", "close to", "an estimated",
    "nearly", "almost", "about", "around", "roughly", "approximately", "some", "over", "under",
    "shortly after", "shortly before", "just after", "just before", "after", "before", "by",
)
_QUALIFIER_RE = re.compile(r"\b(" + "|".join(q.replace(" ", r"\s+") for q in _QUALIFIERS) + r")\s+$", re.I)
# Qualifiers that only hedge clock times, not amounts ("after 4 p.m.").
_TIME_ONLY_QUALIFIERS = {"shortly after", "shortly before", "just after", "just before", "after", "before", "by"}


def parse_number(text: str) -> float | None:
    """Return the value of a printed number ("7.5", "43,000", "seven and a half", "a dozen", "2bn").

    Returns None when the text is not a number this parser knows.
    """
    words = re.split(r"[\s-]+", text.strip().lower().replace(",", ""))
    words = [w for w in words if w]
    if not words:
        return None
    total = 0.0
    current = 0.0
    seen = False
    i = 0
    while i < len(words):
        word = words[i]
        if re.fullmatch(r"\d+(?:\.\d+)?", word):
            current += float(word)
            seen = True
        elif re.fullmatch(r"\d+(?:\.\d+)?(?:m|bn|k|mn|tn)", word):
            digits = re.match(r"\d+(?:\.\d+)?", word)
            assert digits is not None
            current += float(digits.group()) * _SCALES[word[digits.end():]]
            seen = True
        elif word in _UNITS:
            current += _UNITS[word]
            seen = True
        elif word in ("a", "an"):
            if i + 1 < len(words) and words[i + 1] in ("half",):
                current += 0.5
                i += 1
                seen = True
            else:
                current += 1
        elif word == "and":
            pass
        elif word == "half":
            current += 0.5
            seen = True
        elif word == "dozen":
            current = (current or 1) * 12
            seen = True
        elif word == "hundred":
            current = (current or 1) * 100
            seen = True
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current = 0.0
            seen = True
        else:
            return None
        i += 1
    return total + current if seen else None


# --- value patterns -----------------------------------------------------------

_DURATION_UNITS = {
    "second": ("hours", 1 / 3600), "sec": ("hours", 1 / 3600), "minute": ("hours", 1 / 60),
    "min": ("hours", 1 / 60), "hour": ("hours", 1.0), "hr": ("hours", 1.0),
    "day": ("days", 1.0), "week": ("days", 7.0), "fortnight": ("days", 14.0),
    "month": ("years", 1 / 12), "year": ("years", 1.0), "decade": ("years", 10.0),
    "century": ("years", 100.0),
}
_CURRENCY_SIGNS = {"$": "usd", "us$": "usd", "usd": "usd", "€": "eur", "eur": "eur", "e": "eur",
                   "£": "gbp", "gbp": "gbp", "¥": "jpy", "a$": "aud", "c$": "cad", "hk$": "hkd"}
_CURRENCY_WORDS = {"dollar": "usd", "euro": "eur", "pound": "gbp", "yuan": "cny", "yen": "jpy",
                   "rupee": "inr", "ruble": "rub", "rouble": "rub"}
_MONEY_SCALE = r"(?:\s*(?:million|billion|trillion|bn|mn|tn|m|k)\b)?"

_CLOCK = re.compile(
    r"\b(?P<h>[01]?\d|2[0-3])(?:[:.](?P<m>[0-5]\d))?\s*(?P<ampm>[ap]\.\s?m\.?|[ap]m\b)"
    r"(?:\s+(?P<zone>local time|[A-Z]{2,4}T|ET|PT|CT|MT|GMT|UTC|BST|CET|CEST))?",
    re.I,
)
_CLOCK_24 = re.compile(r"\b(?P<h>[01]\d|2[0-3]):(?P<m>[0-5]\d)\b(?![:.,]?\d)(?:\s+(?P<zone>local time|GMT|UTC|[A-Z]{2,4}T))?")
_MONEY = re.compile(
    rf"(?P<cur>US\$|HK\$|A\$|C\$|\$|€|£|¥|\bUSD\s?|\bEUR\s?|\bGBP\s?)(?P<num>{_DIGITS}(?:[- ]+{_SCALE_WORD})?){_MONEY_SCALE}"
    rf"|\b(?P<ecur>e)(?P<enum>\d+(?:\.\d+)?)(?P<escale>m|bn|k)\b"
    rf"|\b(?P<wnum>{NUMBER})[- ]+(?P<word>dollars?|euros?|pounds? sterling|pounds|yuan|yen|rupees?|rubles?|roubles?)\b",
    re.I,
)
_PERCENT = re.compile(rf"\b(?P<num>{NUMBER})(?:\s?%|[- ]+(?:per[- ]?cent|percent)(?:age points?)?\b)", re.I)
_AGE = re.compile(rf"\b(?P<num>{NUMBER})[- ]+years?[- ]+old\b|\baged\s+(?P<num2>\d{{1,3}})\b", re.I)
_DURATION = re.compile(
    rf"\b(?P<num>{NUMBER})[- ]+(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|fortnights?"
    rf"|months?|years?|decades?|centur(?:y|ies))\b(?![- ]+old)",
    re.I,
)
# "more than a week", "for an hour": a unit counted as one, only where a hedge or
# "for" makes it a measure (not "a day after", "a year ago").
_ONE_UNIT = re.compile(
    r"\b(?:than|over|nearly|almost|about|around|roughly|under|least|to|for|within|lasted|some)\s+"
    r"(?P<v>an?[- ](?P<unit>hour|minute|day|week|fortnight|month|year|decade|century))\b"
    r"(?![- ]+(?:and|or|ago|old|later|earlier|after|before))",
    re.I,
)
_DISTANCE = re.compile(
    rf"\b(?P<num>{NUMBER})[- ]?(?P<unit>miles?|kilometres?|kilometers?|km|metres?|meters?|feet|foot|ft|yards?)\b(?![- ]+(?:per|an hour|a day))",
    re.I,
)
_KM = {"mile": 1.609344, "kilometre": 1.0, "kilometer": 1.0, "km": 1.0, "metre": 0.001, "meter": 0.001,
       "feet": 0.0003048, "foot": 0.0003048, "ft": 0.0003048, "yard": 0.0009144}
_HALF_AN = re.compile(r"\bhalf[- ]an?[- ]+(?P<unit>hour|minute|day|year)\b|\ban?[- ]+(?P<unit2>hour|minute|day|week|month|year)[- ]+and[- ]+a[- ]+half\b", re.I)
# "a 48-page indictment", "a 10-point plan": a count of the hyphenated noun.
_MEASURE_COMPOUND = re.compile(rf"\b(?P<num>{NUMBER})-(?P<noun>[a-z]{{3,}})\b(?!-)", re.I)
_COUNT = re.compile(rf"\b(?P<num>{NUMBER})\b(?![-:.,]?\d)", re.I)
_MONTH_NAME = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
# "August 9", "June 19, 2023", "9 August": a calendar date, never a count.
_DATE = re.compile(
    rf"\b{_MONTH_NAME}\s+[0-3]?\d(?:st|nd|rd|th)?\b(?:,?\s+(?:19|20)\d\d\b)?"
    rf"|\b[0-3]?\d(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAME}(?:,?\s+(?:19|20)\d\d\b)?"
)
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b(?![-:,.]?\d)")


@dataclass(frozen=True, slots=True)
class _Value:
    """A value found in the text before its context is read."""

    kind: str
    start: int  # of the value words, qualifier excluded
    end: int
    value: float | None
    unit: str | None


def _duration_unit(word: str) -> tuple[str, float]:
    """(normalised unit, factor) of a printed time unit ("minutes" -> ("hours", 1/60))."""
    word = word.lower()
    word = "century" if word.startswith("centur") else word.rstrip("s")
    return _DURATION_UNITS.get(word, ("hours", 1.0))


def _scan_values(text: str) -> list[_Value]:
    """All values in ``text``, most specific kind first, never overlapping."""
    found: list[_Value] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(value: _Value) -> None:
        if value.start < value.end and free(value.start, value.end):
            found.append(value)
            taken.append((value.start, value.end))

    for m in _CLOCK.finditer(text):
        hour = int(m["h"]) % 12 + (12 if m["ampm"].lower().startswith("p") else 0)
        add(_Value("time", m.start(), m.end(), hour + int(m["m"] or 0) / 60, "clock"))
    for m in _CLOCK_24.finditer(text):
        add(_Value("time", m.start(), m.end(), int(m["h"]) + int(m["m"]) / 60, "clock"))
    for m in _MONEY.finditer(text):
        add(_money_value(m))
    for m in _PERCENT.finditer(text):
        add(_Value("percent", m.start(), m.end(), parse_number(m["num"]), "percent"))
    for m in _AGE.finditer(text):
        number = m["num"] or m["num2"]
        add(_Value("age", m.start(), m.end(), parse_number(number), "years"))
    for m in _HALF_AN.finditer(text):
        unit, factor = _duration_unit(m["unit"] or m["unit2"])
        amount = 0.5 if m["unit"] else 1.5
        add(_Value("duration", m.start(), m.end(), amount * factor, unit))
    for m in _ONE_UNIT.finditer(text):
        unit, factor = _duration_unit(m["unit"])
        add(_Value("duration", m.start("v"), m.end(), factor, unit))
    for m in _DURATION.finditer(text):
        number = parse_number(m["num"])
        unit, factor = _duration_unit(m["unit"])
        add(_Value("duration", m.start(), m.end(), None if number is None else number * factor, unit))
    for m in _DISTANCE.finditer(text):
        number = parse_number(m["num"])
        word = m["unit"].lower()
        factor = _KM.get(word, _KM.get(word.rstrip("s"), 1.0))
        add(_Value("distance", m.start(), m.end(), None if number is None else number * factor, "km"))
    for m in _MEASURE_COMPOUND.finditer(text):
        noun = m["noun"].lower()
        if noun in ("and", "or", "to", "plus", "odd", "something", "year", "old"):
            continue
        number = parse_number(m["num"])
        add(_Value("count", m.start(), m.end(), number, noun))
    for m in _DATE.finditer(text):
        add(_Value("date", m.start(), m.end(), None, "date"))
    for m in _YEAR.finditer(text):
        add(_Value("year", m.start(), m.end(), float(m.group()), "year"))
    for m in _COUNT.finditer(text):
        number = parse_number(m["num"])
        if number is not None:
            add(_Value("count", m.start(), m.end(), number, "count"))
    return sorted(found, key=lambda v: v.start)


def _money_value(m: re.Match[str]) -> _Value:
    text = m.group()
    if m["ecur"]:
        number = float(m["enum"]) * _SCALES[m["escale"].lower()]
        return _Value("money", m.start(), m.end(), number, "eur")
    if m["word"]:
        word = m["word"].lower().split()[0].rstrip("s")
        return _Value("money", m.start(), m.end(), parse_number(m["wnum"]), _CURRENCY_WORDS.get(word, word))
    currency = _CURRENCY_SIGNS.get(m["cur"].strip().lower(), "usd")
    amount_text = text[len(m["cur"]):]
    number = parse_number(amount_text.replace(" ", ""))
    if number is None:
        number = parse_number(amount_text)
    return _Value("money", m.start(), m.end(), number, currency)


def _qualifier_before(text: str, start: int, kind: str) -> tuple[str | None, int]:
    """The hedge printed just before a value and where it starts."""
    window = text[max(0, start - 30):start]
    m = _QUALIFIER_RE.search(window)
    if not m:
        return None, start
    if "\n" in window[m.start(1):]:
        return None, start  # a hedge never reaches across a line or paragraph break
    qualifier = re.sub(r"\s+", " ", m.group(1).lower())
    if qualifier in _TIME_ONLY_QUALIFIERS and kind != "time":
        return None, start
    return qualifier, start - len(window) + m.start(1)


# --- dates: when something happened ------------------------------------------------

# A date fact's unit says its granularity: ``date`` (a day; value = the day's
# proleptic ordinal), ``month`` (value = the ordinal of its first day) or
# ``year`` (value = the year). Relative words ("last year", "earlier this
# month") are resolved against the source's publication date; weekdays and
# "yesterday" are left to the timeline, because an outlet's stated publication
# day is too often a later update for them to tell a disagreement.
_PART_BEFORE = re.compile(r"\b(early|mid|late)(?:-|\s+|\s+in\s+)$", re.I)
_APPROX_BEFORE = re.compile(r"\b(about|around|approximately|roughly|circa|c\.)\s+(?:in\s+)?$", re.I)
_BOUND_BEFORE = re.compile(
    r"\b(since|from|until|till|through|by|before|after|as of|no later than|prior to|between|to)\s+"
    r"(?:(?:early|late|mid)(?:-|\s+))?$",
    re.I,
)
_YEAR_RANGE = re.compile(
    r"\b(?P<cue>from\s+|between\s+)?(?P<a>(?:19|20)\d\d)\s*(?P<sep>-|–|—|\bto\b|\buntil\b|\bthrough\b|\band\b)\s*"
    r"(?P<b>(?:19|20)\d\d|\d\d)\b(?![-:.,]?\d)",
    re.I,
)
# Where a printed value says which end of a span of time it is.
_START_WORDS = frozenset({"from", "since"})
_END_WORDS = frozenset({"to", "until", "till", "through"})


@dataclass(frozen=True, slots=True)
class _When:
    """A date expression resolved to a value at its granularity."""

    start: int
    end: int
    value: float
    unit: str  # date (a day), month, year
    qualifier: str | None = None  # early/mid/late, about, from/to/since/until/by/...
    printed_start: int = -1  # where the printed words start, the qualifier included (-1: at ``start``)


def _month_start(year: int, month: int) -> float:
    return float(_dt.date(year, month, 1).toordinal())


def _when_of_iso(start: int, end: int, iso: str) -> _When | None:
    """A timeline expression's resolved ISO date as a value at its granularity."""
    parts = [int(p) for p in iso.split("-")]
    try:
        if len(parts) == 3:
            return _When(start, end, float(_dt.date(*parts).toordinal()), "date")
        if len(parts) == 2:
            return _When(start, end, _month_start(parts[0], parts[1]), "month")
    except ValueError:
        return None
    return _When(start, end, float(parts[0]), "year")


def _qualified(text: str, when: _When) -> _When:
    """``when`` with the hedge or bound printed just before it ("mid-", "about", "since", "until")."""
    if when.qualifier is not None:
        return when
    window = text[max(0, when.start - 25):when.start]
    if "\n" in window:
        window = window[window.rindex("\n") + 1:]
    for pattern in (_PART_BEFORE, _APPROX_BEFORE, _BOUND_BEFORE):
        m = pattern.search(window)
        if m:
            qualifier = re.sub(r"\s+", " ", m.group(1).lower())
            start = when.start - len(window) + m.start(1)
            return _When(when.start, when.end, when.value, when.unit, qualifier, start)
    return when


def _year_ranges(text: str) -> list[_When]:
    """Both ends of "from 1966 to 1978", "1966-78", "between 2010 and 2012", as start and end years."""
    out: list[_When] = []
    for m in _YEAR_RANGE.finditer(text):
        sep = m["sep"].lower()
        if sep == "and" and not (m["cue"] or "").lower().startswith("between"):
            continue  # "in 1966 and 1978": two years, not a span
        if re.match(r"\s+(?!to\b|and\b|in\b|at\b|for\b|when\b|with\b|as\b|on\b)[a-z]", text[m.end():m.end() + 12]):
            # "the 2008-09 season", "the 2019-20 budget": the name of one thing, not a span of time.
            out.append(_When(m.start("a"), m.end("b"), float(int(m["a"])), "year", "label"))
            continue
        first = int(m["a"])
        last = int(m["b"]) if len(m["b"]) == 4 else first // 100 * 100 + int(m["b"])
        if not first < last <= first + 60:
            continue  # "2018-19" must run forward; a page range or score is no span of years
        out.append(_When(m.start("a"), m.end("a"), float(first), "year", "from"))
        out.append(_When(m.start("b"), m.end("b"), float(last), "year", "to"))
    return out


def _relative_months(text: str, anchor: _dt.date | None) -> list[_When]:
    """ "earlier this month", "last month": a month resolved against the anchor."""
    if anchor is None:
        return []
    out = []
    for m in RELATIVE_MONTH.finditer(text):
        year, month = month_meant(m["which"], anchor)
        part = (m["part"] or "").lower()
        qualifier = {"early": "early", "late": "late"}.get(part)
        out.append(_When(m.start(), m.end(), _month_start(year, month), "month", qualifier, m.start()))
    return out


def date_values(text: str, anchor: _dt.date | None) -> list[_When]:
    """Every date of ``text`` a conflict may compare, resolved against ``anchor`` (may be None), in text order.

    Weekdays and "yesterday"/"today" are left out (see above); so are
    expressions the timeline cannot resolve (a bare "August 9" without an anchor).
    """
    found: list[_When] = []

    def add(when: _When | None) -> None:
        if when is not None and all(when.end <= w.start or when.start >= w.end for w in found):
            found.append(when)

    for when in _year_ranges(text):
        add(when)
    for when in _relative_months(text, anchor):
        add(when)
    for expr in dated_expressions(text, anchor):
        if _WEEKDAY_OR_DAY.search(expr.text):
            continue
        when = _when_of_iso(expr.start, expr.end, expr.date)
        if when is not None:
            lead = len(expr.text) - len(expr.text.lstrip())  # " last year" printed after a space
            add(_qualified(text, _When(when.start + lead, when.end, when.value, when.unit)))
    for m in _YEAR.finditer(text):
        if _YEAR_LABEL.search(text[max(0, m.start() - 8):m.start()]) and re.match(r"\s+[a-z]{3,}", text[m.end():m.end() + 12]):
            # "the 2012 election", "Obama's 2009 stimulus": the year names which one, it dates nothing.
            add(_When(m.start(), m.end(), float(m.group()), "year", "label"))
            continue
        add(_qualified(text, _When(m.start(), m.end(), float(m.group()), "year")))
    return sorted(found, key=lambda w: w.start)


_YEAR_LABEL = re.compile(r"(?:\b(?:the|a|an|its|his|her|their|this|that)|['’]s)\s+$", re.I)
_WEEKDAY_OR_DAY = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|overnight|night|morning"
    r"|afternoon|evening)\b",
    re.I,
)


# --- context: what a value is about --------------------------------------------

# Verbs whose object measures their subject ("the talks lasted six hours").
_MEASURE_VERBS = {"last", "take", "cost", "total", "reach", "be", "amount", "run", "span", "number",
                  "exceed", "top", "hit", "stand", "average", "weigh", "measure", "stretch"}
_DEMONSTRATIVES = {"those", "these", "the", "that", "this", "such"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "EVENT"}
_DAY_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
              "yesterday", "today", "tonight", "morning", "afternoon", "evening", "night"}
_TITLES = {"mr", "mrs", "ms", "dr", "mr.", "mrs.", "ms.", "dr.", "sir", "lady", "the"}


@dataclass(frozen=True, slots=True)
class _Subject:
    """The token a value measures and the tokens that describe it."""

    head: "Token"  # noun or verb the value measures
    scope: tuple["Token", ...]  # the tokens whose words and names identify it


def _subtree_without(token: "Token", skip: set[int]) -> list["Token"]:
    """Tokens of ``token``'s subtree, leaving out conjoined siblings, clauses and ``skip`` subtrees."""
    out: list[Token] = []
    stack = [token]
    while stack:
        tok = stack.pop()
        if tok.i in skip:
            continue
        out.append(tok)
        for child in tok.children:
            # Clauses say something else about the noun; conjoined nouns ("12 days
            # of protests and unrest") are part of it, conjoined verbs are not.
            if child.dep_ in ("relcl", "advcl", "ccomp", "parataxis"):
                continue
            if child.dep_ in ("conj", "cc") and (child.pos_ in ("VERB", "AUX") or tok.pos_ in ("VERB", "AUX")):
                continue
            stack.append(child)
    return sorted(out, key=lambda t: t.i)


def _value_root(doc: "Doc", start: int, end: int) -> "Token | None":
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    inside = {t.i for t in span}
    # The token of the span whose head lies outside it: the value's syntactic root.
    for tok in span:
        if tok.head.i not in inside or tok.head.i == tok.i:
            return tok
    return span[-1]


def _subject_of(root: "Token", value_tokens: set[int]) -> _Subject:
    """Walk from the value's root to the thing it measures."""
    head = root.head
    dep = root.dep_
    # "a three-hour meeting", "23 Somali pirates", "a two-day visit": the noun it modifies.
    if dep in ("compound", "amod", "nummod", "npadvmod", "quantmod", "nmod") and head.pos_ in ("NOUN", "PROPN") and head.i != root.i:
        return _Subject(head, tuple(_subtree_without(head, value_tokens) + _right_siblings(head, value_tokens)))
    # "seven-and-a-half hours of talks": the noun after "of".
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects and objects[0].pos_ in ("NOUN", "PROPN"):
                return _Subject(objects[0], tuple(_subtree_without(objects[0], value_tokens)))
    # "$1.1 million is the estimated cost of ...": the noun the copula equates it with.
    if dep in _SUBJECT_DEPS and head.lemma_ == "be":
        attrs = [c for c in head.children if c.dep_ in ("attr", "acomp") and c.pos_ in ("NOUN", "PROPN")]
        if attrs:
            return _Subject(attrs[0], tuple(_subtree_without(attrs[0], value_tokens)))
    # "met ... for seven and a half hours", "in five years": the verb or noun the phrase hangs on.
    if dep == "pobj" and head.dep_ == "prep":
        governor = head.head
        return _Subject(governor, tuple(_clause_of(governor, value_tokens)))
    # "Those talks lasted nearly six hours": a measuring verb measures its subject;
    # any other verb ("Obama cut $716 billion from Medicare") is itself the subject.
    if head.pos_ in ("VERB", "AUX") and head.i != root.i:
        subjects = [c for c in head.children if c.dep_ in _SUBJECT_DEPS]
        if (
            subjects
            and subjects[0].pos_ in ("NOUN", "PROPN")
            and dep in ("dobj", "npadvmod", "attr", "advmod", "obj")
            and head.lemma_.lower() in _MEASURE_VERBS
        ):
            noun = subjects[0]
            return _Subject(noun, tuple(_clause_of(head, value_tokens)))
        return _Subject(head, tuple(_clause_of(head, value_tokens)))
    return _Subject(root, tuple(_clause_of(root.head, value_tokens)))


_CLAUSE_DEPS = {"ROOT", "ccomp", "advcl", "conj", "parataxis"}


def _clause_of(token: "Token", skip: set[int]) -> list["Token"]:
    """The clause around ``token``: up to its finite verb, without other clauses.

    Climbs through infinitives and relative clauses ("the first secretary of
    state to make the trip in five years") to the noun they describe, because
    that noun is what the value is about.
    """
    verb = token
    while verb.head.i != verb.i and not (verb.pos_ in ("VERB", "AUX") and verb.dep_ in _CLAUSE_DEPS):
        verb = verb.head
    return _subtree_without(verb, skip)


def _right_siblings(noun: "Token", skip: set[int]) -> list["Token"]:
    """Modifiers the parser hung on the verb right after ``noun`` ("a meeting | Monday morning with Wang Yi").

    The small model often attaches such phrases to the verb instead of the
    noun; they still describe the noun when they follow it directly.
    """
    verb = noun.head
    if noun.dep_ not in ("dobj", "pobj", "attr", "nsubj", "nsubjpass") or verb.pos_ not in ("VERB", "AUX", "ADP"):
        return []
    out: list[Token] = []
    for child in verb.children:
        if child.i <= noun.i:
            continue
        if child.dep_ in ("conj", "cc", "ccomp", "advcl", "dobj", "punct"):
            break
        if child.dep_ in ("prep", "npadvmod", "advmod"):
            out.extend(_subtree_without(child, skip))
    return out


def _names_in(tokens: Sequence["Token"]) -> list["DocSpan"]:
    seen: dict[int, DocSpan] = {}
    for tok in tokens:
        if tok.ent_type_ in _NAME_LABELS or tok.ent_type_ == "DATE":
            ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
            if ent is not None:
                seen[ent.start] = ent
    return [seen[k] for k in sorted(seen)]


def _antecedent(subject: "Token", doc: "Doc", sentences: Sequence[tuple[int, int]]) -> "Token | None":
    """For "those talks": the same noun in one of the two previous sentences."""
    if not any(c.dep_ == "det" and c.lower_ in _DEMONSTRATIVES for c in subject.children):
        return None
    if any(c.dep_ in ("prep", "compound", "amod", "poss", "acl", "relcl", "nummod") for c in subject.children):
        return None  # "the first visit to China by ...": described in place, not a back-reference
    if subject.ent_type_:
        return None
    sent_start = subject.sent.start_char
    earlier = [s for s in sentences if s[1] <= sent_start][-2:]
    for s_start, s_end in reversed(earlier):
        span = doc.char_span(s_start, s_end, alignment_mode="expand")
        if span is None:
            continue
        for tok in span:
            if tok.lemma_.lower() == subject.lemma_.lower() and tok.pos_ == subject.pos_:
                return tok
    return None


def _about(
    subject: _Subject, value_tokens: set[int], doc: "Doc", sentences: Sequence[tuple[int, int]], alone: bool = True
) -> tuple[str, tuple[str, ...]]:
    """A readable phrase for the subject and the terms that identify it."""
    head = subject.head
    scope = list(subject.scope)
    antecedent = _antecedent(head, doc, sentences) if head.pos_ in ("NOUN", "PROPN") else None
    if antecedent is not None:
        # Resolve "those talks" to the talks named before, and bring that sentence's names along.
        head = antecedent
        scope = scope + _clause_of(antecedent, value_tokens)
    phrase = _phrase(head, value_tokens)
    terms: list[str] = [head.lemma_.lower()]
    for tok in scope:
        if tok.i in value_tokens or tok.is_stop or tok.is_punct or tok.is_space or tok.like_num:
            continue
        if tok.pos_ in ("NOUN", "PROPN", "VERB", "ADJ") or tok.lower_ in _DAY_WORDS:
            terms.append(tok.lemma_.lower() if tok.pos_ != "PROPN" else tok.lower_)
    names = _names_in(scope)
    if head.pos_ in ("NOUN", "PROPN") and alone:
        # Who and where a measured noun belongs to is often said by its clause
        # ("Ferguson has endured | more than a week of unrest"): bring its names,
        # unless other values share the sentence and the names may be theirs.
        clause_names = _names_in(_clause_of(head, value_tokens))
        names += [e for e in clause_names if e.label_ != "DATE"]
        terms.extend(y for e in clause_names if e.label_ == "DATE" for y in re.findall(r"\b(?:19|20)\d\d\b", e.text))
    for ent in names:
        # Names by their words; dates by their words and years ("June 2012"), so
        # that two quakes of two years never pass for one.
        terms.extend(
            w.lower() for w in ent.text.split()
            if w.lower() not in _TITLES and (w.isalpha() or (ent.label_ == "DATE" and re.fullmatch(r"(?:19|20)\d\d", w)))
        )
    unique = tuple(dict.fromkeys(t for t in terms if t.strip() and t.lower() not in _TITLES))
    return phrase, unique


def _phrase(head: "Token", value_tokens: set[int]) -> str:
    """The head's noun phrase, or for a verb: subject, verb and objects."""
    if head.pos_ in ("VERB", "AUX"):
        parts = [head]
        for child in head.children:
            if child.dep_ in ("nsubj", "nsubjpass", "dobj", "prt", "neg") or (
                child.dep_ == "prep" and child.lower_ in ("with", "between", "to", "from", "on", "for", "in", "of")
            ):
                parts.extend(_subtree_without(child, value_tokens))
        tokens = sorted(set(parts), key=lambda t: t.i)
    else:
        tokens = [t for t in _subtree_without(head, value_tokens) if t.dep_ not in ("relcl",)]
    tokens = [t for t in tokens if t.i not in value_tokens]
    words = _contiguous_text(tokens)
    return words or head.text


def _contiguous_text(tokens: Sequence["Token"]) -> str:
    out = []
    for index, tok in enumerate(tokens):
        adjacent = index + 1 < len(tokens) and tokens[index + 1].i == tok.i + 1
        out.append(tok.text + (tok.whitespace_ if adjacent else " "))
    text = "".join(out).strip().strip(",;:").strip()
    text = re.sub(r"\s+", " ", text)
    return text[:160]


# --- public ----------------------------------------------------------------------

def facts_of_article(parsed: "ParsedArticle") -> tuple[Fact, ...]:
    """The facts of one parsed article, in text order."""
    text = parsed.article.text
    doc = parsed.doc
    sentences = [(s.start, s.end) for s in parsed.sentences]
    out: list[Fact] = []
    whens = {(w.start, w.end): w for w in date_values(text, parsed.article.published)}
    values = [_as_age(v, text, doc) for v in _with_dates(_scan_values(text), whens.values())]
    values = [v for v in values if _worth_keeping(v, text)]
    roots = {v: _value_root(doc, v.start, v.end) for v in values} if doc is not None else {}
    for value in values:
        when = whens.get((value.start, value.end)) if value.kind in ("date", "year") else None
        if when is not None:
            qualifier, start = when.qualifier, (when.printed_start if when.printed_start >= 0 else when.start)
        else:
            qualifier, start = _qualifier_before(text, value.start, value.kind)
        sentence = _sentence_around(parsed, value.start, value.end)
        if sentence is None:
            continue
        if start < sentence.start:
            qualifier, start = None, value.start  # the hedge belongs to the sentence before
        about, terms = "", ()
        if doc is not None:
            # Another measure's phrase describes that measure, not this one; dates
            # and clock times are context every measure of the sentence shares.
            others = {
                r.i for v, r in roots.items()
                if r is not None and v is not value and sentence.start <= v.start < sentence.end
                and v.kind not in ("year", "date", "time")
            }
            alone = not any(
                v is not value and v.kind == value.kind and sentence.start <= v.start < sentence.end for v in values
            )
            about, terms = _context(doc, value, sentences, others, alone)
        out.append(
            Fact(
                kind=value.kind,
                text=text[start:value.end],
                value=value.value,
                unit=value.unit,
                qualifier=qualifier,
                about=about,
                span=Span(parsed.id, start, value.end),
                sentence=sentence,
                about_terms=terms,
            )
        )
    return tuple(_range_ends_share_subject(out))


def _range_ends_share_subject(facts: Sequence[Fact]) -> list[Fact]:
    """The end of "from 1966 to 1978" is about what its start is about.

    The parser hangs "to 1978" on "from 1966" or elsewhere; the span of years
    measures one thing, which the start's context names.
    """
    out = list(facts)
    for i in range(1, len(out)):
        start, end = out[i - 1], out[i]
        if (
            start.kind == end.kind == "year" and start.qualifier == "from" and end.qualifier == "to"
            and start.sentence == end.sentence and 0 <= end.span.start - start.span.end <= 12
        ):
            out[i] = Fact(end.kind, end.text, end.value, end.unit, end.qualifier, start.about, end.span,
                          end.sentence, start.about_terms)
    return out


def find_facts(parsed: Sequence["ParsedArticle"]) -> tuple[Fact, ...]:
    """Every typed value of every article, with what it measures.

    Never raises on text it does not understand: what it cannot read it skips.
    """
    return tuple(fact for article in parsed for fact in facts_of_article(article))


def _with_dates(values: Sequence[_Value], whens: Sequence[_When]) -> list[_Value]:
    """The scanned values with every calendar year and date replaced by its resolved date value.

    A resolved date wins over a bare count it overlaps ("19" of "2018-19");
    amounts, durations and clock times win over a date. A printed date the
    timeline cannot resolve (no year, no anchor) stays with value None.
    """
    kept = [v for v in values if v.kind not in ("year", "date", "count")]
    dates = [
        _Value("year" if w.unit == "year" else "date", w.start, w.end, w.value, w.unit) for w in whens
        if all(w.end <= v.start or w.start >= v.end for v in kept)
    ]

    def free(v: _Value) -> bool:
        return all(v.end <= d.start or v.start >= d.end for d in dates)

    rest = [v for v in values if v.kind in ("year", "date", "count") and free(v)]
    return sorted(kept + dates + rest, key=lambda v: v.start)


def _as_age(value: _Value, text: str, doc: "Doc | None") -> _Value:
    """A bare number in commas right after a person's name is an age ("Elizabeth Lauten, 31, wrote")."""
    if value.kind != "count" or doc is None or value.value is None or not 0 < value.value < 120:
        return value
    if text[value.start - 2:value.start] != ", " or text[value.end:value.end + 1] not in (",", ";", ")"):
        return value
    before = doc.char_span(0, value.start - 2, alignment_mode="contract")
    if before is None or len(before) == 0:
        return value
    last = before[-1]
    # The small model labels many surnames ORG or nothing ("Roger Stone, 66,").
    if not (last.ent_type_ == "PERSON" or (last.pos_ == "PROPN" and last.ent_type_ in ("", "ORG"))):
        return value
    return _Value("age", value.start, value.end, value.value, "years")


def _worth_keeping(value: _Value, text: str) -> bool:
    """Drop bare numbers that are labels, not amounts ("the two sides", "one of", "G20")."""
    if value.kind == "date":
        return True  # a calendar date carries no number, only its words
    if value.value is None:
        return False
    if value.kind != "count" or value.unit != "count":
        return True  # ages, amounts and "the 48-page indictment" are values even after "the"
    words = text[value.start:value.end]
    before = text[max(0, value.start - 12):value.start].lower()
    if value.value == 1 and not words[:1].isdigit():
        return False  # "one of", "one senior official": not a reported count
    if re.search(r"(\b(the|these|those|their|its|his|her|our|both)|['’]s)\s+$", before):
        return False  # "the two sides": a reference, not a reported count
    if re.search(r"(no\.|#|number|page|article|section|chapter|route|flight|room)\s*$", before):
        return False
    if re.match(r"\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St\.|Avenue|Ave\.|Road|Rd\.|Boulevard|Blvd\.|Lane|Drive|Way|Place|Square|Court)\b", text[value.end:value.end + 60]):
        return False  # "24 Independent Street": an address
    after = text[value.end:value.end + 2]
    if after[:1] in ("%", ":") or before.endswith(("-", "/")):
        return False
    return True


def _sentence_around(parsed: "ParsedArticle", start: int, end: int) -> Span | None:
    """The sentence that carries ``[start, end)``; two when the splitter cut the value ("4:30 a.m. | ET")."""
    first = next((s for s in parsed.sentences if s.start <= start < s.end), None)
    if first is None:
        return None
    last = next((s for s in parsed.sentences if s.start < end <= s.end), first)
    return Span(parsed.id, first.start, max(first.end, last.end))


def _context(
    doc: "Doc",
    value: _Value,
    sentences: Sequence[tuple[int, int]],
    others: set[int] = frozenset(),  # type: ignore[assignment]
    alone: bool = True,
) -> tuple[str, tuple[str, ...]]:
    root = _value_root(doc, value.start, value.end)
    if root is None:
        return "", ()
    if value.kind == "age":
        # "23-year-old Laci": the age of what follows; "Lauten, 31," / "aged 13": of who precedes.
        hyphenated = "old" in _text_of(doc, value)
        person = _person_after(doc, value.end) if hyphenated else _person_before(doc, value.start)
        if person is not None:
            # "Elizabeth Lauten, 31," / "Sasha Obama, aged 13": the age is that person's.
            # Once each: a name the parser ran together ("Qin Gang Qin Gang") repeats its words.
            return person.text, tuple(dict.fromkeys(["age", *(w.lower() for w in person.text.split() if w.lower() not in _TITLES)]))
    span = doc.char_span(value.start, value.end, alignment_mode="expand")
    value_tokens = ({t.i for t in span} if span is not None else {root.i}) | (set(others) - {root.i})
    subject = _subject_of(root, value_tokens)
    in_phrase = root.dep_ == "pobj" and root.head.dep_ == "prep"
    if in_phrase:
        value_tokens = value_tokens | {root.head.i}  # "in" of "in five years" is part of the value
    if value.kind in ("date", "year"):
        subject = _Subject(subject.head, subject.scope + _shared_subject(subject.head, value_tokens))
    about, terms = _about(subject, value_tokens, doc, sentences, alone=alone)
    # Where a prepositional phrase attaches is what the small parser gets wrong most.
    window = _left_window(doc, value.start, sentences) if in_phrase else ()
    return about, tuple(dict.fromkeys(terms + tuple(w for w in window if w not in _TITLES)))


def _shared_subject(verb: "Token", skip: set[int]) -> tuple["Token", ...]:
    """For a conjoined verb without its own subject ("Cowan joined ... and quit earlier this month"):
    the subject it shares with the verb before it, who did what the date dates."""
    if verb.pos_ not in ("VERB", "AUX") or verb.dep_ != "conj" or any(c.dep_ in _SUBJECT_DEPS for c in verb.children):
        return ()
    first = verb.head
    subjects = [c for c in first.children if c.dep_ in _SUBJECT_DEPS]
    return tuple(t for s in subjects for t in _subtree_without(s, skip))


def _text_of(doc: "Doc", value: _Value) -> str:
    return doc.text[value.start:value.end].lower()


def _person_after(doc: "Doc", end: int) -> "DocSpan | None":
    """The person named right after ``end`` ("23-year-old | Laci Peterson")."""
    for ent in doc.ents:
        if ent.label_ == "PERSON" and 0 <= ent.start_char - end <= 1:
            return ent
    return None


def _person_before(doc: "Doc", start: int) -> "DocSpan | None":
    """The person named just before ``start`` (at most three tokens away)."""
    before = doc.char_span(0, start, alignment_mode="contract")
    if before is None or len(before) == 0:
        return None
    for tok in list(reversed(before))[:3]:
        if tok.ent_type_ == "PERSON":
            return next((e for e in doc.ents if e.start <= tok.i < e.end), None)
        if tok.pos_ == "PROPN" and tok.ent_type_ in ("", "ORG"):
            return doc[tok.left_edge.i if tok.left_edge.i >= tok.i - 3 else tok.i : tok.i + 1]
    return None


def _left_window(doc: "Doc", start: int, sentences: Sequence[tuple[int, int]], size: int = 6) -> tuple[str, ...]:
    """Content words just before the value in its sentence.

    The parse of long news sentences is often wrong about attachment; the
    words right before a value ("the first secretary of state to make the
    trip in | five years") say what it measures whichever way it was parsed.
    """
    sentence_start = max((s for s, e in sentences if s <= start), default=0)
    span = doc.char_span(sentence_start, start, alignment_mode="contract")
    if span is None:
        return ()
    words: list[str] = []
    for tok in reversed(span):
        if tok.like_num or tok.ent_type_ in ("CARDINAL", "QUANTITY", "MONEY", "PERCENT"):
            if words:
                break  # another value: the words before it are its own
            continue
        if tok.is_punct or tok.is_space:
            continue
        if tok.ent_type_ == "ORDINAL" or (not tok.is_stop and tok.pos_ in ("NOUN", "PROPN", "VERB", "ADJ")):
            words.append(tok.lower_ if tok.pos_ == "PROPN" else tok.lemma_.lower())
        if len(words) >= size:
            break
    return tuple(words)
