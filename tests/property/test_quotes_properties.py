"""Properties of quotation finding: never raises, and every span resolves to its text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsweave.entities import find_entities
from newsweave.model import Article, resolve_span
from newsweave.nlp import parse_articles
from newsweave.quotes import QUOTE_MARKS, find_quotes, quote_spans

FRAGMENTS = [
    "Mr Xi said",
    "he said.",
    "Antony Blinken",
    "the reading said",
    "according to CCTV",
    "Wang Yi, China’s top diplomat,",
    "We must reverse the downward spiral",
    "of China-US relations",
    "is heard to say:",
    "stabilising",
    "stabilizing",
    "‘bottom line’",
    "It is necessary to make a choice",
    "and",
    ".",
    ",",
    '"',
    "\u201c",
    "\u201d",
    "\n\n",
    "\n",
    " ",
    "'",
    "\u2019",
]

texts = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map(lambda parts: " ".join(parts))


@given(st.text(alphabet=st.sampled_from(list("ab .,:\n'\u2019") + sorted(QUOTE_MARKS)), max_size=200))
@settings(max_examples=400, deadline=None)
def test_quote_spans_are_ordered_trimmed_and_inside_the_text(text):
    spans = quote_spans(text)
    last_end = -1
    for q in spans:
        assert 0 <= q.opened < q.start < q.end <= len(text)
        assert text[q.opened] in QUOTE_MARKS
        inner = text[q.start : q.end]
        assert inner == inner.strip() and any(ch.isalpha() for ch in inner)
        assert q.opened >= last_end
        last_end = q.end


@given(st.lists(texts, min_size=1, max_size=3))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_variant_span_resolves_to_the_variant_text(bodies):
    articles = [Article(id=f"s{i}", text=body) for i, body in enumerate(bodies)]
    parsed = parse_articles(articles)
    quotes = find_quotes(parsed, find_entities(parsed))
    ids = {a.id for a in articles}
    for quote in quotes:
        assert quote.variants
        for variant in quote.variants:
            assert variant.spans and set(variant.sources) <= ids
            for span in variant.spans:
                assert resolve_span(span, articles) == variant.text
        assert set(quote.paraphrased_in) <= ids
