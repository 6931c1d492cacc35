"""Dates of a story: each source's publication date and the event date.

Runs after cleaning, before the analyses that resolve relative dates ("on
Sunday") against publication dates. A source's ``published`` comes from
metadata, a leading date field or a dateline; a dateline printed without a
year ("June 19 (UPI)") takes the year that puts it nearest the story's other
dates. The event date is the story's most common publication date (ties go
to the latest, as follow-ups outnumber first reports rarely). Sources still
without a date get the event date, marked ``published_inferred``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import replace
from typing import Sequence

from newsweave.model import Article

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_FULL_DATE = re.compile(rf"\b({_MONTHS})\s+(\d{{1,2}}),\s+((?:19|20)\d\d)\b")


def _complete_dateline(month: int, day: int, anchors: Sequence[dt.date], fallback_year: int | None) -> dt.date | None:
    candidates_years = {a.year for a in anchors} | {a.year - 1 for a in anchors} | {a.year + 1 for a in anchors}
    if not candidates_years and fallback_year:
        candidates_years = {fallback_year}
    best: dt.date | None = None
    for year in sorted(candidates_years):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if not anchors:
            return candidate
        distance = min(abs((candidate - a).days) for a in anchors)
        if best is None or distance < min(abs((best - a).days) for a in anchors):
            best = candidate
    return best


def _dates_in_text(text: str) -> list[dt.date]:
    out = []
    for match in _FULL_DATE.finditer(text):
        try:
            out.append(dt.datetime.strptime(f"{match.group(1)} {match.group(2)} {match.group(3)}", "%B %d %Y").date())
        except ValueError:
            continue
    return out


def _year_mentioned(articles: Sequence[Article]) -> int | None:
    """The year the texts name most often, ignoring the future ("net zero by 2050")."""
    this_year = dt.date.today().year
    years = Counter(
        int(y) for a in articles for y in re.findall(r"\b((?:19|20)\d\d)\b", a.text) if int(y) <= this_year
    )
    return max(years, key=lambda y: (years[y], y)) if years else None


def assign_dates(articles: Sequence[Article]) -> tuple[list[Article], dt.date | None]:
    """Fill each source's ``published`` where the story allows; return the event date."""
    known = [a.published for a in articles if a.published and not a.published_inferred]
    fallback_year = _year_mentioned(articles)
    completed: list[Article] = []
    for article in articles:
        if article.published is None and article.dateline:
            month, day = article.dateline
            date = _complete_dateline(month, day, known, fallback_year)
            if date is not None:
                article = replace(article, published=date)
        completed.append(article)
    dated = [a.published for a in completed if a.published]
    event_date: dt.date | None
    if dated:
        counts = Counter(dated)
        event_date = max(counts, key=lambda d: (counts[d], d))
    else:
        in_text = Counter(d for a in completed for d in _dates_in_text(a.text))
        event_date = max(in_text, key=lambda d: (in_text[d], d)) if in_text else None
    if event_date is not None:
        completed = [
            a if a.published else replace(a, published=event_date, published_inferred=True) for a in completed
        ]
    return completed, event_date
