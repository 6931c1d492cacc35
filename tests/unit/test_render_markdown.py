"""render.markdown: prose with [n] citations numbered by source order, then the sections."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from newsweave.clean import clean_article
from newsweave.ingest import read_inputs
from newsweave.model import (
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
from newsweave.render.html import render_html
from newsweave.render.markdown import (
    escape_markdown,
    render_markdown,
    shorten,
    story_title,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "blinken-beijing"


def _span(article, phrase: str) -> Span:
    start = article.text.index(phrase)
    return Span(article.id, start, start + len(phrase))


@pytest.fixture(scope="module")
def articles():
    return [clean_article(a) for a in read_inputs([str(EXAMPLE)]).articles]


def _brief(articles, **changes) -> Brief:
    a = articles
    met = "Blinken has met Chinese President Xi Jinping"
    base = Brief(
        event_date=dt.date(2023, 6, 19),
        sources=tuple(a),
        summary=(
            BriefItem(met, (a[1].id,), (_span(a[1], met),)),
            # Cited out of order on purpose: numbers follow brief.sources, sorted.
            BriefItem("Xi hailed the talks.", (a[2].id, a[0].id), (_span(a[0], "Xi hailed"),)),
        ),
        consensus=(BriefItem("They met in Beijing.", (a[0].id, a[1].id, a[3].id), ()),),
        exclusive=(BriefItem("A 35-minute meeting.", (a[1].id,), (_span(a[1], "35-minute meeting"),)),),
        conflicts=(
            Conflict("length of the talks with Qin | Sunday", (
                ConflictValue("seven and a half hours", 7.5, "hours", (a[0].id, a[4].id), "ev one", ()),
                ConflictValue("six hours", 6.0, "hours", (a[2].id,), "lasted *nearly* six hours", (),
                              qualifier="nearly"),
            )),
            Conflict("meeting with Wang", (
                ConflictValue("about three hours", 3.0, "hours", (a[0].id,), "e", ()),
                ConflictValue("more than three hours", 3.0, "hours", (a[4].id,), "f", ()),
            ), soft=True),
        ),
        quotes=(
            Quote("Xi", (QuoteVariant("This is very good", (a[1].id,), ()),
                         QuoteVariant("this is  very good", (a[0].id,), ()))),
            Quote("Wang", (QuoteVariant("reverse the downward spiral", (a[0].id,), ()),
                           QuoteVariant("halt the downward spiral", (a[4].id,), ())),
                  paraphrased_in=(a[1].id, a[2].id)),
        ),
        timeline=(TimelineEntry("2023-06-19", "16:30", "Xi met Blinken", (a[3].id,), ()),
                  TimelineEntry("2022-11", None, "Bali summit", (a[0].id,), ())),
        entities=(Entity("Antony Blinken", "PERSON", (a[0].id,)), Entity("Beijing", "PLACE", (a[0].id,)),
                  Entity("CCTV", "ORG", (a[1].id,), role="state broadcaster")),
    )
    return dataclasses.replace(base, **changes)


def _section(markdown: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"no section {heading!r}"
    return match.group(1)


def test_summary_sentences_cite_sources_by_their_order(articles) -> None:
    md = render_markdown(_brief(articles))
    assert "Blinken has met Chinese President Xi Jinping [2]" in md
    assert "Xi hailed the talks. [1,3]" in md


def test_title_and_event_date(articles) -> None:
    md = render_markdown(_brief(articles))
    # Only the fourth source has a title in the example.
    assert md.startswith("# Blinken Meets with China’s Xi Jinping in Beijing in Effort to Cool Tensions\n")
    assert "Event date: 2023-06-19" in md
    untitled = [dataclasses.replace(a, title=None) for a in articles]
    brief = _brief(articles, sources=tuple(untitled), event_date=None)
    md = render_markdown(brief)
    assert md.startswith("# Blinken has met Chinese President Xi Jinping\n")
    assert "Event date" not in md


def test_sections_appear_in_order_and_empty_ones_are_left_out(articles) -> None:
    md = render_markdown(_brief(articles))
    headings = re.findall(r"^## (.+)$", md, re.M)
    assert headings == ["Where the sources agree", "Only in one source", "Where they disagree",
                        "Who said what", "Timeline", "People, organisations and places", "Sources"]
    bare = render_markdown(_brief(articles, consensus=(), conflicts=(), quotes=(), timeline=()))
    assert re.findall(r"^## (.+)$", bare, re.M) == ["Only in one source",
                                                    "People, organisations and places", "Sources"]


def test_conflicts_are_tables_with_escaped_pipes_and_soft_marks(articles) -> None:
    section = _section(render_markdown(_brief(articles)), "Where they disagree")
    assert "**length of the talks with Qin \\| Sunday**" in section
    assert "| Value | Sources | Evidence |" in section
    assert "| seven and a half hours | [1,5] | ev one |" in section
    assert "| nearly six hours | [3] | lasted \\*nearly\\* six hours |" in section
    assert "**meeting with Wang** (compatible: qualifier/rounding)" in section
    assert section.count("(compatible") == 1
    for row in (line for line in section.splitlines() if line.startswith("| ")):
        assert len(re.findall(r"(?<!\\)\|", row)) == 4, row  # three cells, no stray pipe


def test_quotes_grouped_by_speaker_with_differing_wording_side_by_side(articles) -> None:
    section = _section(render_markdown(_brief(articles)), "Who said what")
    assert "### Xi" in section and "### Wang" in section
    # Same words (case and spacing aside): one line citing both printings.
    assert "- “This is very good” [1,2]" in section
    assert "| [1] | [5] |" in section
    assert "| “reverse the downward spiral” | “halt the downward spiral” |" in section
    assert "Paraphrased, not quoted, in [2,3]" in section


def test_one_sources_two_renderings_are_listed_not_compared(articles) -> None:
    # Fox, July 2018: a tweet quoted in full and again in part was a "Wording differs" table of [2] | [2].
    quote = Quote("Wyden", (QuoteVariant("a moment of historic cowardice. Call off this summit", (articles[1].id,), ()),
                            QuoteVariant("a moment of historic cowardice.", (articles[1].id,), ())))
    brief = _brief(articles, quotes=(quote,))
    section = _section(render_markdown(brief), "Who said what")
    assert "Wording differs" not in section
    assert "- “a moment of historic cowardice. Call off this summit” [2]" in section
    assert "- “a moment of historic cowardice.” [2]" in section
    page = render_html(brief)
    assert "Wording differs" not in page and page.count("historic cowardice") >= 2


def test_timeline_entities_and_sources(articles) -> None:
    a = list(articles)
    a[4] = dataclasses.replace(a[4], outlet="The Independent", published_inferred=True)
    md = render_markdown(_brief(articles, sources=tuple(a)))
    timeline = _section(md, "Timeline")
    assert "- **2023-06-19 16:30** — Xi met Blinken [4]" in timeline
    assert "- **2022-11** — Bali summit [1]" in timeline
    people = _section(md, "People, organisations and places")
    assert "**People:** Antony Blinken" in people
    assert "**Organisations:** CCTV (state broadcaster)" in people
    assert "**Places:** Beijing" in people
    sources = _section(md, "Sources")
    # A source without a title is named by its opening words, in italics.
    assert "[5] *The US secretary of state Antony Blinken is meeting with China’s…* — The Independent, 2023-06-19 (inferred) — `004_853fa212cfd9642b`" in sources
    assert "[4] Blinken Meets with China’s Xi Jinping" in sources
    assert "[2] *US secretary of state Antony Blinken has met Chinese President Xi…* — unknown outlet, date unknown — `001_2f37103e177fb606`" in sources


def test_escaping_and_shortening() -> None:
    assert escape_markdown("a *b* _c_ [d](e) <f> | #g\nh") == (
        "a \\*b\\* \\_c\\_ \\[d\\](e) \\<f\\> \\| \\#g h"
    )
    long = "word " * 40
    short = shorten(long, 30)
    assert len(short) <= 31 and short.endswith("…") and not short.endswith(" …")
    assert story_title(Brief(event_date=None, sources=())) == "Untitled story"
