"""Date and year facts and their conflicts, from real-style news sentences.

Cases: year ranges ("from 1966 to 1978" vs "1967-1979"), a term ending in
2019 vs 2018 (the LePage pair of BASIL), a scheduled primary on April 30 vs
mid-May, "last year" vs "earlier this month" against publication dates, a
coarse date containing a fine one (no conflict), a hedge that reconciles
(soft), and one date for two different happenings (no conflict).
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from newsweave.conflicts import date_interval, dates_agree, find_conflicts
from newsweave.facts import date_values, find_facts
from newsweave.model import Article, Fact, Span
from newsweave.nlp import parse_articles

JUNE_19 = dt.date(2023, 6, 19)


def conflicts_of(texts: dict[str, str], published: dt.date | None = JUNE_19):
    parsed = parse_articles([Article(id=k, text=v, published=published) for k, v in texts.items()])
    return [c for c in find_conflicts(find_facts(parsed), parsed) if c.about.startswith("when:")]


def date_fact(value: float, unit: str, qualifier: str | None = None, source: str = "a") -> Fact:
    span = Span(source, 0, 1)
    return Fact("year" if unit == "year" else "date", "x", value, unit, qualifier, "talks", span, span, ("talk",))


def day(y: int, m: int, d: int) -> float:
    return float(dt.date(y, m, d).toordinal())


def test_year_range_ends_are_start_and_end() -> None:
    whens = date_values("Lugar served in the Senate from 1966 to 1978.", None)
    assert [(w.value, w.unit, w.qualifier) for w in whens] == [(1966, "year", "from"), (1978, "year", "to")]


def test_a_season_range_is_a_label_not_a_span() -> None:
    (when,) = date_values("He will stay through the end of the 2008-09 season.", None)
    assert when.qualifier == "label"


def test_relative_dates_resolve_against_publication() -> None:
    whens = date_values("Smith left last year. Jones left earlier this month. He came in mid-May.", JUNE_19)
    assert [(w.value, w.unit, w.qualifier) for w in whens] == [
        (2022, "year", None), (day(2023, 6, 1), "month", None), (day(2023, 5, 1), "month", "mid"),
    ]


def test_date_fact_text_is_the_printed_words() -> None:
    text = "Georgia's primary will be held on April 30."
    (fact,) = [f for f in find_facts(parse_articles([Article(id="a", text=text, published=JUNE_19)])) if f.kind == "date"]
    assert (fact.text, fact.value, fact.unit) == ("April 30", day(2023, 4, 30), "date")
    assert text[fact.span.start:fact.span.end] == fact.text


def test_year_ranges_conflict_once() -> None:
    (conflict,) = conflicts_of({
        "a": "Richard Lugar served in the Senate from 1966 to 1978.",
        "b": "Richard Lugar served in the Senate 1967-1979.",
    })
    assert not conflict.soft
    assert [v.text for v in conflict.values] == ["from 1966 to 1978", "1967-1979"]


def test_term_ends_in_different_years() -> None:
    (conflict,) = conflicts_of({
        "hpo": "LePage hinted on Tuesday that he may resign before his term ends in 2018.",
        "fox": "LePage's second and final term as governor officially ends in 2019.",
    })
    assert [(v.value, v.unit, v.sources) for v in conflict.values] == [(2018, "year", ("hpo",)), (2019, "year", ("fox",))]


def test_scheduled_day_vs_mid_month_is_hard() -> None:
    (conflict,) = conflicts_of({
        "a": "Georgia's primary will be held on April 30.",
        "b": "Georgia's primary will be held in mid-May.",
    })
    assert not conflict.soft and {v.text for v in conflict.values} == {"April 30", "mid-May"}


def test_last_year_vs_earlier_this_month() -> None:
    (conflict,) = conflicts_of({
        "a": "John Smith left the company last year.",
        "b": "John Smith left the company earlier this month.",
    })
    assert [v.value for v in conflict.values] == [2022, 2023]


def test_relative_dates_need_a_known_publication_date() -> None:
    assert not conflicts_of({
        "a": "John Smith left the company last year.",
        "b": "John Smith left the company earlier this month.",
    }, published=None)


def test_coarse_date_containing_the_fine_one_is_no_conflict() -> None:
    assert not conflicts_of({
        "a": "Antony Blinken met Xi Jinping in June 2023.",
        "b": "Antony Blinken met Xi Jinping on June 19, 2023.",
    })


def test_same_year_different_happenings_do_not_conflict() -> None:
    assert not conflicts_of({
        "a": "Ellen DeGeneres hosted the Oscars in 2007.",
        "b": "Ellen DeGeneres will host the Oscars in 2014.",
    })
    assert not conflicts_of({
        "a": "Scott Walker was elected governor in 2010.",
        "b": "Scott Walker signed the budget in 2011.",
    })


def test_hedges_reconcile_softly() -> None:
    assert dates_agree(date_fact(day(2023, 5, 1), "month", "mid"), date_fact(day(2023, 5, 15), "date")) == "soft"
    assert dates_agree(date_fact(1966, "year", "about"), date_fact(1967, "year")) == "soft"
    assert dates_agree(date_fact(day(2023, 5, 1), "month"), date_fact(day(2023, 5, 15), "date")) == "same"
    assert dates_agree(date_fact(2023, "year"), date_fact(day(2023, 6, 1), "month")) == "same"
    assert dates_agree(date_fact(day(2023, 5, 1), "month", "mid"), date_fact(day(2023, 4, 30), "date")) == "hard"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_a_day_lies_in_its_month_and_year(d: dt.date) -> None:
    fine = date_fact(float(d.toordinal()), "date")
    month = date_fact(float(d.replace(day=1).toordinal()), "month")
    year = date_fact(float(d.year), "year")
    assert dates_agree(fine, month) == dates_agree(fine, year) == dates_agree(month, year) == "same"
    first, last = date_interval(month)
    assert first <= d <= last and first.month == last.month
