"""Properties of the store: what goes in comes out, and re-adding changes nothing."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsweave.model import Article
from newsweave.store import Store

_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200).filter(lambda t: t.strip())
_optional = st.none() | st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
articles = st.builds(
    Article,
    id=st.text("abcdefghijklmnopqrstuvwxyz0123456789-_:", min_size=1, max_size=24),
    text=_text,
    title=_optional,
    url=st.none() | st.from_regex(r"https://example\.org/[a-z]{1,12}", fullmatch=True),
    outlet=_optional,
    published=st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)),
    published_inferred=st.booleans(),
    language=st.none() | st.sampled_from(["en", "de"]),
    removed=st.lists(_text, max_size=3).map(tuple),
    origin=st.text(max_size=30).filter(lambda t: "\x00" not in t),
    dateline=st.none() | st.tuples(st.integers(1, 12), st.integers(1, 28)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles)
def test_an_article_survives_the_store_unchanged(article: Article) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        with Store.open(Path(tmp) / "db") as store:
            store.add_article(article)
        with Store.open(Path(tmp) / "db") as store:
            assert store.get_article(article.id) == article


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(articles, min_size=1, max_size=6))
def test_re_adding_the_same_articles_changes_nothing(batch: list[Article]) -> None:
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "db") as store:
        for article in batch:
            store.add_article(article)
        before = list(store.articles())
        # The same id with other text is a new version, so re-add what was kept.
        for article in before:
            assert store.add_article(article).status == "duplicate"
        assert list(store.articles()) == before


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=60), max_size=40))
def test_the_key_filter_has_no_false_absence(keys: list[str]) -> None:
    from newsweave.store import _KeyFilter

    present = _KeyFilter()
    for key in keys:
        present.add(key)
    assert all(present.may_hold(key) for key in keys)


@given(st.lists(st.text(), max_size=6))
def test_string_lists_are_stored_exactly_as_json_dumps_writes_them(values: list[str]) -> None:
    # Rows written before the fast encoder must compare equal to rows written after it.
    import json

    from newsweave.store import _json_strings

    assert _json_strings(values) == json.dumps(values)
    assert json.loads(_json_strings(tuple(values))) == values
