"""render.html: one self-contained page, escaped text, spans as <mark>s that scripts can toggle."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsweave.clean import clean_article
from newsweave.ingest import read_inputs
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
from newsweave.render.html import Segment, render_html, split_at_spans

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "blinken-beijing"
VOID = {"meta", "br", "hr", "img", "input", "link", "wbr"}


class _TagChecker(HTMLParser):
    """Records tag balance problems and every <mark>'s items and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.marks: list[tuple[str, str]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "mark":
            self.marks.append((dict(attrs)["data-items"] or "", ""))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "mark":
            items, text = self.marks[-1]
            self.marks[-1] = (items, text + data)


def _parse(page: str) -> _TagChecker:
    checker = _TagChecker()
    checker.feed(page)
    checker.close()
    return checker


def _span(article: Article, phrase: str) -> Span:
    start = article.text.index(phrase)
    return Span(article.id, start, start + len(phrase))


@pytest.fixture(scope="module")
def brief() -> Brief:
    a = [clean_article(x) for x in read_inputs([str(EXAMPLE)]).articles]
    met = "Blinken has met Chinese President Xi Jinping"
    good = "This is very good"
    return Brief(
        event_date=dt.date(2023, 6, 19),
        sources=tuple(a),
        summary=(BriefItem(met, (a[1].id,), (_span(a[1], met),)),),
        # Overlaps the summary span: the page must cut at both boundaries.
        consensus=(BriefItem("Xi Jinping", (a[1].id,), (_span(a[1], "President Xi Jinping as the top"),)),),
        exclusive=(BriefItem("35-minute meeting", (a[1].id,), (_span(a[1], "35-minute meeting"),)),),
        conflicts=(Conflict("talks with Qin", (
            ConflictValue("seven and a half hours", 7.5, "hours", (a[4].id,), "ev",
                          (_span(a[4], "seven and a half hours"),)),
            ConflictValue("six hours", 6.0, "hours", (a[2].id,), "ev2", (_span(a[2], "six hours"),)),
        ), soft=True),),
        quotes=(Quote("Xi", (QuoteVariant(good, (a[1].id,), (_span(a[1], good),)),)),),
        timeline=(TimelineEntry("2023-06-19", "16:30", "Xi met Blinken", (a[1].id,), (_span(a[1], met),)),),
        entities=(Entity("Antony Blinken", "PERSON", (a[0].id,)),),
    )


def test_split_at_spans_cuts_at_every_boundary_and_keeps_overlaps() -> None:
    text = "abcdefghij"
    segments = split_at_spans(text, [(2, 6, "x"), (4, 8, "y"), (4, 6, "z")])
    assert segments == (
        Segment("ab", ()), Segment("cd", ("x",)), Segment("ef", ("x", "y", "z")),
        Segment("gh", ("y",)), Segment("ij", ()),
    )
    assert "".join(s.text for s in segments) == text


def test_split_at_spans_ignores_spans_that_do_not_fit() -> None:
    segments = split_at_spans("abc", [(2, 9, "x"), (-1, 1, "y"), (2, 2, "z"), (1, 2, "w")])
    assert segments == (Segment("a", ()), Segment("b", ("w",)), Segment("c", ()))
    assert split_at_spans("", []) == ()


def test_page_is_self_contained_and_well_formed(brief: Brief) -> None:
    page = render_html(brief)
    assert page.startswith("<!DOCTYPE html>")
    checker = _parse(page)
    assert checker.problems == [] and checker.stack == []
    for tag, attrs in checker.tags:
        assert tag not in {"link", "img", "iframe"}, tag
        assert "src" not in attrs, (tag, attrs)
    assert "@import" not in page and "url(" not in page
    assert page.count("<script") == 1 and page.count("<style") == 1


def test_every_section_is_present(brief: Brief) -> None:
    page = render_html(brief)
    for heading in ("Where the sources agree", "Only in one source", "Where they disagree",
                    "Who said what", "Timeline", "People, organisations and places", "Sources"):
        assert f">{heading}</h2>" in page
    assert "(compatible: qualifier/rounding)" in page
    assert "2023-06-19 16:30" in page
    empty = render_html(dataclasses.replace(brief, conflicts=(), quotes=()))
    assert "Where they disagree" not in empty and "Who said what" not in empty


def test_marks_cover_exactly_the_cited_passages(brief: Brief) -> None:
    page = render_html(brief)
    marks = _parse(page).marks
    by_item: dict[str, str] = {}
    for items, text in marks:
        for item in items.split():
            by_item[item] = by_item.get(item, "") + text
    # Items are numbered in page order: summary, consensus, exclusive, conflict values, ...
    assert by_item["it-0"] == "Blinken has met Chinese President Xi Jinping"
    assert by_item["it-1"] == "President Xi Jinping as the top"
    assert by_item["it-2"] == "35-minute meeting"
    assert by_item["it-3"] == "seven and a half hours"
    assert by_item["it-5"] == "This is very good"
    assert by_item["it-6"] == by_item["it-0"]  # timeline entry shares the summary's span
    overlap = [items for items, text in marks if text == "President Xi Jinping"]
    assert overlap and set(overlap[0].split()) == {"it-0", "it-1", "it-6"}
    # Each cited item is clickable and its citation points at its source's panel.
    assert 'data-item="it-0"' in page
    assert re.search(r'<a class="cite" href="#src-2" data-item="it-0" data-source="src-2">2</a>', page)
    assert 'id="src-2"' in page


def test_source_texts_are_whole_and_removed_lines_are_collapsed(brief: Brief) -> None:
    page = render_html(brief)
    for article in brief.sources:
        block = re.search(rf'<code>{article.id}</code></p>\s*<div class="text">(.*?)</div>', page, re.S)
        assert block, article.id
        assert html.unescape(re.sub(r"</?mark[^>]*>", "", block.group(1))) == article.text
    assert "<details><summary>Removed as boilerplate" in page
    assert "Sign up to our free breaking news emails" in page.split("<details>", 1)[1]


def test_everything_from_sources_is_escaped() -> None:
    hostile = '<script>alert(1)</script> "&<>'
    article = Article(id="x1", text=f"Before {hostile} after.", title=hostile, outlet=hostile,
                      url="javascript:alert(2)", removed=(hostile,))
    span = Span("x1", 7, 7 + len(hostile))
    brief = Brief(
        event_date=None,
        sources=(article,),
        summary=(BriefItem(hostile, ("x1",), (span,)),),
        conflicts=(Conflict(hostile, (ConflictValue(hostile, None, None, ("x1",), hostile, (span,)),
                                      ConflictValue("b", None, None, ("x1",), "c", ()))),),
        quotes=(Quote(hostile, (QuoteVariant(hostile, ("x1",), (span,)),), channel=hostile),),
        timeline=(TimelineEntry("2023", None, hostile, ("x1",), (span,)),),
        entities=(Entity(hostile, "OTHER", ("x1",), role=hostile),),
    )
    page = render_html(brief)
    assert "<script>alert" not in page
    assert page.count("<script") == 1  # ours
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&amp;&lt;&gt;" in page or "&quot;&amp;&lt;&gt;" in page
    assert 'href="javascript:' not in page
    assert _parse(page).problems == []
