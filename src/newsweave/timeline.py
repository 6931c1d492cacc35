"""Timeline: dated happenings, resolved to calendar dates and merged across sources.

An analysis stage after ``nlp`` (``nlp -> timeline -> brief``). It owns finding
date expressions ("on Sunday", "Monday morning", "last November", "in
February", "June 19", "late last year", "in 2019"), resolving relative ones
against each source's publication date (or the story's date when a source has
none), attaching a printed clock time ("4:30 p.m. local time") to the
happening it times, and merging the same happening reported by several
sources.

Resolution rules, each as precise as the words allow:

- a weekday is the most recent such day on or before the anchor (0-6 days
  back), unless another source reports the same happening on that weekday a
  week on, from a later date (the first page was updated after its stated
  date); a month without a year the most recent such month on or before the
  anchor's month ("last November" in June 2023 is 2022-11);
- "last year"/"late last year" is the anchor's year minus one, "earlier this
  year" the anchor's year, "last month"/"earlier this month" the month
  before or the anchor's, "last summer" the most recent summer that has
  ended, "this fall" the anchor's year; "overnight"/"yesterday" the day
  before;
- a printed day and month ("June 25") takes the year of its occurrence
  nearest the anchor; reported in the past tense, the last one before the
  anchor (give or take a week); printed with its weekday ("Friday, Sept.
  14"), the year in which that day is that weekday; inside a name ("the 17
  February Brigade") it dates nothing;
- a date that modifies a noun ("last September's attack", "the Monday
  session") dates that noun, so it gives way to a date of the sentence's own
  verb; a weekday so used, or one asked for ("urged him to confront Putin on
  Monday") or expected ("expected him to testify in early February"), is the
  nearest such day (or month), before or after the anchor;
- a pluperfect's date ("saying that on Sept. 10 the agency had warned") takes
  no clock time, and a later bare clock time belongs to the day before it;
- what is scheduled is dated forward: under "will", "is due to", "is set
  to", "is scheduled to", or a present-tense verb ("is running for
  re-election in November"), a weekday or month is the next one on or after
  the anchor, because news reports coming events that way;
- speculation is not a happening and is left out: an expression under a
  modal ("could pave the way for a November meeting") or a wish ("hopes to
  meet"), or phrased as the vague future ("later this year", "in the coming
  months", "next week"), whose date would be a guess.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping, Sequence

from newsweave.grouping import average_link_groups
from newsweave.model import Span, TimelineEntry

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as DocSpan

    from newsweave.nlp import ParsedArticle

__all__ = ["build_timeline", "dated_expressions", "resolve_month", "resolve_weekday"]

_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NAMES = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

# Absolute dates first; ``_scan`` never lets two expressions overlap.
# A printed year of any century is read, so "July 4, 1776" never takes the anchor's year.
_FULL_DATE = re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:,?\s+(?P<year>1\d\d\d|20\d\d))?\b(?![:.]?\d)")
_DAY_MONTH = re.compile(rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH})(?:,?\s+(?P<year>1\d\d\d|20\d\d))?\b")
_ISO_DATE = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")
_MONTH_YEAR = re.compile(rf"\b(?P<month>{_MONTH})\s+(?:of\s+)?(?P<year>(?:19|20)\d\d)\b")
# A bare month name needs a cue before it: "May" is also a verb and a name.
_MONTH_ONLY = re.compile(
    rf"\b(?P<cue>(?i:in|since|until|till|by|during|from|last|this|early|late|mid-?|earlier in|later in|before|after|of|through)\s+(?i:early\s+|late\s+|mid-?)?)"
    rf"(?P<month>{_MONTH})\b(?!\s+[0-3]?\d\b)(?!\s+(?:19|20)\d\d)"
)
_ADJ_MONTH = re.compile(rf"\b(?:a|an|the)\s+(?P<month>{_MONTH})(?=\s+[a-z])")  # "a November meeting"
_WEEKDAY_EXPR = re.compile(
    rf"\b(?P<cue>(?i:last|this|next|past|on|early|late|earlier on|later on))?\s*(?P<weekday>{_WEEKDAY})(?P<plural>s)?\b"
    r"(?:\s+(?P<part>morning|afternoon|evening|night))?"
)
_YEAR_EXPR = re.compile(
    r"\b(?P<cue>(?i:in|since|until|by|during|from|of|early|late|mid-?|before|after|through|back to|a|an|the))\s+(?:early\s+|late\s+|mid-?)?(?P<year>(?:19|20)\d\d)\b(?![-/]\d)"
)
# "Friday, Sept. 14": the weekday belongs to the printed date that follows it.
_WEEKDAY_BEFORE = re.compile(rf"\b(?P<weekday>{_WEEKDAY}),?\s+$")
# "the 17 February Brigade", "the Sept. 11 Commission": a date that names a group, place or accord.
_NAMED_BY_DATE = re.compile(
    r"\s+(?:Brigades?|Movement|Revolution|Battalion|Alliance|Coalition|Front|Square|Street|Avenue|Bridge|"
    r"Stadium|Martyrs|Commission|Committee|Group|Party|Uprising|Agreement|Accords?)\b"
)
_RELATIVE_YEAR = re.compile(r"\b(?P<phrase>(?:early|late|earlier|later)?\s*(?:last|this)\s+year)\b", re.I)
RELATIVE_MONTH = re.compile(r"\b(?:(?P<part>earlier|early|late)\s+)?(?P<which>this|last)\s+month\b", re.I)


def month_meant(which: str, anchor: dt.date) -> tuple[int, int]:
    """(year, month) of "this month" or "last month" written on ``anchor``."""
    year, month = anchor.year, anchor.month
    if which.lower() == "last":
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return year, month


_LATER_BEFORE = re.compile(r"\blater\s+$", re.I)  # "later this month" is still to come: not dated
# "last summer", "this fall in the district" (winter spans two years); not "the last Summer
# Olympics" or "this fall in unemployment", where the word is no season.
_SEASON = re.compile(r"\b(?P<which>[Tt]his|[Ll]ast)\s+(?P<season>spring|summer|fall|autumn)\b(?!\s+(?:in|of)\s+(?!(?:the|a|an|his|her|their|its|this|that)\b)[a-z])")
_SEASON_ENDS = {"spring": 5, "summer": 8, "fall": 11, "autumn": 11}  # the month each season ends in
_RELATIVE_DAY = re.compile(r"\b(?P<phrase>yesterday|last night|overnight|today|tonight|this morning|this afternoon|this evening)\b", re.I)
_CLOCK = re.compile(
    r"\b(?P<h>[01]?\d)(?:[:.](?P<m>[0-5]\d))?\s*(?P<ampm>[ap]\.\s?m\.?|[ap]m\b)"
    r"(?:\s+(?P<zone>local time|[A-Z]{2,4}T|ET|PT|CT|GMT|UTC))?",
    re.I,
)
_NAME_FILLERS = frozenset({"the", "of", "mr", "mrs", "ms", "dr", "and", "for"})
_SPECULATIVE_AUX = frozenset({"could", "would", "may", "might", "should", "must"})
_SPECULATIVE_VERBS = frozenset({"hope", "aim", "propose", "pave", "seek", "want", "intend", "consider"})
_WILL = frozenset({"will", "wo", "'ll", "shall"})
_SCHEDULE_WORDS = frozenset({"schedule", "set", "slate", "due", "plan", "expect", "poise"})
# Verbs whose infinitive asks for something ("called for him to cancel the Monday session").
_DIRECTIVE_VERBS = frozenset({"urge", "call", "ask", "press", "pressure", "push", "demand", "implore", "encourage"})
_FUTURE_WORDS = re.compile(r"\b(?:next|coming|upcoming|later this|later next)\b", re.I)


@dataclass(frozen=True, slots=True)
class DatedExpression:
    """A date expression of one sentence, resolved."""

    start: int
    end: int
    date: str  # YYYY-MM-DD, YYYY-MM or YYYY
    text: str
    relative: bool = False  # a weekday or month name resolved against the anchor
    forward: str | None = None  # the same words read as still to come ("is due in court on Thursday")
    back: str | None = None  # a day and month printed without a year, read as past ("was arrested on Sept. 14")


# --- resolution ----------------------------------------------------------------

def resolve_weekday(weekday: int, anchor: dt.date, forward: bool = False) -> dt.date:
    """The most recent ``weekday`` (0 = Monday) on or before ``anchor``; with ``forward``, on or after."""
    if forward:
        return anchor + dt.timedelta(days=(weekday - anchor.weekday()) % 7)
    return anchor - dt.timedelta(days=(anchor.weekday() - weekday) % 7)


def resolve_month(month: int, anchor: dt.date, last: bool = False) -> tuple[int, int]:
    """(year, month) of the most recent ``month`` on or before the anchor's month.

    ``last`` ("last November") means strictly before: a June story's "last
    June" is the previous year's.
    """
    if month < anchor.month or (month == anchor.month and not last):
        return anchor.year, month
    return anchor.year - 1, month


def _month_number(name: str) -> int:
    return _MONTH_NAMES[name.lower().rstrip(".")]


def _day_date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _dates_of(month: int, day: int, years: Iterable[int]) -> Iterator[dt.date]:
    """The day and month in each of ``years`` where it exists (no 29 February in 2023)."""
    for year in years:
        try:
            yield dt.date(year, month, day)
        except ValueError:
            continue


def _year_for(month: int, day: int, anchor: dt.date | None, weekday: int | None = None) -> int | None:
    """The year of a printed "June 19": that of its occurrence nearest the anchor, a year either side at most.

    A full day-and-month is precise enough to be a schedule ("the June 25
    special election" in a January story is next June), so unlike a bare
    month it may lie after the anchor. With ``weekday`` ("Friday, Sept.
    14"), only a year in which the day falls on that weekday.
    """
    if anchor is None:
        return None
    fits = [
        (abs((date - anchor).days), date.year)
        for date in _dates_of(month, day, (anchor.year - 1, anchor.year, anchor.year + 1))
        if weekday is None or date.weekday() == weekday
    ]
    best = min(fits, default=None)
    return best[1] if best and best[0] <= 366 else None  # no 29 February within a year: unresolved


# Days a past report's printed date may lie after its anchor: a publication date a day or
# two early, or one inferred from the story's other sources.
PAST_SLACK_DAYS = 7


def _last_on_or_before(month: int, day: int, anchor: dt.date) -> str | None:
    """The last "Sept. 14" on or before the anchor (give or take a few days), for a report of the past."""
    latest = anchor + dt.timedelta(days=PAST_SLACK_DAYS)
    return next((d.isoformat() for d in _dates_of(month, day, (anchor.year, anchor.year - 1)) if d <= latest), None)


def _next_on_or_after(month: int, day: int, anchor: dt.date) -> str | None:
    """The first "August 10" on or after the anchor, for a schedule."""
    return next((d.isoformat() for d in _dates_of(month, day, (anchor.year, anchor.year + 1)) if d >= anchor), None)


# --- finding expressions -------------------------------------------------------

def dated_expressions(text: str, anchor: dt.date | None) -> list[DatedExpression]:
    """Every date expression of ``text`` that resolves against ``anchor`` (may be None)."""
    found: list[DatedExpression] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, date: str | None, relative: bool = False, forward: str | None = None,
            back: str | None = None) -> None:
        if date is None or any(not (end <= s or start >= e) for s, e in taken):
            return
        taken.append((start, end))
        found.append(DatedExpression(start, end, date, text[start:end], relative, forward or date, back))

    for m in _ISO_DATE.finditer(text):
        add(m.start(), m.end(), _day_date(int(m["year"]), int(m["month"]), int(m["day"])))
    for pattern in (_FULL_DATE, _DAY_MONTH):
        for m in pattern.finditer(text):
            month, day = _month_number(m["month"]), int(m["day"])
            if not m["year"] and _NAMED_BY_DATE.match(text, m.end()) and re.search(r"\bthe\s+$", text[:m.start()], re.I):
                taken.append((m.start(), m.end()))  # "the 17 February Brigade" is a name, not a day
                continue
            named_day = _WEEKDAY_BEFORE.search(text[max(0, m.start() - 12):m.start()])
            start = m.start() - len(named_day.group()) if named_day else m.start()
            if m["year"]:
                add(start, m.end(), _day_date(int(m["year"]), month, day))
            elif anchor is not None and named_day and (
                year := _year_for(month, day, anchor, weekday=_WEEKDAY_NAMES.index(named_day["weekday"].lower()))
            ):
                add(start, m.end(), _day_date(year, month, day))  # the weekday says which year: exact
            else:
                year = _year_for(month, day, anchor)
                ahead = _next_on_or_after(month, day, anchor) if anchor else None
                back = _last_on_or_before(month, day, anchor) if anchor else None
                add(m.start(), m.end(), _day_date(year, month, day) if year else None, forward=ahead, back=back)
    for m in _MONTH_YEAR.finditer(text):
        add(m.start(), m.end(), f"{int(m['year']):04d}-{_month_number(m['month']):02d}")
    for pattern in (_MONTH_ONLY, _ADJ_MONTH):
        for m in pattern.finditer(text):
            if anchor is None:
                continue
            cue = (m.groupdict().get("cue") or "").strip().lower()
            number = _month_number(m["month"])
            year, month = resolve_month(number, anchor, last=cue.startswith("last"))
            ahead = anchor.year + (1 if number < anchor.month else 0)
            add(m.start("month"), m.end(), f"{year:04d}-{month:02d}", relative=True, forward=f"{ahead:04d}-{number:02d}")
    for m in _WEEKDAY_EXPR.finditer(text):
        if anchor is None or m["plural"] or (m["cue"] or "").lower() in ("next", "this"):
            continue  # "Mondays" is a habit; "next Monday" a plan; "this Monday" is ambiguous
        weekday = _WEEKDAY_NAMES.index(m["weekday"].lower())
        day = resolve_weekday(weekday, anchor)
        if (m["cue"] or "").lower() in ("last", "past") and day == anchor:
            day -= dt.timedelta(days=7)
        ahead = resolve_weekday(weekday, anchor, forward=True)
        add(m.start("weekday"), m.end(), day.isoformat(), relative=True, forward=ahead.isoformat())
    for m in _YEAR_EXPR.finditer(text):
        add(m.start("year"), m.end(), m["year"])
    for m in _RELATIVE_YEAR.finditer(text):
        phrase = m["phrase"].lower()
        if anchor is None or phrase.startswith("later"):
            continue
        add(m.start(), m.end(), str(anchor.year - 1 if "last" in phrase else anchor.year))
    for m in RELATIVE_MONTH.finditer(text):
        if anchor is not None and not _LATER_BEFORE.search(text, 0, m.start()):
            year, month = month_meant(m["which"], anchor)
            add(m.start(), m.end(), f"{year:04d}-{month:02d}")
    for m in _SEASON.finditer(text):
        if anchor is not None and not _LATER_BEFORE.search(text, 0, m.start()):
            # "last spring" in November is this year's; "last summer" in May or August, last year's
            over = anchor.month > _SEASON_ENDS[m["season"]]
            add(m.start(), m.end(), str(anchor.year - (m["which"].lower() == "last" and not over)))
    for m in _RELATIVE_DAY.finditer(text):
        if anchor is None:
            continue
        phrase = m["phrase"].lower()
        # "overnight" in a morning paper is the night before it: dated by its evening.
        day = anchor - dt.timedelta(days=1) if phrase in ("yesterday", "last night", "overnight") else anchor
        add(m.start(), m.end(), day.isoformat())
    return sorted(found, key=lambda e: e.start)


def _clock_time(sentence: str) -> str | None:
    """The clock time printed in a sentence, local time preferred over a foreign zone."""
    best: tuple[int, str] | None = None
    for m in _CLOCK.finditer(sentence):
        hour = int(m["h"]) % 12 + (12 if m["ampm"].lower().startswith("p") else 0)
        value = f"{hour:02d}:{int(m['m'] or 0):02d}"
        zone = (m["zone"] or "").lower()
        rank = 0 if zone == "local time" else 1 if not zone else 2
        if best is None or rank < best[0]:
            best = (rank, value)
    if best is None:
        m = re.search(r"\b(?:at|by|before|after|around|about|until)\s+(noon|midnight)\b", sentence, re.I)
        if m:
            return "12:00" if m.group(1).lower() == "noon" else "00:00"
    return best[1] if best else None


def _reading(span: "DocSpan | None", expr_text: str) -> str:
    """How to date an expression: "past", "ahead" (scheduled), "near" (asked for), "present", "unknown" or "skip".

    Speculation ("could pave the way for a November meeting", "hopes to meet
    in the coming months") is skipped; a schedule ("will face the winner on
    August 10", "is due to be arraigned on Thursday", "is running in
    November") is read forward; a bare weekday or month under a present-tense
    verb ("present") too, but a printed day and month keeps its nearest year
    (news narrates videos and records in the present: "At that March 2 event,
    he says"); everything else is a report of the past.
    """
    if _FUTURE_WORDS.search(expr_text):
        return "skip"
    if span is None:
        return "past"
    verb = _governing_verb(span.root)
    for _ in range(3):
        auxes = [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")]
        lemma = verb.lemma_.lower()
        if any(a in _SPECULATIVE_AUX for a in auxes) or lemma in _SPECULATIVE_VERBS:
            return "skip"
        if any(a in _WILL for a in auxes) or lemma in _SCHEDULE_WORDS:
            return "ahead"
        infinitive = verb.tag_ == "VB" and any(c.tag_ == "TO" for c in verb.children)
        if infinitive and verb.dep_ == "ccomp" and verb.head.lemma_.lower() in _SCHEDULE_WORDS:
            # "expected Mr. Cohen to be back ... in early February", an infinitive parsed as
            # a clausal complement: what was expected may be done or still to come.
            return "near"
        if verb.dep_ not in ("xcomp", "conj", "advcl", "relcl", "acl", "acomp") or verb.head.i == verb.i:
            break
        verb = verb.head
        if verb.lemma_.lower() in _SCHEDULE_WORDS:
            return "ahead"
        if infinitive and verb.lemma_.lower() in _DIRECTIVE_VERBS:
            # "urged him to confront Putin on Monday" (Friday's paper: the coming Monday) or
            # "urged residents to evacuate on Sunday" (Monday's paper: yesterday): what was
            # asked may be done or still to come, so a weekday is the nearest one.
            return "near"
    tense = _tense(span)
    return "present" if tense == "present" else "past" if tense == "past" else "unknown"


def _date_span(doc: "Doc | None", start: int, end: int) -> "DocSpan | None":
    """The tokens of a date expression (widened to whole tokens), or None without a parse."""
    if doc is None:
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    return span if span is not None and len(span) else None


def _governing_verb(token: "Token") -> "Token":
    """The verb a date's token hangs on (the token itself, or the root, if none within eight steps)."""
    for _ in range(8):
        if token.pos_ in ("VERB", "AUX") or token.head.i == token.i:
            break
        token = token.head
    return token


def _tense(span: "DocSpan") -> str:
    """"past", "present" or "unknown" for the verb that governs a date expression."""
    token = span.root
    for _ in range(10):
        if token.pos_ in ("VERB", "AUX"):
            auxes = [c for c in token.children if c.dep_ in ("aux", "auxpass")]
            if token.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
                return "past"
            if any(a.lemma_ == "have" for a in auxes) and token.tag_ == "VBN":
                return "past"
            if token.tag_ in ("VBZ", "VBP") or any(a.tag_ in ("VBZ", "VBP") for a in auxes):
                return "present"
            # An infinitive or participle takes its tense from the verb it depends on.
        if token.head.i == token.i:
            return "unknown"
        token = token.head
    return "unknown"


# --- entries ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Candidate:
    date: str
    time: str | None
    span: Span  # the sentence
    text: str
    terms: frozenset[str]
    names: frozenset[str]
    ahead: str | None = None  # a weekday read as past: the same weekday a week on


def _candidates(parsed: "ParsedArticle", anchor: dt.date | None) -> list[_Candidate]:
    text = parsed.article.text
    doc = parsed.doc
    out: list[_Candidate] = []
    last_day: tuple[int, str] | None = None  # (sentence index, date) of the last dated sentence
    for index, sentence in enumerate(parsed.sentences):
        terms = frozenset(parsed.terms[index]) if index < len(parsed.terms) else frozenset()
        names = _names(parsed, sentence.start, sentence.end)
        clock = _clock_time(sentence.text)
        dates: list[tuple[str, str]] = []  # (date, role): role "when", "of a noun" or "before" (pluperfect)
        ahead_of: dict[str, str] = {}  # a weekday's past reading -> its reading a week on
        for expr in dated_expressions(sentence.text, anchor):
            start, end = sentence.start + expr.start, sentence.start + expr.end
            span = _date_span(doc, start, end)
            reading = _reading(span, expr.text)
            if reading == "skip":
                continue
            role = _role(span)
            if reading == "ahead" or (reading == "present" and expr.relative):
                date = expr.forward or expr.date
            elif reading == "past" and expr.back:
                date = expr.back  # "was indicted on Sept. 14" in a May story: last September's
            elif (reading == "near" or (role == "of a noun" and reading != "past")) and expr.relative \
                    and (len(expr.date) == 10 or reading == "near") and anchor is not None:
                date = _nearest(expr, anchor)  # "to cancel the Monday session": the Monday nearest
            else:
                date = expr.date
                if expr.relative and len(date) == 10 and expr.forward and expr.forward != date:
                    ahead_of[date] = expr.forward
            dates.append((date, role))
        if any(role == "when" for _, role in dates):
            # "called Friday ... at Monday's summit": the sentence happened on Friday
            dates = [(date, role) for date, role in dates if role != "of a noun"]
        timed = [date for date, role in dates if role != "before"]
        if not timed and clock is not None and last_day is not None and index - last_day[0] <= 2:
            # "got underway shortly after 4:30 p.m." belongs to the day just named
            dates.append((last_day[1], "when"))
            timed = [last_day[1]]
        for date in dict.fromkeys(date for date, _ in dates):
            time = clock if len(date) == 10 and date in timed else None
            out.append(_Candidate(date, time, sentence.span, text[sentence.start:sentence.end], terms, names,
                                  ahead_of.get(date)))
        days = [d for d in timed if len(d) == 10]
        if days:
            last_day = (index, days[-1])
    return out


def _nearest(expr: DatedExpression, anchor: dt.date) -> str:
    """Of the past and the coming reading of a weekday (or a month), the one nearer the anchor."""
    forward = expr.forward or expr.date
    if len(expr.date) == 7 and len(forward) == 7:  # months: "in early February" asked for in January
        def months(iso: str) -> int:
            return int(iso[:4]) * 12 + int(iso[5:7])
        now = anchor.year * 12 + anchor.month
        return expr.date if now - months(expr.date) <= months(forward) - now else forward
    if len(expr.date) != 10 or len(forward) != 10:
        return expr.date
    back, ahead = dt.date.fromisoformat(expr.date), dt.date.fromisoformat(forward)
    return expr.date if (anchor - back) <= (ahead - anchor) else forward


_TIME_NOUNS = frozenset({"morning", "afternoon", "evening", "night"})


def _role(span: "DocSpan | None") -> str:
    """What a date expression dates: "when" its clause happened, an event "of a noun", or a time "before" (pluperfect).

    "The e-mails released on Wednesday" dates the release; "last September's
    attack", "the 2016 race" and "the Monday session" date the noun they
    modify; "saying that on Sept. 10 the agency had warned" dates a happening
    before the narrative, which neither takes the sentence's clock time nor
    sets the day that later clock times belong to.
    """
    if span is None:
        return "when"
    token = span.root
    while token.dep_ == "compound" and token.head.lower_ in _TIME_NOUNS:  # "Sunday morning news programs"
        token = token.head
    if (token.dep_ in ("compound", "poss", "nmod", "amod", "nummod") and token.head.pos_ in ("NOUN", "PROPN")
            and not (span.start <= token.head.i < span.end) and token.head.lower_ not in _TIME_NOUNS):
        return "of a noun"
    token = _governing_verb(token)
    if token.tag_ == "VBN" and any(c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in token.children):
        return "before"
    return "when"


def _names(parsed: "ParsedArticle", start: int, end: int) -> frozenset[str]:
    """Words of the people, organisations and places a sentence names ("qin", "gang")."""
    out = set()
    for mention in parsed.mentions:
        if start <= mention.span.start < end and mention.label in ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "EVENT"):
            words = re.findall(r"[A-Za-z][A-Za-z-]+", mention.text)
            out.update(w.lower() for w in words if w.lower() not in _NAME_FILLERS)
    return frozenset(out)


def _similarity(a: _Candidate, b: _Candidate, weight: Mapping[str, float]) -> float:
    """How surely two candidates report one happening: 0 unless same date and compatible times."""
    if a.date != b.date or (a.time and b.time and a.time != b.time):
        return 0.0
    if a.names and b.names and not (a.names & b.names):
        return 0.0
    shared = (a.terms | a.names) & (b.terms | b.names)
    wa = sum(weight.get(t, 1.0) for t in a.terms | a.names)
    wb = sum(weight.get(t, 1.0) for t in b.terms | b.names)
    if not wa or not wb:
        return 0.0
    return sum(weight.get(t, 1.0) for t in shared) / math.sqrt(wa * wb)


# Mean similarity a candidate needs to join a group; no member may fall below the floor.
MERGE_MIN = 0.25
MERGE_FLOOR = 0.12


def _group(candidates: Sequence[_Candidate], weight: Mapping[str, float]) -> list[list[_Candidate]]:
    """Average-linkage grouping of candidates that report the same happening."""
    return average_link_groups(
        candidates,
        lambda a, b: _similarity(a, b, weight),
        floor=MERGE_FLOOR,
        minimum=MERGE_MIN,
        apart=lambda a, b: a.span == b.span,  # one sentence, two dates: two happenings
    )


def build_timeline(
    parsed: Sequence["ParsedArticle"],
    published: Mapping[str, dt.date | None],
    event_date: dt.date | None,
) -> tuple[TimelineEntry, ...]:
    """Dated happenings of all sources, merged across sources, sorted by date then time.

    A source's relative dates resolve against ``published[source]``, or
    ``event_date`` when the source has none; with neither, only dates that
    print their year are kept. Each entry's text is the sentence of its
    first span.
    """
    anchors = {article.id: published.get(article.id) or event_date for article in parsed}
    candidates = [c for article in parsed for c in _candidates(article, anchors[article.id])]
    df: Counter[str] = Counter()
    for c in candidates:
        df.update(c.terms | c.names)
    n = max(1, len(candidates))
    weight = {t: math.log(1 + n / k) for t, k in df.items()}
    candidates = _weekdays_a_week_on(candidates, weight, anchors)
    entries = [_entry(group) for group in _group(candidates, weight)]
    return tuple(sorted(entries, key=lambda e: (e.date, e.time or "", e.text)))


_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def _different_numbers(a: str, b: str) -> bool:
    """Both sentences print numbers, and none in common."""
    numbers_a, numbers_b = set(_NUMBER.findall(a)), set(_NUMBER.findall(b))
    return bool(numbers_a) and bool(numbers_b) and not numbers_a & numbers_b


def _weekdays_a_week_on(
    candidates: Sequence[_Candidate], weight: Mapping[str, float], anchors: Mapping[str, dt.date | None]
) -> list[_Candidate]:
    """A weekday one source reads as last week's, where another source reports the same
    happening on that weekday a week on, is the later day: the first source's page was
    written or updated after its stated date (BASIL's NYT, dated Thursday 27 May 2010,
    leads with "the White House said Friday", which Fox, dated Friday, reports that day).

    Only that sentence moves: the rest of an updated page was written on its stated date.
    The other source's day must be a past it reports (not after its own date, nor a
    reading of its own such as "in a Friday news dump" taken as the coming Friday), and the
    two sentences must not print different numbers (two weekly reports, "claims rose to
    232,000" and "to 261,000", are two happenings)."""
    on_day: dict[str, list[_Candidate]] = {}
    for d in candidates:
        on_day.setdefault(d.date, []).append(d)
    out = []
    for c in candidates:
        if c.ahead is not None and any(
            d.ahead is None and d.span.source != c.span.source
            and (seen := anchors.get(d.span.source)) is not None and d.date <= seen.isoformat()
            and not _different_numbers(c.text, d.text)
            and _similarity(replace(c, date=d.date), d, weight) >= MERGE_MIN
            for d in on_day.get(c.ahead, ())
        ):
            c = replace(c, date=c.ahead, ahead=None)
        out.append(c)
    return out


def _entry(group: Sequence[_Candidate]) -> TimelineEntry:
    first = min(group, key=lambda c: (c.time is None, len(c.text)))
    ordered = [first] + [c for c in group if c is not first]
    time = next((c.time for c in ordered if c.time), None)
    return TimelineEntry(
        date=first.date,
        time=time,
        text=first.text,
        sources=tuple(dict.fromkeys(c.span.source for c in ordered)),
        spans=tuple(c.span for c in ordered),
    )
