"""Entities: alias merging, type resolution, roles, and the alias index.

Two kinds of test: hand-built mentions (no spaCy; the merging rules alone, deterministic)
and real sentences parsed by the pinned spaCy model (the stage as the pipeline runs it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.entities import alias_index, find_entities, fold_name, strip_honorifics
from newsweave.model import Article, Mention, Span
from newsweave.nlp import ParsedArticle, parse_articles

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "blinken-beijing"


def _mentions(source: str, items: list[tuple[str, str]]) -> ParsedArticle:
    """A parse with only the given (text, label) mentions, laid out in a fake text."""
    text = " ; ".join(t for t, _ in items)
    mentions, at = [], 0
    for surface, label in items:
        mentions.append(Mention(surface, label, Span(source, at, at + len(surface))))
        at += len(surface) + 3
    return ParsedArticle(Article(id=source, text=text), (), tuple(mentions), (), None)


def _by_name(entities):
    return {e.name: e for e in entities}


def test_fold_name_folds_country_aliases_and_punctuation():
    assert fold_name("U.S.") == fold_name("US") == fold_name("America") == "united states"
    assert fold_name("the United States’") == "united states"
    assert fold_name("Beijing's") == "beijing"


@pytest.mark.parametrize(
    "printed, name",
    [
        ("Mr Xi", "Xi"),
        ("Mr. Steele", "Steele"),
        ("President Xi Jinping", "Xi Jinping"),
        ("Secretary of State Antony Blinken", "Antony Blinken"),
        ("Foreign Minister Qin Gang", "Qin Gang"),
        ("Historian Alan Brinkley", "Alan Brinkley"),
        ("Christian Bale", "Christian Bale"),
        ("Dr", "Dr"),  # a bare title stays as printed rather than vanishing
    ],
)
def test_strip_honorifics(printed, name):
    assert strip_honorifics(printed) == name


def test_surname_joins_full_name_across_sources_even_when_mislabelled():
    parsed = [
        _mentions("a", [("Antony Blinken", "PERSON"), ("Blinken", "GPE"), ("Xi Jinping", "PERSON"), ("Xi", "ORG")]),
        _mentions("b", [("Mr Blinken", "PERSON"), ("Xi", "PERSON"), ("Xi", "GPE"), ("Wang", "ORG")]),
        _mentions("c", [("Blinken", "PERSON"), ("Wang Yi", "PERSON")]),
    ]
    entities = _by_name(find_entities(parsed))
    blinken = entities["Antony Blinken"]
    assert blinken.type == "PERSON"
    assert blinken.sources == ("a", "b", "c")
    assert blinken.mentions == 4
    # "Xi Jinping" is family name first: the one-word "Xi" joins the name starting with it.
    assert entities["Xi Jinping"].type == "PERSON" and entities["Xi Jinping"].sources == ("a", "b")
    assert entities["Wang Yi"].sources == ("b", "c")
    assert "Xi" not in entities and "Wang" not in entities


def test_place_words_and_country_aliases_merge_without_swallowing_people():
    parsed = [
        _mentions("a", [("U.S.", "GPE"), ("the United States", "GPE"), ("Washington", "GPE")]),
        _mentions("b", [("America", "GPE"), ("US", "GPE"), ("the Great Hall of the People in Beijing's", "FAC")]),
        _mentions("c", [("the Great Hall of the People", "FAC"), ("George Washington", "PERSON")]),
    ]
    entities = _by_name(find_entities(parsed))
    assert entities["United States"].type == "PLACE"
    assert entities["United States"].sources == ("a", "b")
    assert entities["United States"].mentions == 4
    assert entities["Great Hall of the People"].sources == ("b", "c")
    # "Washington" read only as a place stays a place.
    assert entities["Washington"].type == "PLACE"
    assert entities["George Washington"].sources == ("c",)


def test_compatible_first_names_merge_and_longest_form_is_canonical():
    parsed = [
        _mentions("a", [("Matt Miller", "PERSON")]),
        _mentions("b", [("Matthew Miller", "PERSON"), ("Miller", "PERSON")]),
        _mentions("c", [("DeMint", "ORG"), ("Jim DeMint", "PERSON")]),
    ]
    entities = _by_name(find_entities(parsed))
    assert entities["Matthew Miller"].sources == ("a", "b")
    assert set(entities["Matthew Miller"].aliases) >= {"Matt Miller", "Miller"}
    assert entities["Jim DeMint"].mentions == 2


def test_ordering_by_sources_then_mentions():
    parsed = [
        _mentions("a", [("Beijing", "GPE"), ("Beijing", "GPE"), ("Beijing", "GPE"), ("Taiwan", "GPE")]),
        _mentions("b", [("Taiwan", "GPE")]),
    ]
    assert [e.name for e in find_entities(parsed)] == ["Taiwan", "Beijing"]


@pytest.fixture(scope="module")
def parsed_sentences():
    texts = {
        "a": "U.S. Secretary of State Antony Blinken met Chinese President Xi Jinping in the Great Hall "
        "of the People in Beijing on Monday. Blinken earlier met Chinese Foreign Minister Qin Gang.",
        "b": "Mr Blinken met China’s top diplomat Wang Yi. Mr Xi said the two sides had made progress. "
        "The secretary said the talks were candid.",
        "c": "Blinken previously met with Wang Yi, China’s top diplomat, and Qin Gang in the United States.",
    }
    return parse_articles([Article(id=k, text=v) for k, v in texts.items()])


def test_real_sentences_merge_aliases_and_read_roles(parsed_sentences):
    entities = _by_name(find_entities(parsed_sentences))
    blinken = entities["Antony Blinken"]
    assert blinken.sources == ("a", "b", "c")
    assert blinken.role == "Secretary of State"
    assert entities["Qin Gang"].role == "Foreign Minister"
    assert entities["Wang Yi"].role == "top diplomat"
    assert entities["Xi Jinping"].type == "PERSON" and entities["Xi Jinping"].sources == ("a", "b")
    assert "Great Hall of the People" in entities and entities["Great Hall of the People"].type == "PLACE"


def test_alias_index_maps_surnames_honorifics_and_unique_roles(parsed_sentences):
    entities = find_entities(parsed_sentences)
    index = alias_index(entities)
    assert index["mr xi"].name == "Xi Jinping"
    assert index["xi"].name == "Xi Jinping"
    assert index["blinken"].name == "Antony Blinken"
    assert index["the secretary"].name == "Antony Blinken"
    assert index["the foreign minister"].name == "Qin Gang"
    assert index["the chinese president"].name == "Xi Jinping"


def test_alias_index_drops_roles_shared_by_two_people():
    parsed = parse_articles(
        [
            Article(id="a", text="President Joe Biden spoke to Chinese President Xi Jinping by phone on Tuesday."),
        ]
    )
    index = alias_index(find_entities(parsed))
    assert "the president" not in index  # two presidents: the role names nobody for sure
    assert index["the chinese president"].name == "Xi Jinping"


@pytest.mark.skipif(not EXAMPLE.exists(), reason="example cluster not present")
def test_seed_cluster_gold_entities_found():
    import json

    from newsweave.clean import clean_article
    from newsweave.ingest import read_inputs

    articles = [clean_article(a) for a in read_inputs([str(EXAMPLE)]).articles]
    entities = find_entities(parse_articles(articles))
    gold = json.loads((EXAMPLE.parent / "blinken-beijing.gold.json").read_text())["entities"]
    for item in gold:
        last = item["name"].split()[-1].lower()
        assert any(last in e.name.lower() and e.type == item["type"] for e in entities), item
    # The people of the story rank above passing mentions.
    top = [e.name for e in entities[:6]]
    assert "Antony Blinken" in top and "Xi Jinping" in top


def test_outlet_after_a_medium_noun_is_not_a_person():
    # spaCy's small model reads "Xinhua" as a PERSON here.
    text = "Blinken’s meeting with Xi got underway shortly after 4:30 p.m. local time, Chinese state media Xinhua reported."
    entities = _by_name(find_entities(parse_articles([Article(id="a", text=text)])))
    assert entities["Xinhua"].type == "ORG"


def test_nicknames_merge_but_a_junior_is_another_person():
    parsed = [
        _mentions("nyt", [("Robert P. McCulloch", "PERSON"), ("Donald J. Trump", "PERSON"), ("Trump", "PERSON")]),
        _mentions("fox", [("Bob McCulloch", "PERSON"), ("Donald Trump Jr.", "PERSON"), ("Trump", "PERSON")]),
    ]
    entities = _by_name(find_entities(parsed))
    assert entities["Robert P. McCulloch"].sources == ("nyt", "fox")
    assert entities["Donald J. Trump"].mentions == 3  # "Trump" joins the father, never "Jr."
    assert entities["Donald Trump Jr."].mentions == 1


def test_a_town_that_opens_institution_names_is_a_place():
    # spaCy reads "Ferguson" as ORG more often than GPE in the BASIL Ferguson articles.
    parsed = [
        _mentions("nyt", [("Ferguson", "ORG"), ("Ferguson", "ORG"), ("Ferguson Police Department", "ORG")]),
        _mentions("hpo", [("Ferguson", "GPE")]),
    ]
    assert _by_name(find_entities(parsed))["Ferguson"].type == "PLACE"


def test_a_title_of_something_else_is_not_the_persons_role():
    text = "John Podesta, the chairman of the Clinton campaign, said Hillary Clinton would win."
    entities = _by_name(find_entities(parse_articles([Article(id="a", text=text)])))
    assert entities["Hillary Clinton"].role is None


def test_a_surname_several_people_share_joins_the_one_printed_with_its_role():
    text = (
        "Sasha Obama wore a maroon dress, and Sasha Obama looked bored. Malia Obama wore boots. "
        "President Barack Obama pardoned a turkey. President Obama compared it to an amnesty."
    )
    entities = _by_name(find_entities(parse_articles([Article(id="a", text=text)])))
    assert "Obama" in entities["Barack Obama"].aliases
    assert "Obama" not in entities["Sasha Obama"].aliases


def test_a_platform_read_as_a_person_is_an_organisation():
    text = "Lauten, who describes herself on Twitter as loving cats, wrote on Facebook that she was sorry."
    entities = _by_name(find_entities(parse_articles([Article(id="a", text=text)])))
    assert all(entities[name].type == "ORG" for name in ("Twitter", "Facebook") if name in entities)
    assert "Twitter" in entities or "Facebook" in entities

