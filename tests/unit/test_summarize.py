"""Tests of the summariser (newsweave.summarize)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsweave.errors import ConfigError
from newsweave.model import Article, Sentence, resolve_span
from newsweave.nlp import ParsedArticle, stem
from newsweave.similarity import build_index
from newsweave.summarize import (
    SummaryConfig,
    agreement_weights,
    complete,
    covered_weight,
    name_words,
    reads_alone,
    select,
    sentence_support,
    summarize,
    summary_value,
    words_of,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "blinken-beijing"


def parsed_from_sentences(source: str, sentences: list[str], title: str | None = None) -> ParsedArticle:
    """A ParsedArticle without spaCy: sentences joined by spaces, terms = stems of longer words."""
    text = " ".join(sentences)
    out, start = [], 0
    for k, s in enumerate(sentences):
        out.append(Sentence(source, k, start, start + len(s), s))
        start += len(s) + 1
    terms = tuple(tuple(stem(w.lower().strip(".,")) for w in s.split() if len(w) > 3) for s in sentences)
    return ParsedArticle(Article(id=source, text=text, title=title), tuple(out), (), terms)


STORY = [
    parsed_from_sentences(
        "a",
        [
            "Officials said on Tuesday that the river bridge will close for repairs next month.",
            "The mayor blamed the previous council for years of neglect of the roads.",
            "He said the works were overdue.",
            "A bakery near the old bridge plans a farewell party for its customers.",
        ],
    ),
    parsed_from_sentences(
        "b",
        [
            "The river bridge will close next month for six weeks of repairs, officials said on Tuesday.",
            "Drivers will be sent along the northern ring road during the works.",
        ],
    ),
    parsed_from_sentences(
        "c",
        [
            "Engineers found the deck of the river bridge badly corroded last year.",
            "The bridge will close for repairs next month, officials said Tuesday.",
            "Will the detour hurt local shops?",
        ],
    ),
]


def _check_items(parsed: list[ParsedArticle], items: tuple, words: int) -> None:
    articles = {p.id: p.article for p in parsed}
    assert items
    for item in items:
        assert item.sources[0] == item.spans[0].source
        assert len(set(item.sources)) == len(item.sources) == len(item.spans)
        assert resolve_span(item.spans[0], articles) == item.text
        for span in item.spans:
            resolve_span(span, articles)  # every span resolves
    texts = [item.text for item in items]
    assert len(set(texts)) == len(texts)
    # The budget may be exceeded by the last sentence only.
    assert sum(len(t.split()) for t in texts[:-1]) < words


def test_summary_leads_with_what_every_source_says() -> None:
    items = summarize(STORY, build_index(STORY), SummaryConfig(words=20))
    _check_items(STORY, items, 20)
    assert "bridge" in items[0].text and "close" in items[0].text
    assert len(items[0].sources) == 3  # all three outlets carry the closure


def test_dangling_questions_and_one_outlets_colour_stay_out() -> None:
    texts = [i.text for i in summarize(STORY, build_index(STORY), SummaryConfig(words=200))]
    assert "He said the works were overdue." not in texts
    assert "Will the detour hurt local shops?" not in texts


def test_the_summary_stays_short_when_nothing_more_is_agreed() -> None:
    items = summarize(STORY, build_index(STORY), SummaryConfig(words=500))
    assert sum(len(i.text.split()) for i in items) < 200


def test_deterministic() -> None:
    index = build_index(STORY)
    assert summarize(STORY, index) == summarize(STORY, index)


def test_empty_story() -> None:
    import dataclasses

    import numpy as np

    from newsweave.similarity import SentenceIndex

    # build_index itself cannot index zero sentences yet, so build the empty index by hand.
    empty = [parsed_from_sentences("a", [])]
    values = {"sentences": (), "terms": (), "sources": (), "idf": {}}
    index = SentenceIndex(**{f.name: values.get(f.name, np.zeros((0, 0))) for f in dataclasses.fields(SentenceIndex)})
    assert summarize(empty, index) == ()


def test_sentence_support_lists_own_source_first() -> None:
    index = build_index(STORY)
    first_b = next(i for i, s in enumerate(index.sentences) if s.source == "b" and s.index == 0)
    item = sentence_support(index, first_b)
    assert item.sources[0] == "b" and item.spans[0] == index.sentences[first_b].span
    assert set(item.sources) == {"a", "b", "c"}
    alone = sentence_support(index, first_b, threshold=1.01)
    assert alone.sources == ("b",)


def test_agreement_weighs_shared_words_over_one_outlets_words() -> None:
    index = build_index(STORY)
    config = SummaryConfig()
    weights = agreement_weights(STORY, index.sentences, [words_of(s.text) for s in index.sentences], config)
    assert weights[(False, stem("bridge"))] == pytest.approx(1.0)
    assert weights[(False, stem("bakery"))] < 0.2
    titled = [parsed_from_sentences("a", ["Nothing to see."], title="Bakery closes"), STORY[1]]
    index2 = build_index(titled)
    weights2 = agreement_weights(titled, index2.sentences, [words_of(s.text) for s in index2.sentences], config)
    assert weights2[(False, stem("bakery"))] > 0  # titles count as the outlet's words


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Officials said on Tuesday that the bridge will close for repairs.", True),
        ("He said the talks in Beijing went well overall.", False),
        ("But the meeting ended without a joint statement.", False),
        ("This was the first such visit in five years.", False),
        ("Is the bridge safe for the heavy lorries now?", False),
        ("\"We will not give up on this bridge,\" the mayor told reporters.", True),
        ("\"We will not give up on this bridge, ever.\"", False),
        ("The decisions come amid a simmering debate about the doctrine...", False),
        ("Short one.", False),
        ("Photo by the city council of the bridge at dawn.", False),
        ("“It is necessary to make a choice between dialogue and confrontation.", False),
        ("\"We will keep the bridge open,\" the mayor said, \"whatever it costs.\"", True),
    ],
)
def test_reads_alone(text: str, ok: bool) -> None:
    assert reads_alone(Sentence("a", 0, 0, len(text), text)) is ok


@pytest.mark.parametrize(
    "kwargs",
    [{"words": 0}, {"agreement_power": 0}, {"agreement_power": float("nan")}, {"min_words": 10, "max_words": 5},
     {"max_uses": 0}, {"position_half_life": -1}, {"opening_sentences": 0}, {"openers": 0},
     {"name_power": 0}, {"name_power": float("inf")}],
)
def test_config_is_validated(kwargs: dict) -> None:
    with pytest.raises(ConfigError):
        SummaryConfig(**kwargs)


vocabulary = st.sampled_from("bridge close repairs month officials river deck council mayor road the of a".split())
sentence = st.lists(vocabulary, min_size=1, max_size=14).map(lambda ws: " ".join(ws).capitalize() + ".")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(sentence, min_size=1, max_size=6), min_size=1, max_size=4), st.integers(10, 80))
def test_any_story_gives_resolving_items_within_budget(docs: list[list[str]], words: int) -> None:
    parsed = [parsed_from_sentences(f"s{k}", d) for k, d in enumerate(docs)]
    index = build_index(parsed)
    items = summarize(parsed, index, SummaryConfig(words=words))
    _check_items(parsed, items, words)
    assert items == summarize(parsed, index, SummaryConfig(words=words))


@pytest.mark.skipif(not EXAMPLE.exists(), reason="worked example not present")
def test_worked_example_summary_is_extractive_and_cited() -> None:
    from newsweave.clean import clean_article
    from newsweave.ingest import read_inputs
    from newsweave.nlp import parse_articles

    articles = [clean_article(a) for a in read_inputs([str(EXAMPLE)]).articles]
    parsed = parse_articles(articles)
    items = summarize(parsed, build_index(parsed), SummaryConfig(words=120))
    _check_items(parsed, items, 120)
    assert sum(len(i.text.split()) for i in items) >= 40
    assert any(len(i.sources) >= 3 for i in items)  # what several outlets agree on leads
    assert any("Blinken" in i.text for i in items)
    # Candidates come from the sources' openings, so the summary starts with the news.
    first = next(s for p in parsed for s in p.sentences if s.span == items[0].spans[0])
    assert first.index < SummaryConfig().opening_sentences


def test_a_republished_wire_copy_does_not_outvote_the_others() -> None:
    wire = [
        "The council voted on Monday to sell the old harbour warehouse to a developer.",
        "The developer plans three hundred flats and a public quay on the site.",
    ]
    other = ["Residents protested outside the town hall against plans for new flats at the harbour."]
    copies = [parsed_from_sentences("w1", wire), parsed_from_sentences("w2", wire), parsed_from_sentences("o", other)]
    index = build_index(copies)
    weights = agreement_weights(copies, index.sentences, [words_of(s.text) for s in index.sentences], SummaryConfig())
    # Two copies of one story are one origin of two: "warehouse" is half-agreed, not two-thirds.
    assert weights[(False, stem("warehouse"))] == pytest.approx(0.5**2)
    assert weights[(False, stem("harbour"))] == pytest.approx(1.0)


def test_name_words_are_capitalised_inside_sentences_or_figures() -> None:
    def sentences(*texts: str) -> list[Sentence]:
        return [Sentence("a", k, 0, len(t), t) for k, t in enumerate(texts)]

    names = name_words(sentences("Officials said Antony Blinken landed in Beijing on 18 June.", "Blinken Meets Xi In Beijing."))
    assert {(False, stem(w)) for w in ("antony", "blinken", "beijing", "18", "june")} <= names
    assert (False, stem("officials")) not in names  # a sentence's first word says nothing
    assert (False, stem("xi")) not in names  # headline case says nothing either
    assert not any(is_function for is_function, _ in names)


def test_a_name_one_outlet_prints_weighs_more_than_its_common_word() -> None:
    story = [
        parsed_from_sentences("a", ["The river bridge will close next month, said engineer Kowalski in a gloomy report."]),
        parsed_from_sentences("b", ["The river bridge will close next month for repairs."]),
        parsed_from_sentences("c", ["Repairs will close the river bridge next month."]),
    ]
    index = build_index(story)
    config = SummaryConfig()
    weights = agreement_weights(story, index.sentences, [words_of(s.text) for s in index.sentences], config)
    assert weights[(False, stem("kowalski"))] == pytest.approx((1 / 3) ** config.name_power)
    assert weights[(False, stem("gloomy"))] == pytest.approx((1 / 3) ** config.agreement_power)
    assert weights[(False, stem("kowalski"))] > weights[(False, stem("gloomy"))]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(sentence, min_size=1, max_size=6), min_size=2, max_size=4), st.integers(10, 60))
def test_seeded_search_is_never_worse_than_plain_greedy(docs: list[list[str]], words: int) -> None:
    parsed = [parsed_from_sentences(f"s{k}", d) for k, d in enumerate(docs)]
    index = build_index(parsed)
    config = SummaryConfig(words=words)
    sentence_words = [words_of(s.text) for s in index.sentences]
    weights = agreement_weights(parsed, index.sentences, sentence_words, config)
    candidates = list(range(len(index.sentences)))
    positions = [s.index / 10 for s in index.sentences]
    best_alone = max(candidates, key=lambda i: (summary_value([i], sentence_words, weights, config), -i))
    greedy = complete([best_alone], candidates, sentence_words, weights, positions, config)
    chosen = select(candidates, sentence_words, weights, positions, config)
    assert summary_value(chosen, sentence_words, weights, config) >= summary_value(greedy, sentence_words, weights, config)
    assert chosen == sorted(chosen, key=lambda i: (positions[i], i))  # story order
    assert len(set(chosen)) == len(chosen) >= 1
    one = select(candidates, sentence_words, weights, positions, SummaryConfig(words=words, openers=1))
    assert one == greedy  # one opener is plain greedy


def test_a_word_earns_again_only_as_often_as_the_sources_openings_repeat_it() -> None:
    story = [
        parsed_from_sentences("a", ["The bridge will close and the bridge will reopen in June.", "Residents of the river town shrugged."]),
        parsed_from_sentences("b", ["The bridge shuts for repairs; the bridge reopens in June.", "The river is high."]),
        parsed_from_sentences("c", ["Engineers say the bridge must close until June.", "Traffic on the bridge moved to the river road."]),
    ]
    index = build_index(story)
    sentence_words = [words_of(s.text) for s in index.sentences]
    config = SummaryConfig(words=40)
    weights = agreement_weights(story, index.sentences, sentence_words, config)
    bridge, june, river = ((False, stem(w)) for w in ("bridge", "june", "river"))
    assert weights.repeats[bridge] == pytest.approx((1.0,))  # every source says "bridge" twice
    assert june not in weights.repeats  # once everywhere: a second "June" earns nothing
    twice = covered_weight([bridge, bridge], weights, config)
    assert twice == pytest.approx(2 * weights[bridge])
    assert covered_weight([june, june], weights, config) == pytest.approx(weights[june])
    assert covered_weight([bridge, bridge, bridge], weights, config) == pytest.approx(twice)  # no third use anywhere
    # Only a summary-length opening counts: c's second "bridge" lies beyond its first 8 words.
    short = agreement_weights(story, index.sentences, sentence_words, SummaryConfig(words=8))
    assert short.repeats[bridge] == pytest.approx(((2 / 3) ** config.agreement_power,))
    assert (river in weights) and river not in weights.repeats
