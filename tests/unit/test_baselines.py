"""Tests of the classical baselines (newsweave.baselines)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsweave.baselines import (
    BASELINES,
    _pagerank,
    best_single_document,
    centroid,
    lead,
    lead_round_robin,
    lexrank,
    textrank,
    tokens,
)

# Three short reports of one (made-up) story: the bridge closure is what they share.
DOCS = [
    [
        "The river bridge in Springfield will close for repairs next month.",
        "The mayor blamed the previous council for years of neglect.",
        "A local bakery plans a farewell party for the old bridge.",
    ],
    [
        "Springfield's river bridge will close next month for six weeks of repairs.",
        "Drivers will be sent along the northern ring road.",
    ],
    [
        "Engineers found the deck of the Springfield bridge badly corroded.",
        "The bridge will close for repairs next month, officials said.",
        "The football club's new stadium opens in the spring.",
    ],
]


def _words(sentences: list[str]) -> int:
    return sum(len(s.split()) for s in sentences)


def test_lead_takes_the_first_document_in_order() -> None:
    assert lead(DOCS, 15) == DOCS[0][:2]
    assert lead(DOCS, 1) == DOCS[0][:1]
    assert lead([], 10) == []


def test_round_robin_takes_every_documents_first_sentence_first() -> None:
    assert lead_round_robin(DOCS, 200)[:3] == [DOCS[0][0], DOCS[1][0], DOCS[2][0]]
    assert len(lead_round_robin(DOCS, 10_000)) == sum(len(d) for d in DOCS)


@pytest.mark.parametrize("method", [lexrank, textrank, centroid])
def test_graph_and_centroid_methods_prefer_the_shared_content(method) -> None:  # type: ignore[no-untyped-def]
    first = method(DOCS, 10)[0]
    assert "bridge" in first and "close" in first
    assert method(DOCS, 10)[0] not in {DOCS[0][2], DOCS[2][2]}


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_every_baseline_keeps_the_budget_and_the_sentences(name: str) -> None:
    method = BASELINES[name]
    chosen = method(DOCS, 20)
    pool = [s for d in DOCS for s in d]
    assert chosen and all(s in pool for s in chosen)
    # The budget may be exceeded by the last sentence only.
    assert _words(chosen[:-1]) < 20
    assert method(DOCS, 20) == chosen  # deterministic
    assert method([], 20) == []


def test_duplicate_sentences_do_not_collapse() -> None:
    twice = [["The bridge will close next month for repairs."], ["The bridge will close next month for repairs."]]
    assert lead_round_robin(twice, 100) == twice[0] + twice[1]


def test_pagerank_is_a_distribution() -> None:
    graph = np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]], dtype=float)
    rank = _pagerank(graph)
    assert rank.sum() == pytest.approx(1.0)
    assert rank[0] > rank[1] == pytest.approx(rank[2])


def test_oracle_picks_the_document_closest_to_the_reference() -> None:
    reference = "Engineers found the Springfield bridge deck corroded; it will close for repairs."
    assert best_single_document([reference])(DOCS, 30) == DOCS[2]


def test_tokens_are_stemmed_content_words() -> None:
    assert tokens("The bridges were closing.") == ["bridg", "close"]


sentence = st.text(alphabet=st.sampled_from("abc de fg"), min_size=0, max_size=40)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(sentence, max_size=5), max_size=4), st.integers(min_value=1, max_value=60))
def test_baselines_never_raise_and_only_return_input_sentences(docs: list[list[str]], words: int) -> None:
    pool = [s for d in docs for s in d]
    for method in BASELINES.values():
        assert all(s in pool for s in method(docs, words))
