"""The hand-annotated BASIL gold files agree with the articles they annotate.

Not a test of newsweave's output: it checks the annotations themselves, so that a brief
scored against them is scored against facts the texts really carry. For every
``clusters/basil-*.gold.json`` it checks, against the articles read from /work/shared at
run time (skipped when absent):

- the sources are exactly the triplet's outlets, with BASIL's dates as ``published``;
- each conflict value's text occurs in each of its sources;
- each quote key occurs (fuzzily, as the scorer matches it) inside quotation marks in each
  listed source, and (unquoted) in the text of each ``paraphrased_in`` source;
- each consensus item has a sentence holding all its keywords in >= ``min_sources`` outlets;
- each exclusive item has such a sentence in its source and all its keywords together in
  no other outlet's text;
- each timeline item has one of its keywords in each listed source;
- each entity's last name word and each boilerplate string occur in some source.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from newsweave.evaluate.gold import QUOTE_KEY_MIN_RATIO, fold

try:  # tests/ is a package (tests/__init__.py); without it pytest puts this folder on sys.path
    from tests.golden.basil_clusters import BASIL, basil_cluster, source_mismatches, write_cluster_jsonl
except ImportError:  # pragma: no cover - depends on how the test tree is laid out
    from basil_clusters import BASIL, basil_cluster, source_mismatches, write_cluster_jsonl  # type: ignore[no-redef]

CLUSTERS = Path(__file__).resolve().parent / "clusters"
GOLD_FILES = sorted(CLUSTERS.glob("basil-*.gold.json"))

needs_basil = pytest.mark.skipif(not BASIL.exists(), reason=f"BASIL benchmark data absent at {BASIL}")

# Sizes the annotation brief asks for (issue 3/4): enough items to measure, few enough to read.
SECTION_SIZES = {"quotes": (8, 15), "timeline": (4, 8), "consensus": (4, 6), "exclusive": (4, 6), "entities": (6, 10)}

# Title abbreviations after which a full stop does not end a sentence in these texts.
_ABBREVIATIONS = ("mr", "mrs", "ms", "dr", "rep", "sen", "gov", "capt", "st", "u.s", "jr", "gen", "lt", "sgt",
                  "mo", "va", "calif", "conn", "d.c", "a.g", "f.b.i", "f.e.c", "aug", "jan", "feb")
# The whitespace after a sentence's final mark (and any closing quote or bracket).
_SENTENCE_GAP = re.compile(r"(?<=[.!?][\"'\u201d\u2019)])\s+(?=[\"'\u201c\u2018(]*[A-Z0-9])|(?<=[.!?])\s+(?=[\"'\u201c\u2018(]*[A-Z0-9])")


def sentences(text: str) -> list[str]:
    """Split text into sentences: paragraphs first, then at ., ! or ? before a capital.

    Deliberately simple and deterministic; a split after a known abbreviation or an
    initial is undone.
    """
    result: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        pieces = _SENTENCE_GAP.split(paragraph.strip())
        merged: list[str] = []
        for piece in pieces:
            last_word = merged[-1].rsplit(None, 1)[-1].rstrip(".").lower().lstrip("(\"'") if merged else ""
            # A title or a middle initial ("Donald J. Trump") does not end a sentence.
            if merged and (last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha())):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        result.extend(p for p in merged if p)
    return result


def has_all(text: str, keywords: list[str]) -> bool:
    folded = fold(text)
    return all(fold(k) in folded for k in keywords)


def inside_quotation(paragraph: str, position: int) -> bool:
    """True when ``position`` of a (folded) paragraph lies between quotation marks.

    Folding turns curly quotes into straight ones, so an odd number of double quotes
    before the position means it is inside a quotation. News style reopens a quotation
    at every paragraph, so counting within the paragraph is enough.
    """
    return paragraph[:position].count('"') % 2 == 1


def quoted_in(text: str, key: str) -> bool:
    """The key occurs, fuzzily as the scorer matches it, inside quotation marks of ``text``."""
    folded_key = fold(key)
    for paragraph in re.split(r"\n+", text):
        # An excerpt that opens on a quotation ('""We have ...') nests two marks: count them once.
        folded = re.sub(r'"{2,}', '"', fold(paragraph))
        if len(folded) < len(folded_key):
            continue
        alignment = fuzz.partial_ratio_alignment(folded_key, folded)
        if alignment is not None and alignment.score >= QUOTE_KEY_MIN_RATIO:
            middle = (alignment.dest_start + alignment.dest_end) // 2
            if inside_quotation(folded, middle):
                return True
    return False


def fuzzily_in(text: str, key: str) -> bool:
    return fuzz.partial_ratio(fold(key), fold(text)) >= QUOTE_KEY_MIN_RATIO


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def texts_of(gold: dict) -> dict[str, str]:
    return {article["id"]: article["text"] for article in basil_cluster(gold["triplet_uuid"])}


# --- the helper module ------------------------------------------------------------------


def test_gold_files_exist() -> None:
    assert len(GOLD_FILES) >= 3


@needs_basil
def test_basil_cluster_gives_three_outlets_with_lower_case_ids() -> None:
    for path in GOLD_FILES:
        articles = basil_cluster(load(path)["triplet_uuid"])
        assert [a["id"] for a in articles] == ["nyt", "fox", "hpo"]
        assert all(a["text"].strip() and a["published"] for a in articles)


@needs_basil
def test_unknown_triplet_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="no BASIL article"):
        basil_cluster("not-a-triplet")


@needs_basil
def test_written_cluster_is_ingested_unchanged(tmp_path: Path) -> None:
    from newsweave.ingest import read_inputs

    gold = load(GOLD_FILES[0])
    path = write_cluster_jsonl(gold["triplet_uuid"], tmp_path / "cluster.jsonl")
    result = read_inputs([str(path)])
    assert not result.rejected
    by_id = {a.id: a for a in result.articles}
    assert set(by_id) == set(gold["sources"])
    for article in basil_cluster(gold["triplet_uuid"]):
        ingested = by_id[article["id"]]
        assert ingested.text == article["text"]
        assert ingested.published.isoformat() == article["published"]


# --- the gold files against the texts ----------------------------------------------------


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_file_shape(path: Path) -> None:
    gold = load(path)
    assert gold["cluster"] == path.name.removesuffix(".gold.json")
    assert gold["triplet_uuid"] in gold["about"]
    for section, (low, high) in SECTION_SIZES.items():
        assert low <= len(gold[section]) <= high, section
    for section in ("conflicts", "quotes", "timeline", "consensus", "exclusive"):
        section_ids = [item["id"] for item in gold[section]]
        assert len(section_ids) == len(set(section_ids)), section
    for entry in gold["timeline"]:
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", entry["date"]), entry
    for entity in gold["entities"]:
        assert entity["type"] in {"PERSON", "ORG", "PLACE"}


@needs_basil
@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_sources_and_dates(path: Path) -> None:
    assert source_mismatches(load(path)) == []


@needs_basil
@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_conflict_values_occur_in_their_sources(path: Path) -> None:
    gold = load(path)
    texts = texts_of(gold)
    for conflict in gold["conflicts"]:
        assert len(conflict["values"]) >= 2
        for value in conflict["values"]:
            for source in value["sources"]:
                assert any(fold(part) in fold(texts[source]) for part in value["text"].split(" / ")), (
                    conflict["id"], value["text"], source)
                assert any(fold(k) in fold(texts[source]) for k in conflict["keywords"]), (conflict["id"], source)


@needs_basil
@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_quote_keys_are_quoted_in_their_sources(path: Path) -> None:
    gold = load(path)
    texts = texts_of(gold)
    for quote in gold["quotes"]:
        assert 3 <= len(quote["key"].split()) <= 8, quote["id"]
        for source in quote["sources"]:
            assert quoted_in(texts[source], quote["key"]), (quote["id"], source)
        for source in quote.get("paraphrased_in", ()):
            # In these files paraphrased_in marks the statement's words printed without quotation marks.
            assert fuzzily_in(texts[source], quote["key"]), (quote["id"], source)


@needs_basil
@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_consensus_items_are_carried_by_enough_outlets(path: Path) -> None:
    gold = load(path)
    texts = texts_of(gold)
    for item in gold["consensus"]:
        carriers = [s for s, text in texts.items() if any(has_all(x, item["keywords"]) for x in sentences(text))]
        assert len(carriers) >= item["min_sources"], (item["id"], carriers)


@needs_basil
@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_exclusive_items_belong_to_one_outlet(path: Path) -> None:
    gold = load(path)
    texts = texts_of(gold)
    for item in gold["exclusive"]:
        own = texts[item["source"]]
        assert any(has_all(x, item["keywords"]) for x in sentences(own)), item["id"]
        others = [s for s, text in texts.items() if s != item["source"] and has_all(text, item["keywords"])]
        assert not others, (item["id"], others)


@needs_basil
@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_timeline_keywords_entities_and_boilerplate_occur(path: Path) -> None:
    gold = load(path)
    texts = texts_of(gold)
    for entry in gold["timeline"]:
        for source in entry["sources"]:
            assert any(fold(k) in fold(texts[source]) for k in entry["keywords"]), (entry["id"], source)
    everything = fold("\n".join(texts.values()))
    for entity in gold["entities"]:
        assert fold(entity["name"]).split()[-1] in everything, entity["name"]
    for string in gold["boilerplate"]:
        assert fold(string) in everything, string


def test_quoted_in_needs_quotation_marks() -> None:
    assert quoted_in('He said \u201chello there my old friend\u201d today.', "hello there my old friend")
    assert quoted_in('He said "hello there my old friend" today.', "hello there my old freind")
    assert not quoted_in("He said hello there my old friend today.", "hello there my old friend")
    assert not quoted_in('"Yes," he said, hello there my old friend.', "hello there my old friend")


def test_sentence_split_keeps_titles_with_names() -> None:
    text = 'Mr. Hunter, 41, was indicted. Rep. Duncan Hunter (R-Calif.) said "No." Then Donald J. Trump left.'
    assert sentences(text) == ["Mr. Hunter, 41, was indicted.", 'Rep. Duncan Hunter (R-Calif.) said "No."',
                               "Then Donald J. Trump left."]
