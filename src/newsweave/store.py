"""The embedded store: articles, their versions, near-duplicate groups and stories.

Stream side of the pipeline: ``ingest -> clean -> store -> dedup/cluster``.
SQLite from the standard library, in WAL mode so readers never block the
ingest, with every write inside a transaction: a killed process loses at most
the transaction it was in, never an article whose ingest was reported done.
The schema is versioned with ``PRAGMA user_version``; :data:`MIGRATIONS` lists
the steps from each version to the next and :meth:`Store.open` applies the
missing ones.

Every failure is a :class:`~newsweave.errors.StoreError` that names the
database path.

:class:`StreamIngest` is the stream's one code path (used by ``newsweave
ingest`` and the throughput benchmark alike): store the article, give it a
near-duplicate group (:mod:`newsweave.dedup`) and a story
(:mod:`newsweave.cluster`), all in one transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import sqlite3
import time
from collections import deque
from dataclasses import dataclass, fields, replace
from itertools import islice
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Literal, Sequence, TypeVar

from newsweave.errors import NewsweaveError, StoreError
from newsweave.ingest.common import canonical_url
from newsweave.model import Article, Story

__all__ = [
    "AddResult",
    "IngestOutcome",
    "MIGRATIONS",
    "PrepareFailure",
    "PreparedArticle",
    "Membership",
    "Store",
    "StreamIngest",
    "clean_and_prepare",
    "content_hash",
    "prepare_article",
    "preparing",
    "story_articles",
]

MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: the first schema.
    """
    CREATE TABLE articles (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        url TEXT,
        canonical_url TEXT,
        title TEXT,
        outlet TEXT,
        published TEXT,
        published_inferred INTEGER NOT NULL DEFAULT 0,
        language TEXT,
        text TEXT NOT NULL,
        removed TEXT NOT NULL DEFAULT '[]',
        origin TEXT NOT NULL DEFAULT '',
        dateline TEXT,
        content_hash TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        added_at TEXT NOT NULL
    );
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE INDEX articles_url ON articles(canonical_url);
    CREATE TABLE article_versions (
        article_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        title TEXT,
        text TEXT NOT NULL,
        removed TEXT NOT NULL DEFAULT '[]',
        published TEXT,
        content_hash TEXT NOT NULL,
        replaced_at TEXT NOT NULL,
        PRIMARY KEY (article_id, version)
    );
    CREATE TABLE near_duplicates (
        article_id TEXT PRIMARY KEY,
        group_id TEXT NOT NULL,
        similarity REAL NOT NULL,
        minhash BLOB
    );
    CREATE INDEX near_duplicates_group ON near_duplicates(group_id);
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE story_members (
        article_id TEXT PRIMARY KEY,
        story_id INTEGER NOT NULL,
        similarity REAL NOT NULL,
        shared_entities TEXT NOT NULL DEFAULT '[]',
        shared_terms TEXT NOT NULL DEFAULT '[]',
        founded INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX story_members_story ON story_members(story_id);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True, slots=True)
class AddResult:
    """What :meth:`Store.add_article` did: stored anew, saw a duplicate, or a new version."""

    status: Literal["new", "duplicate", "new_version"]
    article_id: str  # the stored article this input is (for a duplicate: the one it repeats)
    version: int = 1


@dataclass(frozen=True, slots=True)
class Membership:
    """An article's place in a story and why it is there."""

    article_id: str
    story_id: int
    similarity: float
    shared_entities: tuple[str, ...]
    shared_terms: tuple[str, ...]
    founded: bool
    duplicate_group: str | None = None


def content_hash(article: Article) -> str:
    """Hash of the cleaned text with whitespace normalised: equal for equal content."""
    return hashlib.sha1(" ".join(article.text.split()).encode("utf-8")).hexdigest()


def _canonical(article: Article) -> str | None:
    return canonical_url(article.url) if article.url else None


def _article_row(article: Article, digest: str, url: str | None, added_at: str | None = None) -> tuple[object, ...]:
    """The ``articles`` row of a new article whose canonical URL is ``url`` (see :meth:`Store._insert_articles`)."""
    return (
        article.id,
        article.url,
        url,
        article.title,
        article.outlet,
        article.published.isoformat() if article.published else None,
        int(article.published_inferred),
        article.language,
        article.text,
        _json_strings(article.removed),
        article.origin,
        json.dumps(list(article.dateline)) if article.dateline else None,
        digest,
        added_at or _now(),
    )


def _json_strings(values: Iterable[str]) -> str:
    """``json.dumps(list(values))`` of strings, character for character, without
    building an encoder per call (``json.dumps`` does; this runs for every row)."""
    return "[" + ", ".join(map(encode_basestring_ascii, values)) + "]"


def _membership_from_row(r: Sequence[object]) -> Membership:
    return Membership(
        str(r[0]), int(r[1]), float(r[2]), tuple(json.loads(str(r[3]))), tuple(json.loads(str(r[4]))), bool(r[5]),
        None if r[6] is None else str(r[6]),
    )


def _member_row(membership: Membership) -> tuple[object, ...]:
    """The ``story_members`` row of a membership."""
    return (
        membership.article_id,
        membership.story_id,
        membership.similarity,
        _json_strings(membership.shared_entities),
        _json_strings(membership.shared_terms),
        int(membership.founded),
    )


class _KeyFilter:
    """A Bloom filter of strings: "certainly absent" or "maybe present".

    32 MB whatever the store's size; holding the ids, content hashes and URLs
    of a million articles, it answers a false "maybe" (which only costs the
    lookup it would have cost anyway) for about one key in 270,000, so about
    one new article in 90,000. Uses Python's string hash, so it lives only in
    memory, rebuilt per process, and in full whenever another connection
    commits (two processes writing to one store each pay a rescan per batch).
    """

    _BITS = 1 << 28
    _PROBES = 4

    def __init__(self) -> None:
        self._bits = bytearray(self._BITS >> 3)

    def add(self, key: str) -> None:
        bits, mask = self._bits, self._BITS - 1
        value = hash(key) & 0xFFFF_FFFF_FFFF_FFFF
        step = (value >> 32) | 1  # odd: the probes never repeat
        for probe in range(self._PROBES):
            position = (value + probe * step) & mask
            bits[position >> 3] |= 1 << (position & 7)

    def add_row(self, *keys: str | None) -> None:
        for key in keys:
            if key is not None:
                self.add(key)

    def may_hold(self, key: str) -> bool:
        bits, mask = self._bits, self._BITS - 1
        value = hash(key) & 0xFFFF_FFFF_FFFF_FFFF
        step = (value >> 32) | 1
        for probe in range(self._PROBES):
            position = (value + probe * step) & mask
            if not bits[position >> 3] & (1 << (position & 7)):
                return False
        return True


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class Store:
    """An open newsweave database. Use :meth:`open`; close it (or use ``with``)."""

    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        self._db = connection
        self.path = path
        self._depth = 0
        # Which ids, contents and URLs may be stored, to skip the lookups of
        # new articles: made on first use, dropped when another connection writes.
        self._keys: _KeyFilter | None = None
        self._data_version: int | None = None

    # -- opening -----------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, create: bool = True) -> "Store":
        """Open the database at ``path`` (creating it if needed and ``create``) and migrate it.

        Raises StoreError naming the path when the file is not a newsweave
        database, is from a newer newsweave, or cannot be opened, and, with
        ``create`` False, when there is none: a command that only reads must
        not leave an empty database behind.
        """
        name = str(path)
        if not create and not Path(path).exists():
            raise StoreError(f"{name}: no such database (newsweave ingest creates one)", name)
        try:
            connection = sqlite3.connect(name, isolation_level=None, timeout=30.0)
        except sqlite3.Error as exc:
            raise StoreError(f"{name}: cannot open the database ({exc})", name) from exc
        store = cls(connection, name)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            # A bigger page cache (256 MB, allocated only as used): index inserts
            # into a million-article file stay in memory instead of re-reading pages.
            connection.execute("PRAGMA cache_size=-262144")
            connection.execute("PRAGMA foreign_keys=ON")
            store._migrate()
        except sqlite3.DatabaseError as exc:
            connection.close()
            raise StoreError(f"{name}: not a newsweave database ({exc})", name) from exc
        except StoreError:
            connection.close()
            raise
        return store

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: database schema version {version} is newer than this newsweave's "
                f"({SCHEMA_VERSION}); upgrade newsweave",
                self.path,
            )
        if version == 0 and self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise StoreError(f"{self.path}: an SQLite database, but not a newsweave one", self.path)
        for target in range(version, SCHEMA_VERSION):
            with self.transaction():
                for statement in MIGRATIONS[target].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {target + 1}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of writes; nested uses join the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot start a transaction ({exc})", self.path) from exc
        self._depth = 1
        try:
            if self._keys is not None:
                version = self._db.execute("PRAGMA data_version").fetchone()[0]
                if version != self._data_version:  # another connection committed: it may have stored articles
                    self._keys = None
            yield
        except BaseException:
            self._depth = 0
            self._db.execute("ROLLBACK")
            raise
        self._depth = 0
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: commit failed ({exc})", self.path) from exc

    # -- articles ----------------------------------------------------------
    def add_article(self, article: Article, digest: str | None = None) -> AddResult:
        """Store a cleaned article, idempotently.

        The same id with the same content is a ``duplicate``; the same id (or
        the same canonical URL) with changed text becomes a ``new_version``
        (the old text is kept in ``article_versions``, the latest wins); the
        same content under another id is a ``duplicate`` of the stored one.
        """
        digest = digest or content_hash(article)
        url = _canonical(article)
        with self.transaction():
            known = self._known_article(article, digest, url)
            if known is not None:
                return known
            self._insert_articles([_article_row(article, digest, url)])
            return AddResult("new", article.id)

    def _known_article(self, article: Article, digest: str, url: str | None) -> AddResult | None:
        """What storing ``article`` (canonical URL ``url``) would be when it is already stored
        (a duplicate or a new version, which is written here), or None for a new article
        (nothing written)."""
        keys = self._key_filter()
        if not keys.may_hold(article.id) and not keys.may_hold(digest) and not (url and keys.may_hold(url)):
            return None  # certainly new: no lookup
        # One indexed lookup for both the id and the content.
        rows = self._db.execute(
            "SELECT id, content_hash, version FROM articles WHERE id = ? OR content_hash = ? ORDER BY seq",
            (article.id, digest),
        ).fetchall()
        row = next((r for r in rows if r[0] == article.id), None)
        if row is None and url:
            row = self._db.execute(
                "SELECT id, content_hash, version FROM articles WHERE canonical_url = ? ORDER BY seq LIMIT 1", (url,)
            ).fetchone()
        if row is not None:
            stored_id, stored_hash, version = row
            if stored_hash == digest:
                return AddResult("duplicate", stored_id, version)
            self._archive_version(stored_id, version)
            self._db.execute(
                "UPDATE articles SET title=?, text=?, removed=?, published=?, published_inferred=?, "
                "outlet=?, content_hash=?, version=?, origin=? WHERE id=?",
                (
                    article.title,
                    article.text,
                    _json_strings(article.removed),
                    article.published.isoformat() if article.published else None,
                    int(article.published_inferred),
                    article.outlet,
                    digest,
                    version + 1,
                    article.origin,
                    stored_id,
                ),
            )
            self._key_filter().add(digest)
            return AddResult("new_version", stored_id, version + 1)
        if rows:  # the same content under another id: the first stored copy
            return AddResult("duplicate", rows[0][0])
        return None

    def _insert_articles(self, rows: Sequence[tuple[object, ...]]) -> None:
        """Insert rows made by :func:`_article_row` (new articles)."""
        self._db.executemany(
            "INSERT INTO articles (id, url, canonical_url, title, outlet, published, published_inferred, "
            "language, text, removed, origin, dateline, content_hash, added_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        if self._keys is not None:
            for row in rows:
                self._keys.add_row(row[0], row[12], row[2])  # id, content hash, canonical URL

    def _key_filter(self) -> "_KeyFilter":
        """The filter of stored keys, made from the store's indexes when missing."""
        if self._keys is None:
            keys = _KeyFilter()
            for column in ("id", "content_hash", "canonical_url"):  # each read from its covering index
                for (value,) in self._db.execute(f"SELECT {column} FROM articles WHERE {column} IS NOT NULL"):
                    keys.add(value)
            self._keys = keys
            self._data_version = self._db.execute("PRAGMA data_version").fetchone()[0]
        return self._keys

    def _archive_version(self, article_id: str, version: int) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO article_versions (article_id, version, title, text, removed, published, "
            "content_hash, replaced_at) SELECT id, version, title, text, removed, published, content_hash, ? "
            "FROM articles WHERE id = ?",
            (_now(), article_id),
        )
        del version  # the row carries it

    def get_article(self, article_id: str) -> Article:
        """The latest version of a stored article; StoreError when there is none."""
        row = self._db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no article with id {article_id!r}", article_id)
        return _article_from_row(row)

    def article_versions(self, article_id: str) -> list[tuple[int, str]]:
        """Earlier versions of an article as ``(version, text)``, oldest first."""
        rows = self._db.execute(
            "SELECT version, text FROM article_versions WHERE article_id = ? ORDER BY version", (article_id,)
        ).fetchall()
        return [(int(v), str(t)) for v, t in rows]

    def articles(self) -> Iterator[Article]:
        """Every stored article (latest versions) in the order they were first stored."""
        cursor = self._db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY seq")
        for row in cursor:
            yield _article_from_row(row)

    def recent_articles(self, limit: int) -> list[Article]:
        """The last ``limit`` stored articles, oldest first (to rebuild stream state)."""
        rows = self._db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY seq DESC LIMIT ?", (limit,)
        ).fetchall()
        return [_article_from_row(r) for r in reversed(rows)]

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    # -- near-duplicates ---------------------------------------------------
    def set_duplicate_group(self, article_id: str, group_id: str, similarity: float, minhash: bytes | None = None) -> None:
        """Record an article's near-duplicate group (and its MinHash, to rebuild the index)."""
        with self.transaction():
            self._set_duplicate_groups([(article_id, group_id, similarity, minhash)])

    def _set_duplicate_groups(self, rows: Sequence[tuple[str, str, float, bytes | None]]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO near_duplicates (article_id, group_id, similarity, minhash) VALUES (?,?,?,?)", rows
        )

    def duplicate_group(self, article_id: str) -> str | None:
        row = self._db.execute("SELECT group_id FROM near_duplicates WHERE article_id = ?", (article_id,)).fetchone()
        return None if row is None else str(row[0])

    # -- stories -----------------------------------------------------------
    def set_membership(self, membership: Membership, title: str | None = None) -> None:
        """Put an article in a story (creating the story), replacing any earlier place."""
        with self.transaction():
            self._set_membership(membership, title)

    def _set_memberships(self, memberships: Sequence[Membership], titles: dict[int, str] | None = None) -> None:
        """Many :meth:`_set_membership` calls in a few statements.

        ``titles`` names the stories these memberships found (a founder's
        title goes to a story without one); other stories are created untitled
        when missing.
        """
        titles = titles or {}
        if titles:
            self._db.executemany(
                "INSERT INTO stories (id, title) VALUES (?, ?) "
                "ON CONFLICT(id) DO UPDATE SET title = excluded.title WHERE stories.title = ''",
                sorted(titles.items()),
            )
        self._db.executemany(
            "INSERT OR IGNORE INTO stories (id, title) VALUES (?, '')",
            [(s,) for s in sorted({m.story_id for m in memberships} - titles.keys())],
        )
        self._write_members(memberships)

    def _write_members(self, memberships: Sequence[Membership]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO story_members (article_id, story_id, similarity, shared_entities, "
            "shared_terms, founded) VALUES (?,?,?,?,?,?)",
            [_member_row(m) for m in memberships],
        )

    def _set_membership(self, membership: Membership, title: str | None = None) -> None:
        if title and membership.founded:  # create the story, or title an untitled one
            self._db.execute(
                "INSERT INTO stories (id, title) VALUES (?, ?) "
                "ON CONFLICT(id) DO UPDATE SET title = excluded.title WHERE stories.title = ''",
                (membership.story_id, title),
            )
        else:
            self._db.execute("INSERT OR IGNORE INTO stories (id, title) VALUES (?, ?)", (membership.story_id, title or ""))
        self._write_members([membership])

    def set_story_title(self, story_id: int, title: str) -> None:
        with self.transaction():
            self._set_story_titles({story_id: title})

    def _set_story_titles(self, titles: dict[int, str]) -> None:
        self._db.executemany("UPDATE stories SET title = ? WHERE id = ?", [(t, s) for s, t in sorted(titles.items())])

    def max_story_id(self) -> int:
        """The highest story id ever stored (0 for none): new stories number above it."""
        row = self._db.execute("SELECT max(id) FROM stories").fetchone()
        return int(row[0] or 0)

    def drop_empty_stories(self, story_ids: Iterable[int] | None = None) -> int:
        """Delete stories without members: all of them, or only among ``story_ids``.

        A stream passes the stories its repair touched: a scan of every story
        per repair would grow with the database.
        """
        with self.transaction():
            if story_ids is None:
                cursor = self._db.execute("DELETE FROM stories WHERE id NOT IN (SELECT story_id FROM story_members)")
                return cursor.rowcount
            cursor = self._db.executemany(
                "DELETE FROM stories WHERE id = ? AND NOT EXISTS (SELECT 1 FROM story_members WHERE story_id = ?)",
                [(story_id, story_id) for story_id in story_ids],
            )
            return cursor.rowcount

    def memberships(self, story_id: int) -> list[Membership]:
        rows = self._db.execute(
            "SELECT m.article_id, m.story_id, m.similarity, m.shared_entities, m.shared_terms, m.founded, d.group_id "
            "FROM story_members m JOIN articles a ON a.id = m.article_id "
            "LEFT JOIN near_duplicates d ON d.article_id = m.article_id WHERE m.story_id = ? ORDER BY a.seq",
            (story_id,),
        ).fetchall()
        return [_membership_from_row(r) for r in rows]

    def membership(self, article_id: str) -> Membership | None:
        """An article's place in its story and why (None when it has none)."""
        r = self._db.execute(
            "SELECT m.article_id, m.story_id, m.similarity, m.shared_entities, m.shared_terms, m.founded, d.group_id "
            "FROM story_members m LEFT JOIN near_duplicates d ON d.article_id = m.article_id WHERE m.article_id = ?",
            (article_id,),
        ).fetchone()
        return None if r is None else _membership_from_row(r)

    def story_of(self, article_id: str) -> int | None:
        row = self._db.execute("SELECT story_id FROM story_members WHERE article_id = ?", (article_id,)).fetchone()
        return None if row is None else int(row[0])

    def stories(self, limit: int | None = None, offset: int = 0) -> list[Story]:
        """Non-empty stories, oldest first, with dates and independent-origin counts.

        ``limit`` and ``offset`` page through them (the groups are built in
        story order, so a page costs its own stories, not the whole store's).
        """
        rows = self._db.execute(
            "SELECT s.id, s.title, group_concat(m.article_id, char(31)), min(a.published), max(a.published), "
            "count(DISTINCT coalesce(d.group_id, m.article_id)) "
            "FROM stories s JOIN story_members m ON m.story_id = s.id JOIN articles a ON a.id = m.article_id "
            "LEFT JOIN near_duplicates d ON d.article_id = m.article_id GROUP BY s.id ORDER BY s.id LIMIT ? OFFSET ?",
            (-1 if limit is None else limit, offset),
        ).fetchall()
        return [self._story_from_row(r) for r in rows]

    def story(self, story_id: int) -> Story:
        """One story; StoreError when there is no such story."""
        members = self.memberships(story_id)
        if not members:
            raise StoreError(f"{self.path}: no story with id {story_id}", story_id)
        title = self._db.execute("SELECT title FROM stories WHERE id = ?", (story_id,)).fetchone()
        dates = [a.published for a in (self.get_article(m.article_id) for m in members) if a.published]
        origins = {m.duplicate_group or m.article_id for m in members}
        return Story(
            id=str(story_id),
            title=str(title[0]) if title else "",
            article_ids=tuple(m.article_id for m in members),
            first_seen=min(dates) if dates else None,
            last_seen=max(dates) if dates else None,
            sources=len(origins),
        )

    def story_articles(self, story_id: int) -> list[Article]:
        """The articles of a story, in the order they were stored."""
        return [self.get_article(m.article_id) for m in self.memberships(story_id)]

    @staticmethod
    def _story_from_row(row: Sequence[object]) -> Story:
        ids = str(row[2]).split("\x1f") if row[2] else []
        return Story(
            id=str(row[0]),
            title=str(row[1] or ""),
            article_ids=tuple(ids),
            first_seen=dt.date.fromisoformat(str(row[3])) if row[3] else None,
            last_seen=dt.date.fromisoformat(str(row[4])) if row[4] else None,
            sources=int(row[5]),  # type: ignore[call-overload]
        )


_ARTICLE_COLUMNS = "id, text, title, url, outlet, published, published_inferred, language, removed, origin, dateline"


def _article_from_row(row: Sequence[object]) -> Article:
    dateline = json.loads(str(row[10])) if row[10] else None
    return Article(
        id=str(row[0]),
        text=str(row[1]),
        title=None if row[2] is None else str(row[2]),
        url=None if row[3] is None else str(row[3]),
        outlet=None if row[4] is None else str(row[4]),
        published=dt.date.fromisoformat(str(row[5])) if row[5] else None,
        published_inferred=bool(row[6]),
        language=None if row[7] is None else str(row[7]),
        removed=tuple(json.loads(str(row[8]))),
        origin=str(row[9]),
        dateline=(int(dateline[0]), int(dateline[1])) if dateline else None,
    )


def story_json(story: Story) -> dict[str, object]:
    """A story as ``newsweave stories --format json`` and the server's ``/api/stories`` list it."""
    return {
        "id": story.id,
        "title": story.title,
        "articles": list(story.article_ids),
        "sources": story.sources,
        "first": story.first_seen.isoformat() if story.first_seen else None,
        "last": story.last_seen.isoformat() if story.last_seen else None,
    }


def story_articles(db_path: str | Path, story_id: int | str) -> list[Article]:
    """The articles of story ``story_id`` in the database at ``db_path`` (for ``brief --story``).

    Raises StoreError when the database cannot be opened or has no such story.
    """
    try:
        number = int(story_id)
    except ValueError as exc:
        raise StoreError(f"story id must be a number, got {story_id!r}", story_id) from exc
    if not 0 <= number < 2**63:  # SQLite's integers; a longer id would overflow the query
        raise StoreError(f"{db_path}: no story with id {story_id}", story_id)
    with Store.open(db_path, create=False) as store:
        articles = store.story_articles(number)
        if not articles:
            raise StoreError(f"{db_path}: no story with id {number}", number)
        return articles


# -- the stream: store, then near-duplicate group, then story -----------------

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


def clean_and_prepare(raw: Article) -> "PreparedArticle | PrepareFailure":
    """Clean an ingested article and prepare it (the CLI's per-article CPU work, for a worker).

    An article the brief would refuse (too little text, not English) is not
    stored either: it is reported as a failure naming its input.
    """
    from newsweave.clean import clean_article
    from newsweave.ingest.common import refusal

    try:
        cleaned = clean_article(raw)
        reason = refusal(cleaned)
        if reason is not None:
            return PrepareFailure(raw.id, f"{raw.origin or raw.id}: {reason}")
        return prepare_article(cleaned)
    except NewsweaveError as exc:
        return PrepareFailure(raw.id, f"{raw.origin or raw.id}: {exc}")


@contextlib.contextmanager
def preparing(
    items: Iterable[_Item], prepare: Callable[[_Item], _Result], workers: int = 1, chunksize: int = 64
) -> Iterator[Iterator[_Result]]:
    """``map(prepare, items)`` in order, computed by ``workers`` forked processes (0: in this one).

    The writer is one process (SQLite has one writer, the clusterer one
    state); the per-article work that needs neither runs beside it, on the
    other core. Enter this before starting threads (a progress bar): the
    workers are forked on entry. ``prepare`` must be a module-level function.
    At most four windows of ``chunksize * 16`` items are in flight: the
    workers outrun the writer, and ``Pool.imap`` alone would buffer the
    whole stream in memory.
    """
    if workers <= 0:
        yield map(prepare, items)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with _quiet_pool_type()(workers, initializer=_yield_to_the_writer, context=context) as pool:
        yield _in_windows(pool, prepare, iter(items), chunksize, chunksize * 16)


def _quiet_pool_type() -> type:
    """``multiprocessing.Pool`` whose worker-keeping thread sleeps until a worker exits or the pool changes.

    The standard pool's thread also wakes whenever a result waits in the
    results pipe, and loops (checking on every worker) until the result
    thread has read it: in a stream of small results that loop took 5.4 s
    of CPU in a 200k ingest's writing process (3.5 %), and the GIL from the
    thread that stores and clusters. It has nothing to do with results: the
    pool's cache tells it through the change notifier when the last task is
    done, which is all it waits for once the pool is closed.
    """
    from multiprocessing.pool import Pool

    class QuietPool(Pool):
        def _get_sentinels(self) -> list[object]:  # the standard one adds the results pipe
            return [self._change_notifier._reader]  # type: ignore[attr-defined]

    return QuietPool


def _yield_to_the_writer() -> None:
    """Lower a worker's scheduling priority to the least: the single writer
    bounds the stream's rate, and with as many workers as cores it would
    otherwise wait for a core the workers (which keep windows of work in hand)
    do not need as urgently. At niceness 5 the writer of a 100k ingest still
    spent 11.5 s of its 85 s runnable but waiting for a core; at 19, 4.7 s,
    and the ingest took 7 % less time (BENCHMARKS.md). A worker at 19 still
    runs whenever a core is free, so it never starves the writer it feeds."""
    import os

    with contextlib.suppress(OSError):
        os.nice(19)


# Windows computed ahead of the writer: with two, a worker that finishes its
# window while the writer is busy (a story repair) waits; four keep it busy.
_WINDOWS_IN_FLIGHT = 4


def _in_windows(pool: "Pool", prepare: Callable[[_Item], _Result], items: Iterator[_Item], chunksize: int, window: int) -> Iterator[_Result]:
    """Results of ``prepare`` over ``items`` in order, computing the next window while this one is consumed."""
    pending: deque["AsyncResult[list[_Result]]"] = deque()

    def submit() -> None:
        block = list(islice(items, window))
        if block:
            pending.append(pool.map_async(prepare, block, chunksize))

    for _ in range(_WINDOWS_IN_FLIGHT):
        submit()
    while pending:
        results = pending.popleft().get()
        submit()
        yield from results


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """One article's ingest, reported only after its transaction committed.

    ``status`` is ``failed`` (with ``error``) when the article could not be
    stored; nothing of it was written and the rest of its batch stands.
    """

    article_id: str
    status: Literal["new", "duplicate", "new_version", "failed"]
    group_id: str | None = None
    story_id: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    """An article with the stream's per-article CPU work done: clustering features and MinHash.

    Pure of any store or index state, so it can be computed in a worker
    process while the single writer stores and clusters the previous ones.
    """

    article: Article
    features: "ArticleFeatures"
    minhash: bytes  # dedup.to_bytes of the signature
    digest: str  # content_hash of the article

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # Pickled as flat tuples of field values, rebuilt through __init__ (every
        # field of Article and ArticleFeatures is a parameter of it): a slots
        # dataclass otherwise pickles through __getstate__/__setstate__ that walk
        # fields() in Python for every object, a fifth of what sending an
        # article from a worker to the writer costs on both sides.
        article, features = self.article, self.features
        state = (type(article), _field_values(article), type(features), _field_values(features), self.minhash, self.digest)
        return _prepared, state


def _prepared(
    article_type: type[Article], article_values: tuple[object, ...], features_type: "type[ArticleFeatures]",
    feature_values: tuple[object, ...], minhash: bytes, digest: str,
) -> PreparedArticle:
    """A :class:`PreparedArticle` back from its pickled form (see ``PreparedArticle.__reduce__``)."""
    return PreparedArticle(article_type(*article_values), features_type(*feature_values), minhash, digest)  # type: ignore[arg-type]


_FIELD_GETTERS: dict[type, Callable[[object], tuple[object, ...]]] = {}


def _field_values(value: object) -> tuple[object, ...]:
    """A dataclass's field values in field order (one C call through a getter made once per class)."""
    getter = _FIELD_GETTERS.get(type(value))
    if getter is None:
        getter = _FIELD_GETTERS[type(value)] = attrgetter(*(f.name for f in fields(value)))  # type: ignore[arg-type]
    return getter(value)


@dataclass(frozen=True, slots=True)
class PrepareFailure:
    """An input that could not be cleaned or prepared (a value, so it crosses a process boundary)."""

    article_id: str
    message: str


def prepare_article(article: Article, dedup_config: "DedupConfig | None" = None) -> PreparedArticle:
    """Features and MinHash signature of a cleaned article (see :class:`PreparedArticle`)."""
    from newsweave.cluster import article_features
    from newsweave.dedup import DedupConfig, signature, to_bytes

    minhash = to_bytes(signature(article.text, dedup_config or DedupConfig()))
    return PreparedArticle(article, article_features(article), minhash, content_hash(article))


# Articles whose stories stay in the clusterer's memory: an older story takes
# no more articles (DedupConfig.capacity keeps as many signatures). Half the
# earlier 100k: the writer spends 15 % less CPU an article over a 200k stream;
# a story then takes a late article only while its own are among the last
# 50k (BENCHMARKS.md).
MEMORY_ARTICLES = 50_000


class StreamIngest:
    """Adds articles to a store one at a time: stored, grouped, clustered, committed.

    On opening it rebuilds the in-memory near-duplicate index and clusterer
    from the last ``replay`` stored articles, so a later run continues the
    stories of an earlier one. Each :meth:`add` is one transaction: once it
    returns, the article, its group and its story are on disk. The clusterer
    keeps the stories of the last ``memory_articles`` articles; the
    near-duplicate index keeps ``dedup_config.capacity`` signatures.
    """

    def __init__(
        self,
        store: Store,
        cluster_config: "ClusterConfig | None" = None,
        dedup_config: "DedupConfig | None" = None,
        replay: int = 20_000,
        memory_articles: int = MEMORY_ARTICLES,
    ) -> None:
        from newsweave.cluster import StoryClusterer
        from newsweave.dedup import NearDuplicateIndex

        self.store = store
        self.dedup = NearDuplicateIndex(dedup_config)
        self.clusterer = StoryClusterer(cluster_config)
        self.memory_articles = memory_articles
        self._pending = _PendingWrites()
        self._broken = False  # set when a batch failed: memory no longer matches the store
        self._replay(replay)
        self.clusterer.reserve_ids(store.max_story_id())

    def _replay(self, limit: int) -> None:
        """Rebuild the in-memory state from the last ``limit`` stored articles.

        Signatures are computed again from the stored text, so a store
        written under other MinHash settings (another ``max_chars``) stays
        comparable; each article keeps the join reason stored for it.
        """
        from newsweave.cluster import JoinReason, article_features

        for article in self.store.recent_articles(limit):
            group = self.store.duplicate_group(article.id)
            if group is not None:
                self.dedup.add(article.id, article.text, None, group)
            membership = self.store.membership(article.id)
            if membership is not None:
                reason = JoinReason(
                    membership.similarity, membership.shared_entities, membership.shared_terms,
                    membership.similarity, membership.founded,
                )
                self.clusterer.place(article_features(article), membership.story_id, reason)

    def add(self, article: Article | PreparedArticle) -> IngestOutcome:
        """Store, group and cluster one cleaned article in one transaction."""
        self._check_usable()
        try:
            with self.store.transaction():
                outcome = self._add_guarded(article, guard=False)
                self._flush()
                return outcome
        except BaseException:
            self._broken = True  # memory holds the article the store rolled back
            raise
        finally:
            self._pending = _PendingWrites()  # written, or rolled back with the transaction

    def _check_usable(self) -> None:
        if self._broken:
            raise StoreError(
                f"{self.store.path}: an earlier batch failed and was rolled back; open a new StreamIngest "
                "(it rebuilds its state from the store)",
                self.store.path,
            )

    def _current(self, outcome: IngestOutcome) -> IngestOutcome:
        """The outcome with the article's story as it is now (after the batch's repairs)."""
        if outcome.status != "new":
            return outcome
        try:
            story_id: int | None = self.clusterer.story_of(outcome.article_id)
        except KeyError:  # forgotten by now: the store knows
            story_id = self.store.story_of(outcome.article_id)
        return outcome if story_id == outcome.story_id else replace(outcome, story_id=story_id)

    def add_many(
        self, articles: Iterable[Article | PreparedArticle], batch_size: int = 500, batch_seconds: float = 0.5
    ) -> Iterator[IngestOutcome]:
        """Add articles in batches: one transaction per ``batch_size`` articles or ``batch_seconds``.

        Outcomes of a batch are yielded only after its commit, so every
        article reported done is on disk; a kill loses at most the batch in
        flight, none of which was reported. A new article's rows are queued
        and written with the rest of its batch just before the commit (a few
        statements per batch instead of several per article); an article that
        fails (a NewsweaveError) leaves nothing queued and is reported
        ``failed``, the rest of the batch stands. A failure of the store
        itself (writing the batch, a story repair) rolls the whole batch back
        and is raised; this StreamIngest then refuses further work, as its
        memory holds articles the store does not. (A commit per article costs
        a WAL frame write and a lock round-trip each; batches are what make a
        million articles affordable.) While the stream runs, Python's garbage
        collector makes one full pass every 100k articles instead of its
        automatic ones (see :class:`_RareCollections`); this is process-wide,
        and restored when the stream ends.
        """
        iterator = iter(articles)
        with _RareCollections() as collector:
            yield from self._add_batches(iterator, batch_size, batch_seconds, collector)

    def _add_batches(
        self, iterator: Iterator[Article | PreparedArticle], batch_size: int, batch_seconds: float,
        collector: "_RareCollections",
    ) -> Iterator[IngestOutcome]:
        while True:
            done: list[IngestOutcome] = []
            started = time.monotonic()
            self._check_usable()
            try:
                with self.store.transaction():
                    for item in iterator:
                        done.append(self._add_guarded(item))
                        if len(done) >= batch_size or time.monotonic() - started >= batch_seconds:
                            break
                    self._flush()
            except BaseException:
                self._broken = True  # memory holds the batch the store rolled back
                raise
            finally:
                self._pending = _PendingWrites()  # written, or rolled back with the transaction
            # A repair later in the batch may have moved an article since its outcome was made.
            yield from (self._current(outcome) for outcome in done)
            if not done:
                return
            collector.counted(len(done))

    def _add_guarded(self, item: Article | PreparedArticle, guard: bool = True) -> IngestOutcome:
        """:meth:`_add`, an article that fails (a NewsweaveError) reported ``failed`` and forgotten.

        Outside the guard: writing the rows of earlier articles and the
        repair, whose failures are the store's trouble, not this article's,
        and roll the whole batch back.
        """
        article = item.article if isinstance(item, PreparedArticle) else item
        digest = item.digest if isinstance(item, PreparedArticle) else content_hash(article)
        url = _canonical(article)
        if self._pending.holds(article.id, digest, url):
            self._flush()  # the same id, text or URL earlier in this batch: let the store judge
        try:
            outcome = self._add(item, digest, url)
        except NewsweaveError as exc:
            if not guard:
                raise
            self.dedup.forget(article.id)  # it may have been indexed before the failure
            return IngestOutcome(article.id, "failed", error=str(exc))
        return self._settle(outcome)

    def _settle(self, outcome: IngestOutcome) -> IngestOutcome:
        """Run a repair when one is due; the outcome then names the article's story after it."""
        if outcome.status != "new" or not self.clusterer.repair_due:
            return outcome
        self._flush()  # a repair rewrites memberships and reads titles: the rows must be there
        self._repair()
        # The clusterer knows where the article is now (the store agrees, the
        # repair wrote every move), unless it forgot it.
        try:
            story_id: int | None = self.clusterer.story_of(outcome.article_id)
        except KeyError:
            story_id = self.store.story_of(outcome.article_id)
        return IngestOutcome(outcome.article_id, "new", outcome.group_id, story_id)

    def _flush(self) -> None:
        """Write the queued rows of new articles (inside the open transaction)."""
        pending = self._pending
        if pending.articles:
            self.store._insert_articles(pending.articles)
            self.store._set_duplicate_groups(pending.groups)
            self.store._set_memberships(pending.members, pending.titles)
        self._pending = _PendingWrites()

    def _add(self, item: Article | PreparedArticle, digest: str, url: str | None) -> IngestOutcome:
        """Store, group and cluster one article inside the open transaction (its rows queued)."""
        from newsweave.cluster import article_features
        from newsweave.dedup import from_bytes, to_bytes

        article = item.article if isinstance(item, PreparedArticle) else item
        # The store's in-transaction writers: this runs inside add()'s or add_many()'s transaction.
        known = self.store._known_article(article, digest, url)
        if known is not None:
            return IngestOutcome(known.article_id, known.status, self.store.duplicate_group(known.article_id), self.store.story_of(known.article_id))
        if isinstance(item, PreparedArticle):
            minhash, signature_bytes, features = from_bytes(item.minhash, self.dedup.config), item.minhash, item.features
        else:
            minhash = self.dedup.signature(article.text)
            signature_bytes, features = to_bytes(minhash), article_features(article)
        match = self.dedup.add(article.id, article.text, minhash)
        assignment = self.clusterer.assign(features)
        # Queued only now that nothing can fail: a failed article leaves no row behind.
        self._pending.add(
            article, digest, url, (article.id, match.group_id, match.similarity, signature_bytes),
            _membership(article.id, assignment.story_id, assignment.reason), features.title,
        )
        return IngestOutcome(article.id, "new", match.group_id, assignment.story_id)

    def finish(self) -> int:
        """Run a last, thorough repair (end of a batch of input); return how many articles moved."""
        with self.store.transaction():
            self._flush()
            return self._repair(thorough=True)

    def _repair(self, thorough: bool = False) -> int:
        moves = self.clusterer.repair(thorough)
        touched = {story for _, old, new in moves for story in (old, new)}
        # Only what the repair changed: a merge keeps the older story's members as they were.
        rewritten = [
            _membership(article_id, self.clusterer.story_of(article_id), self.clusterer.reason(article_id))
            for article_id in sorted(self.clusterer.reexplained)
        ]
        self.store._set_memberships(rewritten)  # creates the stories a split started ...
        self.store._set_story_titles(  # ... which take their founder's title, as the kept side does
            {m.story_id: self.clusterer.title(m.article_id) for m in rewritten if m.founded}
        )
        if touched:
            self.store.drop_empty_stories(touched)
        self.clusterer.forget_oldest(self.memory_articles)
        return len(moves)


class _RareCollections:
    """Python's cyclic garbage collector paused for a stream, run on young objects every ``every`` articles.

    The writer holds a few million long-lived objects (the clusterer's and
    the near-duplicate index's state); the collector's automatic full
    passes walk them all, again and again as the stream churns, which cost
    a tenth of the writer's time at 100k articles and more as the heap
    grew. The stream itself makes almost no reference cycles (about one
    object in a hundred articles), and they are young when they become
    garbage: a pass over the objects made since the last one (generations
    0 and 1) every ``every`` articles frees as many as a full pass did
    (1,182 against 1,176 at 100k articles), in bounded memory, in a third
    of the time (0.9 s against 2.6 s; a full pass took 3.1 s at 200k and
    grows with the heap). The collector's state is restored on exit (also
    when the stream fails or is abandoned), and its own full passes resume.
    """

    def __init__(self, every: int = 100_000) -> None:
        self.every = every
        self._since = 0
        self._was_enabled = False

    def __enter__(self) -> "_RareCollections":
        self._was_enabled = gc.isenabled()
        gc.disable()
        return self

    def counted(self, articles: int) -> None:
        self._since += articles
        if self._since >= self.every:
            self._since = 0
            gc.collect(1)

    def __exit__(self, *exc: object) -> None:
        if self._was_enabled:
            gc.enable()


class _PendingWrites:
    """Rows of new articles queued for one batch's bulk write, and what they hold (to spot repeats)."""

    def __init__(self) -> None:
        self.articles: list[tuple[object, ...]] = []
        self.groups: list[tuple[str, str, float, bytes | None]] = []
        self.members: list[Membership] = []
        self.titles: dict[int, str] = {}  # stories founded in this batch -> their title
        self._keys: set[str] = set()  # ids, content hashes and canonical URLs queued
        self._added_at: str | None = None  # read once, at the batch's first article (a batch lasts about a second)

    def holds(self, article_id: str, digest: str, url: str | None) -> bool:
        keys = self._keys
        return bool(keys) and (article_id in keys or digest in keys or (url is not None and url in keys))

    def add(
        self,
        article: Article,
        digest: str,
        url: str | None,
        group: tuple[str, str, float, bytes | None],
        member: Membership,
        title: str | None,
    ) -> None:
        if self._added_at is None:
            self._added_at = _now()
        self.articles.append(_article_row(article, digest, url, self._added_at))
        self.groups.append(group)
        self.members.append(member)
        if member.founded and title:
            self.titles[member.story_id] = title
        self._keys.update((article.id, digest))
        if url is not None:
            self._keys.add(url)


def _membership(article_id: str, story_id: int, reason: "JoinReason") -> Membership:
    return Membership(article_id, story_id, reason.similarity, reason.shared_names, reason.shared_terms, reason.founded)


if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool

    from newsweave.cluster import ArticleFeatures, ClusterConfig, JoinReason
    from newsweave.dedup import DedupConfig
