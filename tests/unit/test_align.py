"""Consensus and exclusive alignment on small real-sentence stories."""

from __future__ import annotations

import pytest

from newsweave.align import AlignConfig, find_consensus, find_exclusive
from newsweave.errors import ConfigError
from newsweave.model import Article
from newsweave.nlp import parse_articles
from newsweave.similarity import build_index

A = (
    "An earthquake of magnitude 6.1 struck the coast of northern Chile on Tuesday, officials said. "
    "At least 12 people were killed when buildings collapsed in the port city of Iquique. "
    "The president declared a state of emergency in the region."
)
B = (
    "A magnitude 6.1 earthquake hit northern Chile's coast on Tuesday. "
    "Collapsed buildings killed at least 12 people in Iquique, a port city, rescuers said. "
    "Mining company Codelco said its copper mines were undamaged."
)
C = (
    "Chile's president declared a state of emergency in the north after Tuesday's earthquake. "
    "The quake, of magnitude 6.1, was felt as far away as La Paz in Bolivia."
)


@pytest.fixture(scope="module")
def story():
    parsed = parse_articles([Article(id="a", text=A), Article(id="b", text=B), Article(id="c", text=C)])
    return parsed, build_index(parsed)


def test_consensus_groups_the_same_fact_across_sources(story) -> None:
    parsed, index = story
    items = find_consensus(parsed, index)
    texts = [i.text for i in items]
    killed = next(i for i in items if "12 people" in i.text)
    assert set(killed.sources) == {"a", "b"}
    assert len(killed.spans) == len(killed.sources)
    assert any("emergency" in t for t in texts)
    for item in items:
        first = item.spans[0]
        assert parsed[[p.id for p in parsed].index(first.source)].article.text[first.start : first.end] == item.text


def test_exclusive_finds_details_no_other_source_has(story) -> None:
    parsed, index = story
    items = find_exclusive(parsed, index)
    by_source = {i.sources[0]: i.text for i in items if len(i.sources) == 1}
    assert "Codelco" in by_source.get("b", "")
    assert "La Paz" in by_source.get("c", "")
    assert not any("12 people" in i.text for i in items)


def test_a_single_source_has_no_exclusive_and_no_consensus() -> None:
    parsed = parse_articles([Article(id="a", text=A)])
    index = build_index(parsed)
    assert find_consensus(parsed, index) == ()
    assert find_exclusive(parsed, index) == ()


def test_wire_copies_are_one_origin() -> None:
    parsed = parse_articles([Article(id="a", text=A), Article(id="a2", text=A.replace("officials said", "police said"))])
    assert find_consensus(parsed, build_index(parsed)) == ()


def test_config_is_validated() -> None:
    with pytest.raises(ConfigError):
        AlignConfig(threshold=1.5)


def test_an_empty_story_indexes_and_aligns_to_nothing() -> None:
    index = build_index([])
    assert index.blended.shape == (0, 0)
    assert find_consensus([], index) == () and find_exclusive([], index) == ()


def test_a_short_line_sharing_one_rare_word_and_a_common_name_is_not_agreement() -> None:
    # Found by feeding a list of headlines beside a report: "Markets Rally On China
    # Thaw Hopes" was "also carried by" a quote that says "I hope ... China-US relations".
    headlines = "Markets Rally On China Thaw Hopes\nMilitary Channels Remain Closed, Officials Say\nBlinken Meets Xi In Beijing"
    report = (
        "Secretary of State Antony Blinken met President Xi Jinping in Beijing on Monday. "
        "\u201cI hope that through this visit you will make more positive contributions to stabilising China-US relations,\u201d "
        "Mr Xi told Mr Blinken. The two sides agreed to keep talking, but China declined to restore military channels."
    )
    parsed = parse_articles([Article(id="h", text=headlines), Article(id="r", text=report)])
    texts = [item.text for item in find_consensus(parsed, build_index(parsed))]
    assert not any("Thaw Hopes" in text for text in texts)


def test_a_detail_a_page_prints_twice_is_listed_once() -> None:
    repeated = "Codelco said its copper mines near the port of Antofagasta were undamaged and kept working."
    other = B.replace("Mining company Codelco said its copper mines were undamaged.", f"{repeated} Rescuers worked all night. {repeated}")
    parsed = parse_articles([Article(id="a", text=A), Article(id="b", text=other)])
    texts = [item.text for item in find_exclusive(parsed, build_index(parsed))]
    assert texts.count(repeated) == 1


def _consensus_texts(*texts: str) -> list[tuple[str, tuple[str, ...]]]:
    parsed = parse_articles([Article(id=f"s{k}", text=text) for k, text in enumerate(texts)])
    return [(item.text, item.sources) for item in find_consensus(parsed, build_index(parsed))]


def test_a_sentence_with_a_number_only_its_source_prints_does_not_speak_for_others() -> None:
    # Fox, Dec 2014: "$60 million" was listed as what Fox and the NYT agree on; only Fox prints it.
    fox = ("Nebraska and Oklahoma sued Colorado over its marijuana law on Thursday. Colorado has raised more than "
           "$60 million in taxes and fees from recreational marijuana, which has been sold in stores since January.")
    nyt = ("Nebraska and Oklahoma filed a lawsuit against Colorado on Thursday over its marijuana law. Recreational "
           "marijuana has been sold in Colorado stores since January, bringing the state taxes and fees.")
    items = _consensus_texts(fox, nyt)
    assert items and not any("$60 million" in text for text, _ in items)
    assert any("sold in" in text and len(sources) == 2 for text, sources in items)  # said by the other, it is shared


# One quotation credited to two people, one a source names alone (HuffPost's Mason Tvert, Dec 2014).
BULLIES_HPO = ('Colorado officials defended the marijuana law on Thursday. "Nebraska officials are acting like bullies, '
               'and they have no business trying to dictate Colorado\'s marijuana laws," {speaker} said.')
BULLIES_FOX = ('On Thursday the marijuana law was defended by Colorado officials, who called the lawsuit a stunt by two '
               'neighbouring states. "Nebraska officials are acting like bullies, and they have no business trying to '
               'dictate Colorado\'s laws," Brian Vicente said.{more}')


@pytest.mark.parametrize(
    "speaker, more",
    [
        ("Mason Tvert", ""),
        # Review: "Rice" matched inside "prices", so a quote of Sarah Rice became shared.
        ("Sarah Rice", " Marijuana prices have fallen since January."),
    ],
)
def test_words_of_someone_only_one_source_names_are_not_agreement(speaker: str, more: str) -> None:
    items = _consensus_texts(BULLIES_HPO.format(speaker=speaker), BULLIES_FOX.format(more=more))
    surname = speaker.split()[-1]
    assert items and not any(surname in text or "Vicente" in text for text, _ in items)


def test_a_name_printed_with_a_middle_initial_or_a_misspelling_is_still_shared() -> None:
    nyt = ("Representative Duncan Hunter was indicted on Tuesday. U.S. Attorney Adam L. Braverman said Tuesday's "
           "indictment proved that no one is above the law, and that the case would go to trial.")
    fox = ("Rep. Duncan Hunter was indicted Tuesday. U.S. Attorney Adam Braverman said Tuesday's indictment proved that "
           "no one is above the law.")
    assert any("Braverman" in text and len(sources) == 2 for text, sources in _consensus_texts(nyt, fox))



def test_a_year_only_one_source_prints_keeps_its_sentence_from_speaking_for_others() -> None:
    # Fox, Nov 2014: "dates back to 1947" was listed as what Fox and HuffPost agree on.
    fox = ("The girls went with their father to Wednesday's ceremony, in which he pardoned two turkeys. The tradition of "
           "turkeys being presented to the president dates back to 1947, with the turkey pardon instituted in 1989.")
    hpo = ("The First Daughters join the president at the ceremony every year. The turkey pardon is one of America's "
           "silliest holiday traditions, and the turkeys presented to the president are pardoned every year.")
    assert not any("1947" in text for text, _ in _consensus_texts(fox, hpo))
