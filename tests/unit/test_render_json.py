"""render.json: the newsweave.brief/1 contract (docs/brief-json.md) and its inverse."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from newsweave.clean import clean_article
from newsweave.errors import ConfigError
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
    resolve_span,
)
from newsweave.render.json import brief_from_dict, brief_to_dict, render_json

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "blinken-beijing"


def _articles():
    articles = [clean_article(a) for a in read_inputs([str(EXAMPLE)]).articles]
    # Origin and dateline are ingest details the JSON does not carry.
    return [dataclasses.replace(a, origin="", dateline=None) for a in articles]


def _span(article, phrase: str) -> Span:
    start = article.text.index(phrase)
    return Span(article.id, start, start + len(phrase))


@pytest.fixture(scope="module")
def brief() -> Brief:
    a = _articles()
    a[2] = dataclasses.replace(a[2], published=dt.date(2023, 6, 19), published_inferred=True)
    met = "Blinken has met Chinese President Xi Jinping"
    good = "This is very good"
    return Brief(
        event_date=dt.date(2023, 6, 19),
        sources=tuple(a),
        summary=(BriefItem(met, (a[1].id,), (_span(a[1], met),)),),
        consensus=(BriefItem("first", (a[0].id, a[1].id), (_span(a[0], "Xi"), _span(a[1], "Xi"))),),
        exclusive=(BriefItem("35-minute meeting", (a[1].id,), (_span(a[1], "35-minute meeting"),)),),
        conflicts=(
            Conflict(
                "talks with Qin",
                (
                    ConflictValue("seven and a half hours", 7.5, "hours", (a[4].id,), "ev",
                                  (_span(a[4], "seven and a half hours"),)),
                    ConflictValue("six hours", 6.0, "hours", (a[2].id,), "ev2",
                                  (_span(a[2], "six hours"),), qualifier="nearly"),
                ),
                soft=False,
            ),
        ),
        quotes=(Quote("Xi", (QuoteVariant(good, (a[1].id,), (_span(a[1], good),)),),
                      paraphrased_in=(a[3].id,), channel="CCTV"),),
        timeline=(TimelineEntry("2023-06-19", "16:30", "Xi met Blinken", (a[0].id,), ()),),
        entities=(Entity("Antony Blinken", "PERSON", (a[0].id, a[1].id), aliases=("Blinken",),
                         role="US secretary of state", mentions=9),),
    )


def test_top_level_fields_follow_the_contract(brief: Brief) -> None:
    d = brief_to_dict(brief)
    assert d["schema"] == "newsweave.brief/1"
    assert d["event_date"] == "2023-06-19"
    for key in ("sources", "summary", "consensus", "exclusive", "conflicts", "quotes",
                "timeline", "entities"):
        assert isinstance(d[key], list), key
    assert "id" not in d  # only batch briefs carry one
    assert brief_to_dict(dataclasses.replace(brief, id="cluster-7"))["id"] == "cluster-7"


def test_sources_carry_text_dates_and_removed_lines(brief: Brief) -> None:
    sources = brief_to_dict(brief)["sources"]
    assert [s["id"] for s in sources] == [a.id for a in brief.sources]
    first, third, fifth = sources[0], sources[2], sources[4]
    assert set(first) >= {"id", "title", "outlet", "url", "published", "language", "text", "removed"}
    assert first["published"] is None and first["published_inferred"] is False
    assert third["published"] == "2023-06-19" and third["published_inferred"] is True
    assert fifth["published"] == "2023-06-19"
    assert "Sign up to our free breaking news emails" in " ".join(fifth["removed"])
    assert first["text"] == brief.sources[0].text


def test_items_keep_their_shapes(brief: Brief) -> None:
    d = brief_to_dict(brief)
    assert set(d["summary"][0]) >= {"text", "sources", "spans"}
    exclusive = d["exclusive"][0]
    assert exclusive["source"] == brief.sources[1].id and "sources" not in exclusive
    value = d["conflicts"][0]["values"][1]
    assert value["value"] == 6.0 and value["unit"] == "hours" and value["qualifier"] == "nearly"
    assert set(value) >= {"text", "value", "unit", "sources", "evidence", "spans"}
    quote = d["quotes"][0]
    assert quote["speaker"] == "Xi" and quote["channel"] == "CCTV"
    assert quote["paraphrased_in"] == [brief.sources[3].id]
    assert d["timeline"][0] == {"date": "2023-06-19", "time": "16:30", "text": "Xi met Blinken",
                                "sources": [brief.sources[0].id], "spans": []}
    entity = d["entities"][0]
    assert entity["type"] == "PERSON" and entity["aliases"] == ["Blinken"]


def test_spans_resolve_to_the_item_text_in_the_json(brief: Brief) -> None:
    d = brief_to_dict(brief)
    texts = {s["id"]: s["text"] for s in d["sources"]}
    item = d["summary"][0]
    span = item["spans"][0]
    assert texts[span["source"]][span["start"]:span["end"]] == item["text"]
    variant = d["quotes"][0]["variants"][0]
    span = variant["spans"][0]
    assert texts[span["source"]][span["start"]:span["end"]] == variant["text"]
    for conflict in brief.conflicts:
        for value in conflict.values:
            assert resolve_span(value.spans[0], brief.sources) == value.text


def test_render_json_keeps_non_ascii_and_parses_back(brief: Brief) -> None:
    text = render_json(brief)
    assert "’" in text and "\\u2019" not in text  # curly apostrophes of the sources
    assert json.loads(text) == brief_to_dict(brief)
    assert "\n" not in render_json(brief, indent=None)


def test_round_trip_restores_the_brief(brief: Brief) -> None:
    assert brief_from_dict(brief_to_dict(brief)) == brief
    batch = dataclasses.replace(brief, id="c1", skipped=(("x.pdf", "unknown format"),))
    assert brief_from_dict(json.loads(render_json(batch))) == batch


def test_reading_rejects_other_schemas_and_bad_dates(brief: Brief) -> None:
    d = brief_to_dict(brief)
    with pytest.raises(ConfigError):
        brief_from_dict({**d, "schema": "newsweave.brief/2"})
    with pytest.raises(ConfigError):
        brief_from_dict({**d, "event_date": "19 June 2023"})
    with pytest.raises(ConfigError):
        brief_from_dict({**d, "summary": [{"sources": []}]})  # no text


def test_dates_are_written_as_days(brief: Brief) -> None:
    noon = dt.datetime(2023, 6, 19, 12, 30)
    first = dataclasses.replace(brief.sources[0], published=noon)
    d = brief_to_dict(dataclasses.replace(brief, event_date=noon, sources=(first,)))
    assert d["event_date"] == "2023-06-19" and d["sources"][0]["published"] == "2023-06-19"
