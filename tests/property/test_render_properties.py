"""Properties of rendering: JSON round-trips, HTML escapes and keeps every source text whole."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsweave.model import (
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
from newsweave.render.html import render_html, split_at_spans
from newsweave.render.json import brief_from_dict, brief_to_dict, render_json
from newsweave.render.markdown import render_markdown

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
OPTIONAL_TEXT = st.none() | TEXT


@st.composite
def articles(draw) -> tuple[Article, ...]:
    ids = draw(st.lists(st.text("abcdef0123_-", min_size=1, max_size=8), min_size=1, max_size=4, unique=True))
    return tuple(
        Article(
            id=source_id,
            text=draw(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80)),
            title=draw(OPTIONAL_TEXT),
            url=draw(OPTIONAL_TEXT),
            outlet=draw(OPTIONAL_TEXT),
            published=draw(st.none() | st.dates()),
            published_inferred=draw(st.booleans()),
            language=draw(st.sampled_from([None, "en", "fr"])),
            removed=tuple(draw(st.lists(TEXT, max_size=2))),
        )
        for source_id in ids
    )


def _spans(draw, sources: tuple[Article, ...]) -> tuple[Span, ...]:
    spans = []
    for _ in range(draw(st.integers(0, 2))):
        article = draw(st.sampled_from(sources))
        start = draw(st.integers(0, len(article.text) - 1))
        end = draw(st.integers(start + 1, len(article.text)))
        spans.append(Span(article.id, start, end))
    return tuple(spans)


def _ids(draw, sources, min_size=0) -> tuple[str, ...]:
    return tuple(draw(st.lists(st.sampled_from([a.id for a in sources]), min_size=min_size,
                               max_size=3, unique=True)))


@st.composite
def briefs(draw) -> Brief:
    sources = draw(articles())

    def item(single: bool = False) -> BriefItem:
        ids = (draw(st.sampled_from([a.id for a in sources])),) if single else _ids(draw, sources)
        return BriefItem(draw(TEXT), ids, _spans(draw, sources))

    def value() -> ConflictValue:
        return ConflictValue(
            draw(TEXT), draw(st.none() | st.floats(allow_nan=False, allow_infinity=False)),
            draw(st.sampled_from([None, "hours", "usd", "count"])), _ids(draw, sources),
            draw(TEXT), _spans(draw, sources), draw(st.sampled_from([None, "nearly", "more than"])),
        )

    def many(make, n=2):
        return tuple(make() for _ in range(draw(st.integers(0, n))))

    return Brief(
        event_date=draw(st.none() | st.dates()),
        sources=sources,
        summary=many(item),
        consensus=many(item),
        exclusive=many(lambda: item(single=True)),
        conflicts=many(lambda: Conflict(draw(TEXT), many(value, 3), draw(st.sampled_from(["value", "attribution"])),
                                        draw(st.booleans()))),
        quotes=many(lambda: Quote(draw(OPTIONAL_TEXT), many(lambda: QuoteVariant(draw(TEXT), _ids(draw, sources),
                                                                                _spans(draw, sources)), 3),
                                  _ids(draw, sources), draw(OPTIONAL_TEXT))),
        timeline=many(lambda: TimelineEntry(draw(st.sampled_from(["2023", "2023-06", "2023-06-19"])),
                                            draw(st.sampled_from([None, "16:30"])), draw(TEXT),
                                            _ids(draw, sources), _spans(draw, sources))),
        entities=many(lambda: Entity(draw(TEXT), draw(st.sampled_from(["PERSON", "ORG", "PLACE", "OTHER"])),
                                     _ids(draw, sources), tuple(draw(st.lists(TEXT, max_size=2))),
                                     draw(OPTIONAL_TEXT), draw(st.integers(0, 50)))),
        id=draw(OPTIONAL_TEXT),
        skipped=tuple(draw(st.lists(st.tuples(TEXT, TEXT), max_size=2))),
    )


@SETTINGS
@given(briefs())
def test_json_round_trip_preserves_the_brief(brief: Brief) -> None:
    assert brief_from_dict(json.loads(render_json(brief))) == brief
    assert brief_from_dict(brief_to_dict(brief)) == brief


@SETTINGS
@given(briefs())
def test_json_spans_resolve_into_their_source_text(brief: Brief) -> None:
    d = brief_to_dict(brief)
    texts = {s["id"]: s["text"] for s in d["sources"]}
    lists = [*d["summary"], *d["consensus"], *d["exclusive"], *d["timeline"],
             *(v for c in d["conflicts"] for v in c["values"]),
             *(v for q in d["quotes"] for v in q["variants"])]
    for item in lists:
        for span in item["spans"]:
            assert 0 <= span["start"] < span["end"] <= len(texts[span["source"]])


class _Balance(HTMLParser):
    VOID = {"meta", "br", "hr", "img", "input", "link", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        self.ok = self.ok and bool(self.stack) and self.stack.pop() == tag


@SETTINGS
@given(briefs())
def test_html_escapes_everything_and_keeps_each_source_text_whole(brief: Brief) -> None:
    page = render_html(brief)
    assert page.count("<script") == 1 and page.count("</script>") == 1
    checker = _Balance()
    checker.feed(page)
    assert checker.ok and not checker.stack
    for n, article in enumerate(brief.sources, start=1):
        block = re.search(rf'<article class="source" id="src-{n}">.*?<div class="text">(.*?)</div>',
                          page, re.S)
        assert block is not None
        assert unescape(re.sub(r"</?mark[^>]*>", "", block.group(1))) == article.text


@SETTINGS
@given(st.text(max_size=40), st.lists(st.tuples(st.integers(-3, 45), st.integers(-3, 45)), max_size=6))
def test_split_at_spans_partitions_the_text(text: str, bounds) -> None:
    marks = [(s, e, f"it-{i}") for i, (s, e) in enumerate(bounds)]
    segments = split_at_spans(text, marks)
    assert "".join(s.text for s in segments) == text
    assert all(s.text for s in segments)
    offset = 0
    for segment in segments:
        end = offset + len(segment.text)
        expected = [i for s, e, i in marks if 0 <= s < e <= len(text) and s <= offset and end <= e]
        assert list(segment.items) == expected
        offset = end


@SETTINGS
@given(briefs())
def test_markdown_lists_every_source_once_in_order(brief: Brief) -> None:
    md = render_markdown(brief)
    listed = re.findall(r"^\[(\d+)\] .* — `([^`]*)` {0,2}$", md, re.M)
    assert listed == [(str(n), a.id) for n, a in enumerate(brief.sources, start=1)]
