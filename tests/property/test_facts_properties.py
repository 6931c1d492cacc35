"""Properties of newsweave.facts: never raises on any text, every span resolves to its words."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsweave.facts import find_facts, parse_number
from newsweave.model import Article, resolve_span
from newsweave.nlp import load_nlp, parse_articles

# Pieces that exercise the value grammar: number words, units, hedges, currency signs.
PIECES = st.sampled_from(
    [
        "seven", "and", "a", "half", "hours", "-", "hour", "35-minute", "nearly", "more than", "$", "43,000",
        "e75m", "£2bn", "4:30", "p.m.", "a.m. ET", "%", "percent", "42-year-old", "dozen", "twenty-three",
        "million", "years", "in", "talks", "lasted", "Mr Blinken", "met", "Qin Gang", "for", ".", ",", "\n\n",
        "Those", "the", "two", "sides", "2023", "up to", "some", "over", "ago", "days", "meeting",
        "on April 30", "last year", "in mid-May", "from 1966 to 1978", "Sunday", "earlier this month", "1776",
    ]
)
NEWSY = st.lists(PIECES, max_size=25).map(" ".join)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_facts(text: str) -> None:
    article = Article(id="s", text=text)
    parsed = parse_articles([article], nlp=load_nlp())
    for fact in find_facts(parsed):
        assert resolve_span(fact.span, [article]) == fact.text
        sentence = resolve_span(fact.sentence, [article])
        assert fact.sentence.start <= fact.span.start < fact.span.end <= fact.sentence.end
        assert sentence
        assert fact.value is not None or fact.kind == "date"  # only a date may lack a number
        assert fact.about_terms == tuple(dict.fromkeys(fact.about_terms))


@SETTINGS
@given(st.text(max_size=200))
def test_find_facts_never_raises_on_any_text(text: str) -> None:
    check_facts(text)


@SETTINGS
@given(NEWSY)
def test_facts_spans_resolve_on_newsy_text(text: str) -> None:
    check_facts(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_parse_number_never_raises(text: str) -> None:
    value = parse_number(text)
    assert value is None or value >= 0


ANCHORS = st.sampled_from([dt.date(2023, 6, 19), dt.date(1800, 1, 1), dt.date(2099, 12, 31), None])


@SETTINGS
@given(st.lists(NEWSY, min_size=2, max_size=3), ANCHORS)
def test_conflicts_and_timeline_spans_resolve(texts: list[str], anchor) -> None:
    from newsweave.conflicts import find_conflicts
    from newsweave.timeline import build_timeline

    articles = [Article(id=f"s{i}", text=text, published=anchor) for i, text in enumerate(texts)]
    parsed = parse_articles(articles, nlp=load_nlp())
    for conflict in find_conflicts(find_facts(parsed), parsed):
        assert len(conflict.values) >= 2
        for value in conflict.values:
            assert value.sources and value.spans
            assert {span.source for span in value.spans} <= set(value.sources)
            for span in value.spans:
                resolve_span(span, articles)
    for entry in build_timeline(parsed, {a.id: anchor for a in articles}, anchor):
        assert resolve_span(entry.spans[0], articles).strip() == entry.text.strip()
        assert len(entry.date) in (4, 7, 10)


def test_an_age_of_a_name_the_parser_ran_together_lists_each_word_once() -> None:
    check_facts("42-year-old Qin Gang Qin Gang")  # found by the property above: ("age", "qin", "gang", "qin", "gang")

