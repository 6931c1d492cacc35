"""Online story clustering: features, B-cubed, and a small real stream."""

from __future__ import annotations

import datetime as dt
import os
from array import array
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsweave.cluster import (
    ArticleFeatures,
    ClusterConfig,
    JoinReason,
    StoryClusterer,
    article_features,
    bcubed,
)
from newsweave.model import Article

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "benchmarks" / "cluster"


def test_features_find_names_and_figures() -> None:
    article = Article(
        id="x",
        title="Navy captures pirates",
        text="The Indian navy said it captured 23 pirates in the Gulf of Aden. The destroyer INS Mysore answered the call.",
    )
    features = article_features(article)
    assert {"indian", "gulf", "aden", "ins", "mysore"} <= features.names
    assert "the" not in features.names  # capitalised only at a sentence start
    assert ("23", "pirat") in features.figures
    assert features.terms["captur"] >= 3  # title words count double


def test_bcubed_matches_hand_computed_values() -> None:
    gold = {"a": 1, "b": 1, "c": 2}
    assert bcubed({"a": 1, "b": 1, "c": 2}, gold) == (1.0, 1.0, 1.0)
    # All in one cluster: precision (2/3 + 2/3 + 1/3) / 3 = 5/9, recall 1.
    p, r, f = bcubed({"a": 0, "b": 0, "c": 0}, gold)
    assert (round(p, 6), r) == (round(5 / 9, 6), 1.0)
    # Singletons: precision 1, recall (1/2 + 1/2 + 1) / 3 = 2/3.
    p, r, _ = bcubed({}, gold)
    assert (p, round(r, 6)) == (1.0, round(2 / 3, 6))


def _article(id_: str, title: str, text: str, day: int | None) -> Article:
    return Article(id=id_, title=title, text=text, published=dt.date(2021, 5, day) if day else None)


def test_time_window_keeps_a_later_event_apart() -> None:
    text = "Flooding closed the Riverton bridge and the mayor of Riverton ordered an evacuation of the lower town."
    clusterer = StoryClusterer(ClusterConfig(window_days=3))
    first = clusterer.assign(article_features(_article("a", "Riverton floods", text, 1)))
    same = clusterer.assign(article_features(_article("b", "Riverton floods again", text + " Water rose.", 2)))
    later = clusterer.assign(article_features(_article("c", "Riverton floods", text + " Again.", 20)))
    assert same.story_id == first.story_id
    assert later.story_id != first.story_id
    assert later.reason.founded and not same.reason.founded
    assert "riverton" in same.reason.shared_names and same.reason.shared_terms


def test_assign_is_idempotent_and_explained() -> None:
    clusterer = StoryClusterer()
    features = article_features(_article("a", "Quake", "A strong quake hit Tarnova.", 1))
    assert clusterer.assign(features) == clusterer.assign(features)


def _load_small_stream() -> tuple[list[Article], dict[str, str]]:
    from newsweave.clean import clean_article
    from newsweave.cli_stream import load_cluster_stream

    articles, gold = load_cluster_stream(SHARED)
    basil_events = sorted({gold[a.id] for a in articles if a.id.startswith("basil:")})[:6]
    # Two ECB+ topics, each two events of one kind that must stay apart.
    keep = [a for a in articles if gold[a.id] in basil_events or a.id.split("_")[0] in ("ecb:12", "ecb:41")]
    return [clean_article(a) for a in keep], {a.id: gold[a.id] for a in keep}


@pytest.mark.skipif(not (SHARED / "basil-dev.jsonl").exists(), reason="shared benchmark data absent")
def test_small_real_stream_finds_the_events() -> None:
    articles, gold = _load_small_stream()
    clusterer = StoryClusterer()
    for article in articles:
        clusterer.assign(article_features(article))
    clusterer.repair()
    predicted = {m: sid for sid, members in clusterer.stories().items() for m in members}
    precision, recall, f1 = bcubed(predicted, gold)
    assert f1 >= 0.9, (precision, recall)
    # The two pirate seizures (2008: 23 captured; 2011: 26 captured) are two stories.
    pirates = {gold[m] for m in gold if m.startswith("ecb:12_")}
    assert len(pirates) == 2
    main_story = {
        event: Counter(predicted[m] for m in gold if gold[m] == event).most_common(1)[0][0] for event in pirates
    }
    assert len(set(main_story.values())) == 2


@pytest.mark.skipif(not (SHARED / "basil-dev.jsonl").exists(), reason="shared benchmark data absent")
def test_clustering_beats_the_tfidf_baseline_on_the_small_stream() -> None:
    from newsweave.cluster import tfidf_centroid_baseline

    articles, gold = _load_small_stream()
    clusterer = StoryClusterer()
    for article in articles:
        clusterer.assign(article_features(article))
    clusterer.repair()
    predicted = {m: sid for sid, members in clusterer.stories().items() for m in members}
    assert bcubed(predicted, gold)[2] > bcubed(tfidf_centroid_baseline(articles), gold)[2]


@pytest.mark.skipif(not (SHARED / "basil-dev.jsonl").exists(), reason="shared benchmark data absent")
def test_bench_cluster_command_keeps_its_floor() -> None:
    """The dev stream's B-cubed F1 (0.977 when measured) must not fall below 0.95 silently."""
    import json

    from typer.testing import CliRunner

    from newsweave.cli import app

    result = CliRunner().invoke(app, ["bench", "cluster", "--json", "--data", str(SHARED)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["articles"] == 552
    assert report["newsweave"]["all"]["f1"] >= 0.95
    assert report["newsweave"]["all"]["f1"] > report["tfidf_baseline"]["all"]["f1"] + 0.05


@pytest.mark.skipif(not (SHARED / "basil-dev.jsonl").exists(), reason="shared benchmark data absent")
def test_the_dev_stream_in_other_orders_keeps_its_events() -> None:
    """What the stream finds must not hang on the order it came in (held-out streams come in theirs).

    Measured: ECB+ reversed 0.937, shuffled (seeds 1-3) 0.952, 0.971, 0.948;
    before the name boost and the thorough last repair 0.913, 0.923, 0.943, 0.937.
    """
    from newsweave.clean import clean_article
    from newsweave.cli_stream import load_cluster_stream, stream_orders, stream_stories

    raw, gold = load_cluster_stream(SHARED)
    orders = stream_orders([clean_article(a) for a in raw], shuffles=3)
    del orders["as given"], orders["all shuffled (1)"]  # measured by the bench command's floor; time
    scores = [bcubed(stream_stories(order), gold)[2] for order in orders.values()]
    assert min(scores) >= 0.93, scores
    assert sum(scores[1:]) / 3 >= 0.95, scores


def _story_of_two_events() -> tuple[StoryClusterer, int]:
    """One story of 17 articles on one event, then two on another placed into it (as a replay would).

    The periodic repair examined it at 16 members and looks again only at 20.
    """
    import random

    shared = (
        "the coach of the club was fired after a losing season said the team owner on monday in a statement "
        "to reporters who had gathered outside the training ground where players were seen leaving early"
    ).split()

    def features(id_: str, names: list[str], seed: int, extra: list[str]) -> ArticleFeatures:
        words = random.Random(seed).sample(shared, 14) + extra
        text = " ".join(words) + ". " + " ".join(f"Then {name} spoke." for name in names)
        return article_features(Article(id=id_, title="Coach fired", text=text))

    basketball = (["Maurice Cheeks", "Philadelphia Arena"], ["basketball", "arena"])
    hockey = (["Jim Brolin", "Quebec Coliseum"], ["hockey", "goalie", "rink", "penalty", "overtime", "puck"])
    clusterer = StoryClusterer()
    for n in range(16):
        clusterer.assign(features(f"a{n}", basketball[0], n, basketball[1]))
    clusterer.repair()
    (story_id,) = clusterer.stories()
    for n in range(2):
        clusterer.place(features(f"b{n}", hockey[0], 100 + n, hockey[1]), story_id, JoinReason(0.3, (), (), 0.3))
    clusterer.assign(features("a16", basketball[0], 16, basketball[1]))
    return clusterer, story_id


def test_a_thorough_repair_examines_what_the_periodic_one_leaves() -> None:
    clusterer, story_id = _story_of_two_events()
    assert clusterer.repair() == []  # 19 members: not grown enough since 16
    assert clusterer.story_of("b0") == clusterer.story_of("a0") == story_id
    moves = clusterer.repair(thorough=True)
    assert {"b0", "b1"} <= {article_id for article_id, _, _ in moves}
    assert clusterer.story_of("b0") == clusterer.story_of("b1") != clusterer.story_of("a0")
    # Once done, a thorough repair has nothing changed to look at.
    assert clusterer.repair(thorough=True) == []


def test_a_cut_explains_the_side_that_leaves_and_keeps_the_reasons_of_the_side_that_stays() -> None:
    clusterer, story_id = _story_of_two_events()
    before = {f"a{n}": clusterer.reason(f"a{n}") for n in range(17)}
    moved = {article_id for article_id, _, _ in clusterer.repair(thorough=True)}
    assert {"b0", "b1"} <= moved and clusterer.story_of("a0") == story_id
    stayed = [a for a in before if clusterer.story_of(a) == story_id]
    assert len(stayed) >= 15
    # The side that keeps the story (and its founder): reasons as the members joined it, not rewritten.
    assert {a: clusterer.reason(a) for a in stayed} == {a: before[a] for a in stayed}
    assert clusterer.reexplained == moved
    # The side that leaves: a new story, founded by the first of them, the others explained against it.
    first, *others = clusterer.members(clusterer.story_of("b0"))
    assert clusterer.reason(first).founded and not any(clusterer.reason(a).founded for a in others)
    assert "hockey" in clusterer.reason("b1").shared_terms


def test_a_story_is_examined_for_a_cut_again_only_after_enough_new_members(monkeypatch: pytest.MonkeyPatch) -> None:
    clusterer = StoryClusterer(ClusterConfig(repair_every=1))
    examined: list[int] = []
    original = StoryClusterer._cut

    def counting(self, story, depth):  # type: ignore[no-untyped-def]
        examined.append(len(story.members))
        return original(self, story, depth)

    monkeypatch.setattr(StoryClusterer, "_cut", counting)
    text = "A strong earthquake struck Tarnova province, killing 12 people and flattening homes in the old town."
    for n in range(7):
        clusterer.assign(article_features(_article(f"a{n}", "Tarnova quake", f"{text} Report {n}.", 1)))
        clusterer.repair()
    assert len(clusterer.stories()) == 1  # one event: never cut
    # Examined at 4 members (the least a cut needs), then only once 2 more had come (min_split_side).
    assert examined == [4, 6]


def test_features_are_the_same_under_any_string_hashing() -> None:
    """Term order breaks weight ties in an article's vector: it must not follow set order."""
    script = (
        "from newsweave.cluster import article_features\n"
        "from newsweave.model import Article\n"
        "a = Article(id='x', title='Quake in Tarnova', text='Rescuers in Tarnova, Velmar and Ostrik said 12 people "
        "died and 40 homes fell as Mayor Ivo Kral and Governor Ana Lind toured Dolna, Brest, Kamen and Lipa.')\n"
        "f = article_features(a)\n"
        "print(list(f.terms.items()), list(f.term_slots))\n"
    )
    assert len(_outputs_under_hash_seeds(script, ("1", "2", "3", "4"))) == 1


def test_a_full_word_cache_starts_again_without_losing_words(monkeypatch: pytest.MonkeyPatch) -> None:
    import newsweave.cluster as cluster

    article = _article("a", "Quake hits Tarnova", "Rescuers said the quake hit the town of Tarnova at night and homes fell.", 1)
    expected = article_features(article)
    for cache in (cluster._STEMS, cluster._NAME_FORMS, cluster._TERM_IDS):
        cache.clear()
    monkeypatch.setattr(cluster, "_WORD_CACHE_LIMIT", 10)
    assert article_features(article) == expected  # the lead fills the caches; the title's new words must not break them


def test_features_without_term_slots_still_cluster() -> None:
    import dataclasses

    clusterer = StoryClusterer()
    text = "A strong earthquake struck Tarnova province, killing 12 people and flattening homes in the old town."
    first = article_features(_article("a", "Tarnova quake", text, 1))
    bare = dataclasses.replace(article_features(_article("b", "Tarnova quake", text + " More.", 1)), term_slots=array("q"))
    assert clusterer.assign(first).story_id == clusterer.assign(bare).story_id


def test_a_cut_is_the_same_under_any_string_hashing() -> None:
    """Bisection sums in column order: the order must not follow the process's string hashing."""
    script = (
        "import random\n"
        "from array import array\n"
        "from newsweave.cluster import _bisect, term_slot\n"
        "words = [f'term{k}' for k in range(120)]\n"
        "vectors = []\n"
        "for row in range(12):\n"
        "    rng = random.Random(row)\n"
        "    terms = tuple(rng.sample(words[: 60 + 30 * (row % 2)], 60))\n"
        "    slots = array('q', map(term_slot, terms)).tobytes()\n"
        "    vectors.append(('\\0'.join(terms), array('f', [rng.random() ** 3 for _ in terms]), slots))\n"
        "print(repr(_bisect(vectors)))\n"
    )
    assert len(_outputs_under_hash_seeds(script, ("1", "2", "3", "4", "5"))) == 1


def test_a_story_is_looked_at_for_a_merge_again_only_after_it_grew_by_a_quarter(monkeypatch: pytest.MonkeyPatch) -> None:
    clusterer = StoryClusterer(ClusterConfig(repair_every=1))
    examined: list[int] = []
    original = StoryClusterer._merge_into_neighbour

    def counting(self, story):  # type: ignore[no-untyped-def]
        examined.append(len(story.members))
        return original(self, story)

    monkeypatch.setattr(StoryClusterer, "_merge_into_neighbour", counting)
    text = "A strong earthquake struck Tarnova province, killing 12 people and flattening homes in the old town."
    for n in range(12):
        clusterer.assign(article_features(_article(f"a{n}", "Tarnova quake", f"{text} Report {n}.", 1)))
        clusterer.repair()
    assert len(clusterer.stories()) == 1
    # Every new member while small; then only after a quarter more (8 -> 10, 10 -> 12).
    assert examined == [1, 2, 3, 4, 5, 6, 7, 8, 10, 12]


def _outputs_under_hash_seeds(script: str, seeds: tuple[str, ...]) -> set[str]:
    """What a Python snippet prints under each string-hashing seed (one output: it does not depend on them)."""
    import subprocess
    import sys

    return {
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed}
        ).stdout
        for seed in seeds
    }


def test_forgetting_stories_leaves_nothing_in_the_candidate_index() -> None:
    # Stories are taken off the index under the terms their members posted
    # them; a posting left behind would keep a forgotten story as a candidate.
    clusterer = StoryClusterer(ClusterConfig(window_days=3))
    words = "flood bridge mayor evacuation river storm rain levee school road power shelter".split()
    for n in range(40):
        text = " ".join(words[n % 7 : n % 7 + 5] + [f"Tarnova{n % 5}", "town", "said"]) + "."
        clusterer.assign(article_features(_article(f"a{n}", f"Storm {n % 4}", text, 1 + n % 20)))
        if n % 10 == 9:
            clusterer.repair()
    assert clusterer._index
    clusterer.forget_oldest(0)
    assert clusterer.stories() == {} and clusterer._index == {}


_FEATURE_TEXT = st.text(alphabet=st.sampled_from(list("ab AZ'’-_.,;:)(19é\u00a0\nİK")), max_size=120)


@settings(max_examples=200, deadline=None)
@given(_FEATURE_TEXT)
def test_word_runs_hold_the_word_regex_words(text: str) -> None:
    """The byte-level words are _WORD's matches, plus runs too short to be a term."""
    import re

    from newsweave.cluster import _APOSTROPHE, _term_of, _word_runs

    lowered = text.lower()
    expected = [word.encode("utf-8").replace(_APOSTROPHE, b"\xff") for word in re.findall(r"[a-z][a-z'’\-]*[a-z]", lowered)]
    runs = _word_runs(lowered)
    assert [run for run in runs if len(run) >= 2] == expected
    assert all(_term_of(run.decode("utf-8")) is None for run in runs if len(run) < 2)


@settings(max_examples=200, deadline=None)
@given(_FEATURE_TEXT | st.sampled_from(["said Kral, Lind and 12 people", "a12 pirates 1,5 boats ١٢ men x 3.5 km"]))
def test_name_and_figure_patterns_match_their_look_behind_first_forms(text: str) -> None:
    import re

    from newsweave.cluster import _FIGURE, _NAME

    assert _NAME.findall(text) == re.findall(r"(?<=[A-Za-z0-9,;:)] )[A-Z][A-Za-z'’\-]*[A-Za-z]", text)
    assert _FIGURE.findall(text) == re.findall(r"\b(\d[\d,]*(?:\.\d+)?)\s+([a-z][a-z\-]+)", text)


_TERMS = st.sampled_from(["quake", "rescu", "@tarnova", "#12 kill", "flood", "@velna", "offici", "provinc", "#3 dead"])


@given(st.lists(st.tuples(_TERMS, st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.25])), max_size=30, unique_by=lambda p: p[0]))
def test_top_shared_words_rank_as_filtering_and_nlargest_did(pairs: list[tuple[str, float]]) -> None:
    import heapq

    from newsweave.cluster import _top_shared_words

    vector = {term: 1.0 for term, _ in pairs}
    products = [product for _, product in pairs]
    words = ((t, p) for t, p in zip(vector, products) if p and not t.startswith(("@", "#")))
    expected = tuple(t for t, _ in heapq.nlargest(8, words, key=lambda pair: pair[1]))
    assert _top_shared_words(vector, products) == expected


@given(st.integers(2, 9), st.integers(0, 2**32 - 1))
def test_blocks_by_mask_are_the_np_ix_blocks_in_the_same_memory_order(size: int, seed: int) -> None:
    import numpy as np

    from newsweave.cluster import _block

    rng = np.random.default_rng(seed)
    matrix = rng.random((size, size))
    side = rng.random(size) < 0.5
    rows, columns = np.flatnonzero(side), np.flatnonzero(~side)
    for mask_a, mask_b, index_a, index_b in ((side, ~side, rows, columns), (side, side, rows, rows)):
        block = _block(matrix, mask_a, mask_b)
        expected = matrix[np.ix_(index_a, index_b)]
        assert block.flags.c_contiguous and np.array_equal(block, expected)
        assert block.sum() == expected.sum() and (block.size == 0 or block.mean() == expected.mean())
