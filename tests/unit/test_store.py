"""The SQLite store: round trips, idempotence, versions, migrations, errors."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from newsweave.errors import StoreError
from newsweave.model import Article
from newsweave.store import (
    SCHEMA_VERSION,
    Membership,
    Store,
    StreamIngest,
    story_articles,
)

STEELE = Article(
    id="nyt-steele",
    text="WASHINGTON — Michael Steele, chairman of the Republican National Committee, drew fierce criticism.\n\n"
    "Mr. Steele said the war in Afghanistan was “a war of Obama’s choosing.”",
    title="Michael Steele Criticized for Afghanistan Comments",
    url="http://www.nytimes.com/2010/07/03/us/politics/03steele.html?utm_source=x",
    outlet="nyt",
    published=dt.date(2010, 7, 2),
    removed=("Photo: Michael Steele (AP)",),
    origin="basil.jsonl:1",
    dateline=(7, 2),
)


def test_article_round_trip(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        assert store.add_article(STEELE).status == "new"
        assert store.get_article(STEELE.id) == STEELE
        assert list(store.articles()) == [STEELE]


def test_same_article_twice_is_stored_once(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        store.add_article(STEELE)
        again = store.add_article(STEELE)
        assert (again.status, again.article_id) == ("duplicate", STEELE.id)
        copy = Article(id="other-id", text=STEELE.text + "\n")  # same content, other name
        assert store.add_article(copy).status == "duplicate"
        assert store.count() == 1


def test_changed_text_at_same_url_is_a_new_version(tmp_path: Path) -> None:
    from dataclasses import replace

    updated = replace(STEELE, id="refetched", text=STEELE.text + "\n\nHe later apologised.")
    with Store.open(tmp_path / "db.sqlite") as store:
        store.add_article(STEELE)
        result = store.add_article(updated)
        assert (result.status, result.article_id, result.version) == ("new_version", STEELE.id, 2)
        assert store.get_article(STEELE.id).text.endswith("He later apologised.")
        assert store.article_versions(STEELE.id) == [(1, STEELE.text)]
        assert store.count() == 1


def test_reopen_keeps_data_and_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    with Store.open(path) as store:
        store.add_article(STEELE)
    with Store.open(path) as store:
        assert store.get_article(STEELE.id).title == STEELE.title
    version = sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0]
    assert version == SCHEMA_VERSION


def test_a_file_that_is_not_a_database_is_refused_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert str(path) in str(caught.value)


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="not a newsweave"):
        Store.open(path)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    Store.open(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(StoreError, match="newer"):
        Store.open(path)


def test_missing_article_and_story_raise(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        with pytest.raises(StoreError, match="no article"):
            store.get_article("nope")
        with pytest.raises(StoreError, match="no story"):
            store.story(42)


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.add_article(STEELE)
                raise RuntimeError("killed half way")
        assert store.count() == 0


def test_stories_count_independent_origins(tmp_path: Path) -> None:
    wire = Article(id="ap", text="A wire story about a flood in the valley. " * 5, published=dt.date(2020, 1, 2))
    reprint = Article(id="paper", text=wire.text + " Local note.", published=dt.date(2020, 1, 3))
    own = Article(id="own", text="Reporters saw the flood waters rise.", published=dt.date(2020, 1, 1))
    with Store.open(tmp_path / "db.sqlite") as store:
        for article in (wire, reprint, own):
            store.add_article(article)
            store.set_membership(Membership(article.id, 7, 0.5, (), (), article is wire), "Flood")
        store.set_duplicate_group("ap", "ap", 1.0)
        store.set_duplicate_group("paper", "ap", 0.9)
        store.set_duplicate_group("own", "own", 1.0)
        (story,) = store.stories()
        assert (story.id, story.title, story.sources) == ("7", "Flood", 2)
        assert set(story.article_ids) == {"ap", "paper", "own"}
        assert (story.first_seen, story.last_seen) == (dt.date(2020, 1, 1), dt.date(2020, 1, 3))
        assert store.story(7) == Story_like(story, store)
    assert [a.id for a in story_articles(tmp_path / "db.sqlite", "7")] == ["ap", "paper", "own"]


def Story_like(story, store):  # noqa: N802 - the listing and the lookup must agree
    return store.story(int(story.id))


def test_stream_ingest_continues_stories_across_runs(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    quake = "A magnitude 6.1 earthquake struck Tarnova province on Monday, killing 12 people, officials said."
    first = Article(id="a", text=quake + " Rescuers searched collapsed homes in Tarnova.", title="Quake hits Tarnova", published=dt.date(2021, 3, 1))
    second = Article(id="b", text=quake + " Aftershocks shook Tarnova overnight as rescuers dug.", title="Tarnova quake kills 12", published=dt.date(2021, 3, 2))
    with Store.open(path) as store:
        StreamIngest(store).add(first)
    with Store.open(path) as store:
        outcome = StreamIngest(store).add(second)
        assert outcome.story_id == store.story_of("a")
        assert store.story(outcome.story_id).article_ids == ("a", "b")


def test_an_article_another_connection_stored_is_still_seen_as_stored(tmp_path: Path) -> None:
    """The in-memory filter of stored keys must not hide what another process wrote."""
    import dataclasses

    path = tmp_path / "db.sqlite"
    with Store.open(path) as first, Store.open(path) as second:
        assert first.add_article(STEELE).status == "new"  # the first connection's filter now exists
        other = dataclasses.replace(STEELE, id="other", url=None, text="A different report on the same day.")
        assert second.add_article(other).status == "new"
        assert first.add_article(other).status == "duplicate"  # not a UNIQUE-constraint failure
        assert first.add_article(dataclasses.replace(other, id="copy")) == second.add_article(
            dataclasses.replace(other, id="copy")
        )


def test_the_key_filter_never_forgets_a_key() -> None:
    from newsweave.store import _KeyFilter

    keys = _KeyFilter()
    stored = [f"article-{n}" for n in range(5000)]
    for key in stored:
        keys.add(key)
    assert all(keys.may_hold(key) for key in stored)
    assert sum(keys.may_hold(f"absent-{n}") for n in range(5000)) < 5  # "maybe" only rarely for a new key


def test_a_copy_of_a_new_versions_text_is_a_duplicate(tmp_path: Path) -> None:
    """The filter of stored keys learns the content of a new version too."""
    from dataclasses import replace

    updated = replace(STEELE, id="refetched", text=STEELE.text + "\n\nHe later apologised.")
    copy = replace(updated, id="syndicated", url=None)
    with Store.open(tmp_path / "db.sqlite") as store:
        store.add_article(STEELE)
        assert store.add_article(updated).status == "new_version"
        result = store.add_article(copy)
        assert (result.status, result.article_id) == ("duplicate", STEELE.id)
        assert store.count() == 1


def test_an_article_is_stamped_when_it_is_stored_not_when_the_stream_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsweave.store as store_module

    clock = iter(f"2026-01-01T00:00:{second:02d}+00:00" for second in range(60))
    monkeypatch.setattr(store_module, "_now", lambda: next(clock))
    with Store.open(tmp_path / "db.sqlite") as store:
        stream = StreamIngest(store)
        for _ in range(5):  # time passes between opening the stream and the first article
            next(clock)
        list(stream.add_many([STEELE]))
        stamped = store._db.execute("SELECT added_at FROM articles WHERE id = ?", (STEELE.id,)).fetchone()[0]
    assert stamped >= "2026-01-01T00:00:05"


def test_a_prepared_article_survives_pickling_whole() -> None:
    """Workers send prepared articles to the writer pickled (flat field tuples, see PreparedArticle.__reduce__)."""
    import pickle

    from newsweave.store import prepare_article

    article = Article(
        id="a", text="Rescuers in Tarnova said 12 people died when the quake hit.\n\nMayor Ivo Kral toured the town.",
        title="Quake hits Tarnova", outlet="AP", published=dt.date(2023, 6, 19), removed=("Advertisement",),
        dateline=(6, 19),
    )
    prepared = prepare_article(article)
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(prepared, protocol))
        assert back == prepared
        assert list(back.features.terms.items()) == list(prepared.features.terms.items())
        assert back.features.term_slots == prepared.features.term_slots
