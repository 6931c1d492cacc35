"""The fast stream path: batched commits, prepared articles, vectorised MinHash, targeted story cleanup."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from newsweave.dedup import DedupConfig, NearDuplicateIndex, from_bytes, shingle_hashes, signature, to_bytes
from newsweave.errors import StoreError
from newsweave.model import Article
from newsweave.store import Membership, Store, StreamIngest, prepare_article

QUAKE = "A magnitude 6.1 earthquake struck Tarnova province on Monday, killing 12 people, officials said."
FLOOD = "Floods in the Velna valley forced 3,000 families from their homes after a week of heavy rain."


def _stream(count: int) -> list[Article]:
    """Two events, reported several times each, on two dates."""
    articles = []
    for n in range(count):
        text, day = (QUAKE, 1) if n % 2 == 0 else (FLOOD, 20)
        articles.append(
            Article(id=f"a{n}", text=f"{text} Report number {n} from the scene, with new details.", title=text[:40], published=dt.date(2021, 3, day))
        )
    return articles


def test_add_many_matches_one_at_a_time(tmp_path: Path) -> None:
    articles = _stream(12)
    with Store.open(tmp_path / "one.db") as store:
        stream = StreamIngest(store)
        single = [stream.add(a) for a in articles]
        stream.finish()
        single_stories = sorted(s.article_ids for s in store.stories())
    with Store.open(tmp_path / "many.db") as store:
        stream = StreamIngest(store)
        batched = list(stream.add_many(articles, batch_size=5))
        stream.finish()
        batched_stories = sorted(s.article_ids for s in store.stories())
    assert [o.status for o in batched] == [o.status for o in single] == ["new"] * 12
    assert batched_stories == single_stories
    assert len(batched_stories) == 2  # the quake and the flood


def test_outcomes_of_a_batch_arrive_only_after_its_commit(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    with Store.open(path) as store:
        stream = StreamIngest(store)
        outcomes = stream.add_many(_stream(7), batch_size=3, batch_seconds=60.0)
        first = next(outcomes)
        # Another connection sees the whole first batch, committed, when its first outcome is reported.
        with Store.open(path) as reader:
            assert reader.count() == 3
            assert reader.story_of(first.article_id) == first.story_id
        rest = list(outcomes)
    assert [o.article_id for o in [first, *rest]] == [f"a{n}" for n in range(7)]


def test_prepared_articles_cluster_as_plain_ones(tmp_path: Path) -> None:
    articles = _stream(8)
    with Store.open(tmp_path / "plain.db") as store:
        plain = [(o.status, o.story_id, o.group_id) for o in StreamIngest(store).add_many(articles)]
    with Store.open(tmp_path / "prepared.db") as store:
        prepared = [(o.status, o.story_id, o.group_id) for o in StreamIngest(store).add_many(prepare_article(a) for a in articles)]
        assert store.get_article("a3") == articles[3]
    assert prepared == plain


def test_a_failing_article_is_rolled_back_alone(tmp_path: Path) -> None:
    articles = _stream(5)
    with Store.open(tmp_path / "db.sqlite") as store:
        stream = StreamIngest(store)
        original = stream.clusterer.assign

        def failing(features):  # type: ignore[no-untyped-def]
            if features.id == "a2":
                raise StoreError("disk on fire", features.id)
            return original(features)

        stream.clusterer.assign = failing  # type: ignore[method-assign]
        outcomes = list(stream.add_many(articles))
        assert [o.status for o in outcomes] == ["new", "new", "failed", "new", "new"]
        assert "disk on fire" in (outcomes[2].error or "")
        stored = {a.id for a in store.articles()}
        assert store.duplicate_group("a2") is None and store.story_of("a2") is None
    assert stored == {"a0", "a1", "a3", "a4"}  # a2 left no row behind


def test_the_same_article_twice_in_one_batch_is_stored_once(tmp_path: Path) -> None:
    first = _stream(3)
    again = Article(id="copy", text=first[1].text, title=first[1].title, published=first[1].published)
    with Store.open(tmp_path / "db.sqlite") as store:
        outcomes = list(StreamIngest(store).add_many([*first, first[0], again]))
        assert [o.status for o in outcomes] == ["new", "new", "new", "duplicate", "duplicate"]
        assert outcomes[4].article_id == "a1"
        assert store.count() == 3


def test_after_a_failed_batch_the_stream_refuses_and_a_new_one_carries_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        stream = StreamIngest(store)

        def broken(rows):  # type: ignore[no-untyped-def]
            raise StoreError("disk full", "db")

        monkeypatch.setattr(store, "_insert_articles", broken)
        with pytest.raises(StoreError):
            list(stream.add_many(_stream(2)))
        monkeypatch.undo()
        assert store.count() == 0
        # Its memory holds the rolled-back batch: it must not go on.
        with pytest.raises(StoreError, match="open a new StreamIngest"):
            list(stream.add_many(_stream(4)[2:]))
        fresh = StreamIngest(store)
        assert [o.status for o in fresh.add_many(_stream(4))] == ["new"] * 4
        fresh.finish()
        assert store.count() == 4
        assert all(story.title for story in store.stories())


def test_a_new_version_within_one_batch_is_archived(tmp_path: Path) -> None:
    first = _stream(2)
    changed = Article(id="a0", text=first[0].text + " Updated with the toll.", title=first[0].title, published=first[0].published)
    moved = Article(id="b0", url="https://example.org/x?utm_source=feed", text="A first text about the Velna floods, reported at length.")
    moved_again = Article(id="b1", url="https://example.org/x", text="A second text about the Velna floods, corrected at length.")
    with Store.open(tmp_path / "db.sqlite") as store:
        outcomes = list(StreamIngest(store).add_many([*first, changed, moved, moved_again]))
        assert [o.status for o in outcomes] == ["new", "new", "new_version", "new", "new_version"]
        assert store.get_article("a0").text.endswith("Updated with the toll.")
        assert [v for v, _ in store.article_versions("a0")] == [1]
        assert store.get_article("b0").text.startswith("A second text")


def test_outcomes_name_the_story_after_the_batch_repairs(tmp_path: Path) -> None:
    from newsweave.cluster import ClusterConfig

    loose = ClusterConfig(join_threshold=0.001, join_ratio=0.0, repair_every=8)
    common = "Emergency services update: "
    articles = [Article(id=a.id, text=common + a.text, title=common + (a.title or ""), published=dt.date(2021, 3, 1)) for a in _stream(8)]
    with Store.open(tmp_path / "db.sqlite") as store:
        outcomes = list(StreamIngest(store, cluster_config=loose).add_many(articles))
        assert {o.article_id: o.story_id for o in outcomes} == {a.id: store.story_of(a.id) for a in articles}
        assert len({o.story_id for o in outcomes}) == 2  # the repair split the loose story


def test_a_restart_replays_the_stored_reasons(tmp_path: Path) -> None:
    # A later repair rewrites what it re-explains; replayed members must carry their real reasons.
    with Store.open(tmp_path / "db.sqlite") as store:
        stream = StreamIngest(store)
        list(stream.add_many(_stream(6)))
        stream.finish()
        stored = {m.article_id: m for s in store.stories() for m in store.memberships(int(s.id))}
    with Store.open(tmp_path / "db.sqlite") as store:
        clusterer = StreamIngest(store).clusterer
        for article_id, membership in stored.items():
            reason = clusterer.reason(article_id)
            assert clusterer.story_of(article_id) == membership.story_id
            assert (reason.founded, reason.similarity, reason.shared_terms) == (
                membership.founded, membership.similarity, membership.shared_terms
            )
    assert sum(m.founded for m in stored.values()) == 2


def test_re_ingest_in_batches_is_idempotent(tmp_path: Path) -> None:
    articles = _stream(6)
    with Store.open(tmp_path / "db.sqlite") as store:
        list(StreamIngest(store).add_many(articles))
    with Store.open(tmp_path / "db.sqlite") as store:
        again = list(StreamIngest(store).add_many(articles, batch_size=4))
        assert {o.status for o in again} == {"duplicate"}
        assert store.count() == 6


def test_drop_empty_stories_only_among_the_given(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        store.add_article(_stream(1)[0])
        store.set_membership(Membership("a0", 1, 1.0, (), (), True), "t")
        for story_id in (2, 3):
            store._db.execute("INSERT INTO stories (id, title) VALUES (?, '')", (story_id,))
        assert store.drop_empty_stories([1, 2]) == 1
        ids = [r[0] for r in store._db.execute("SELECT id FROM stories ORDER BY id")]
        assert ids == [1, 3]
        assert store.drop_empty_stories() == 1


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc DEF.é,")), max_size=200))
def test_vectorised_signature_equals_datasketch_update_batch(text: str) -> None:
    config = DedupConfig()
    reference = MinHash(num_perm=config.num_perm, seed=config.seed, hashfunc=lambda v: v, scheme="affine32")
    grams = shingle_hashes(text, config.shingle_words)
    if grams:
        reference.update_batch(grams)
    ours = signature(text, config)
    assert np.array_equal(ours.hashvalues, reference.hashvalues)
    assert np.array_equal(NearDuplicateIndex(config).signature(text).hashvalues, reference.hashvalues)
    restored = from_bytes(to_bytes(ours), config)
    assert np.array_equal(restored.hashvalues, ours.hashvalues)
    assert restored.jaccard(ours) == 1.0


def test_preparing_in_a_worker_gives_what_preparing_here_does() -> None:
    from newsweave.store import PrepareFailure, clean_and_prepare, preparing

    raws = [Article(id=a.id, text=f"{a.title}\n\n{a.text}", published=a.published) for a in _stream(6)]
    with preparing(raws, clean_and_prepare, workers=0) as here:
        local = list(here)
    with preparing(raws, clean_and_prepare, workers=1, chunksize=2) as there:
        remote = list(there)
    assert remote == local
    assert not any(isinstance(item, PrepareFailure) for item in local)
    assert [item.article.id for item in local] == [a.id for a in raws]  # type: ignore[union-attr]


def _niceness(_: object) -> int:
    import os

    return os.nice(0)


def test_workers_run_at_the_lowest_priority_so_the_writer_keeps_a_core() -> None:
    import os

    from newsweave.store import preparing

    with preparing(range(4), _niceness, workers=2, chunksize=1) as there:
        levels = set(there)
    assert levels == {min(19, os.nice(0) + 19)}  # the kernel caps niceness at 19


def _same(value: int) -> int:
    return value


def test_the_pool_thread_that_keeps_the_workers_does_not_wake_for_every_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """The standard pool's keeping thread loops while any result waits unread: CPU the writer needs."""
    from multiprocessing.pool import Pool

    from newsweave.store import preparing

    wakes: list[int] = []
    maintain = Pool._maintain_pool

    def counting(*args):  # type: ignore[no-untyped-def]
        wakes.append(1)
        return maintain(*args)

    monkeypatch.setattr(Pool, "_maintain_pool", staticmethod(counting))
    with preparing(range(3000), _same, workers=2, chunksize=1) as results:
        assert list(results) == list(range(3000))
    # It may wake when the pool's cache of jobs empties: at most once per job,
    # and preparing submits a job per window of 16 (188 here), plus the pool's
    # start and end. How often the cache empties depends on the machine's load
    # (a few to 42 seen). The standard pool woke 6,220 times: more than once per result.
    windows = -(-3000 // 16)
    assert len(wakes) <= windows + 5


def test_ingest_command_with_a_worker_stores_what_it_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from newsweave import cli_stream
    from newsweave.cli import app

    example = Path(__file__).resolve().parents[2] / "examples" / "blinken-beijing"
    monkeypatch.setattr(cli_stream, "_WORKER_BYTES", 1)  # the worker path, on a small input
    db = tmp_path / "news.db"
    result = CliRunner().invoke(app, ["ingest", str(example), "--db", str(db), "--no-progress"])
    assert result.exit_code == 0, result.output
    reported = [line.split("\t")[1] for line in result.stdout.splitlines() if line.startswith("new\t")]
    assert len(reported) == 5
    with Store.open(db) as store:
        assert {a.id for a in store.articles()} == set(reported)
        assert len(store.stories()) == 1


def test_a_story_a_repair_splits_off_is_stored_with_its_founders_title(tmp_path: Path) -> None:
    from newsweave.cluster import ClusterConfig

    # Joining is made easy, so both events first land in one story; the repair cuts it in two.
    loose = ClusterConfig(join_threshold=0.001, join_ratio=0.0, repair_every=1000)
    common = "Emergency services update: "
    articles = [Article(id=a.id, text=common + a.text, title=common + (a.title or ""), published=dt.date(2021, 3, 1)) for a in _stream(8)]
    with Store.open(tmp_path / "db.sqlite") as store:
        stream = StreamIngest(store, cluster_config=loose)
        list(stream.add_many(articles))
        assert len(store.stories()) == 1
        assert stream.finish() > 0
        stories = store.stories()
        assert len(stories) == 2
        for story in stories:
            first = store.get_article(sorted(story.article_ids, key=lambda i: int(i[1:]))[0])
            assert story.title == (first.title or "").strip() != ""


def test_a_stream_pauses_the_garbage_collector_and_collects_every_so_many_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    import newsweave.store as store_module

    collections: list[bool] = []
    monkeypatch.setattr(store_module.gc, "collect", lambda *a: collections.append(gc.isenabled()) or 0)
    real_init = store_module._RareCollections.__init__
    monkeypatch.setattr(store_module._RareCollections, "__init__", lambda self: real_init(self, every=4))
    assert gc.isenabled()
    seen_enabled = []
    with Store.open(tmp_path / "s.db") as store:
        stream = StreamIngest(store)
        for _ in stream.add_many(_stream(12), batch_size=2):
            seen_enabled.append(gc.isenabled())
    assert not any(seen_enabled)  # paused for the whole stream ...
    assert len(collections) == 3 and not any(collections)  # ... a pass after articles 4, 8 and 12 ...
    assert gc.isenabled()  # ... and running again once it ended


def test_a_failing_stream_restores_the_garbage_collector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    def broken(rows):  # type: ignore[no-untyped-def]
        raise StoreError("disk full", "db")

    with Store.open(tmp_path / "s.db") as store:
        stream = StreamIngest(store)
        monkeypatch.setattr(store, "_insert_articles", broken)
        with pytest.raises(StoreError):
            list(stream.add_many(_stream(4)))
    assert gc.isenabled()
    gc.disable()
    try:  # and a collector the caller had paused stays paused
        with Store.open(tmp_path / "t.db") as store:
            list(StreamIngest(store).add_many(_stream(4)))
        assert not gc.isenabled()
    finally:
        gc.enable()
