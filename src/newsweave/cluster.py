"""Online story clustering: each new article joins a story or starts one.

Stream side of the pipeline (``ingest -> clean -> store -> dedup -> cluster``).
Built for millions of articles, so no spaCy here: an article becomes

* a sparse TF-IDF vector of stemmed content words (title words count double),
  with document frequencies learnt online over the stream;
* a set of *names*: words printed capitalised inside a sentence (a cheap
  proper-noun finder: "Steele", "Mysore", "Aden");
* a set of *figures*: numbers with the word they count ("23 pirates"),
  which tell two events of one kind apart (two quakes, two arrests);
* its publication date.

A story keeps the sum of its members' vectors (its centroid) and counts of
their names. An article joins the best-scoring story inside the time window
when its mean similarity to the members clears an absolute floor and a
share of the story's own cohesion (names and figures are heavy terms of the
vector, so two quakes in two places stay apart). :meth:`StoryClusterer.repair`
(run periodically) splits off members that fit their story worse than a
story of their own and merges stories that became one. Every membership
carries a :class:`JoinReason` that says why.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
import zlib
from array import array
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice, repeat
from operator import add, itemgetter, mul
from typing import TYPE_CHECKING, Callable, Sequence, TypeVar

from newsweave.errors import ConfigError
from newsweave.model import Article

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "ArticleFeatures",
    "Assignment",
    "ClusterConfig",
    "JoinReason",
    "StoryClusterer",
    "article_features",
    "bcubed",
    "tfidf_centroid_baseline",
]

_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other our ours
    out over own said same says she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours mr mrs ms dr one two new told say saying
    according year years last first time like get got many much may might must us also still
    since another even way back well made make including however people around next week day
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow""".split()
)
# Capitalised words that are not names even inside a sentence.
_NOT_NAMES = frozenset(
    """i i'm i've i'd mr mrs ms dr sen rep gov gen president the a an in on at it this that he she
    they we but and or if as for of to by with from so yet not no monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august september october
    november december am pm""".split()
)
# A word of a lower-cased text (the definition; _word_runs finds the same words).
_WORD = re.compile(r"[a-z][a-z'’\-]*[a-z]")
# _WORD's words without the regex (about twice as fast), in a lower-cased
# text's UTF-8 bytes with ’ as 0xFF (a byte UTF-8 never holds): every byte
# that cannot be in a word becomes a space, split() cuts the runs and strip()
# trims each run to its first and last letter, which is _WORD's match there.
# A run with fewer than two letters trims to a word shorter than any term
# (see _term_of), so it counts for nothing, as it would when unmatched.
_WORD_BYTES = bytes(byte if 97 <= byte <= 122 or byte in b"'-" else 32 for byte in range(255)) + b"\xff"
_APOSTROPHE = "’".encode("utf-8")
_WORD_EDGES = b"'-\xff"
# A capitalised word after a word, a comma or a closing bracket is
# inside a sentence, so capitalised for being a name. The look-behind comes
# after the capital (it checks the same two characters before it): a pattern
# that starts with a character class lets the regex engine skip to the
# capitals, where one that starts with a look-behind is tried at every position.
_NAME = re.compile(r"[A-Z](?<=[A-Za-z0-9,;:)] [A-Z])[A-Za-z'’\-]*[A-Za-z]")
# Caches of the per-word work, emptied when they reach _WORD_CACHE_LIMIT entries:
_STEMS: dict[bytes, str | None] = {}  # word (see _WORD_BYTES) -> its term (None: a stop word or too short)
_NAME_FORMS: dict[str, str | None] = {}  # capitalised word -> its name (None: not a name)
_WORD_CACHE_LIMIT = 500_000
# Characters of text read per article: the lead and then some, as much as
# near-duplicate detection reads (DedupConfig.max_chars). 5000 before: the
# dev stream scored alike (F1 0.975 against 0.977; over 14 orders of it mean
# 0.961 against 0.962, min 0.939 against 0.937) and preparing an article
# cost a tenth less (BENCHMARKS.md).
LEAD_CHARS = 3000
# A number at a word boundary ("\b" before a digit: no word character before
# it, checked after the digit for the reason given at _NAME) and the word after it.
_FIGURE = re.compile(r"(\d(?<!\w\d)[\d,]*(?:\.\d+)?)\s+([a-z][a-z\-]+)")
_FIGURE_SKIP = frozenset({"percent", "am", "pm", "p", "a", "of", "and", "or", "to", "in", "the"})
_VECTOR_TERMS = 80  # an article's vector keeps its strongest terms: less noise, faster
_CENTROID_TERMS = 200  # a story's centroid keeps its strongest terms (300 scored the same on the dev stream, slower)
_INDEX_TERMS = 8  # an article posts its strongest terms to the candidate index (12 scored the same, slower)
# Document frequencies live in a fixed array indexed by a stable hash of the
# term (the crc32 modulo 2^24): constant memory and numpy-speed updates where
# a dict of every term ever seen grew to millions of keys. Colliding terms
# share a count. Two rare terms sharing a slot barely move; a rare term that
# lands on a common term's slot takes its low weight, which at a million
# articles befalls a few in a thousand rare terms (names and figures among them).
_DF_SLOTS = 1 << 24
_TERM_IDS: dict[str, int] = {}  # term -> slot, a cache (bounded by _WORD_CACHE_LIMIT)
_POSTING_SCAN = 32  # most recently active stories read per term
_CANDIDATES = 12  # stories scored exactly per article (24 scored the same on the dev stream, slower)
# Stories a repair weighs merging a story into: its best few neighbours by
# shared strong terms. A merge needs a link as strong as a story's own
# cohesion, which only a top neighbour has; 4 instead of 12 scored the same
# on the dev stream over 14 orders, for about 4 % less writer CPU in one
# paired replay of the synthetic stream (a noisy figure).
_MERGE_CANDIDATES = 4
_SPLIT_SAMPLE = 60  # most members a split examines pairwise
# Sort key of (term, weight) pairs; sorted(..., reverse=True) keeps ties in order, as a key of -weight does.
_WEIGHT = itemgetter(1)
# A name printed once weighs half as much again as a content word printed
# once: two events of one kind (two earthquakes, two coaches fired) share
# their vocabulary and differ in their names. 1.5 against 1.0: dev stream F1
# 0.962 -> 0.977, and over 14 orders of it (reversed, shuffled) 0.940 -> 0.957
# (BENCHMARKS.md; 1.5 to 2 scored alike, 2.5 less).
NAME_BOOST = 1.5
FIGURE_BOOST = 1.0  # likewise a figure ("#23 pirat")


try:  # CPython's C loop behind Counter.update: mapping[x] = mapping.get(x, 0) + 1 for each x
    from collections import _count_elements as _count_into  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python

    def _count_into(mapping: dict[str, int], items: object) -> None:
        for item in items:  # type: ignore[attr-defined]
            mapping[item] = mapping.get(item, 0) + 1


def _stem(word: str) -> str:
    """A crude, fast English stem: enough to meet "arrested"/"arrests"/"arrest"."""
    for suffix in ("ingly", "edly", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            stem = word[: -len(suffix)]
            return stem + "y" if suffix in ("ies", "ied") else stem
    return word


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """Settings of the online clusterer. Defaults are the measured ones (BENCHMARKS.md)."""

    # Least mean similarity of an article to a story's members to join it ...
    join_threshold: float = 0.12
    # ... and at least this share of the story's own cohesion (mean pairwise
    # similarity of its members): a tight story asks more of a newcomer.
    join_ratio: float = 0.4
    window_days: int = 7  # a story takes no article dated further than this from it
    repair_every: int = 500  # articles between repairs in a stream
    # Repair splits a story whose two halves link at less than this share of
    # their own cohesion, and merges two stories that link at more.
    split_ratio: float = 0.75
    min_split_side: int = 2  # neither side of a split may be smaller

    def __post_init__(self) -> None:
        if not 0 < self.join_threshold < 1:
            raise ConfigError(f"join_threshold must be in (0, 1), got {self.join_threshold}", self)
        if self.window_days < 0:
            raise ConfigError(f"window_days must be >= 0, got {self.window_days}", self)
        if self.repair_every < 1:
            raise ConfigError(f"repair_every must be >= 1, got {self.repair_every}", self)


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """What the clusterer needs of an article (computed once, without spaCy)."""

    id: str
    terms: dict[str, float]  # stemmed content word -> weighted count
    names: frozenset[str]  # capitalised words inside sentences, lower-cased
    figures: frozenset[tuple[str, str]]  # (number, stemmed word it counts)
    published: dt.date | None
    title: str
    # Per term, in ``terms`` order, its document-frequency slot (see term_slot);
    # computed when missing, so features made without them still work.
    term_slots: array = field(default_factory=lambda: array("q"))


def article_features(article: Article) -> ArticleFeatures:
    """Terms, names and figures of an article's title and the lead of its cleaned text.

    Only the first :data:`LEAD_CHARS` characters of the text are read: news
    puts the event in its lead, and the cost per article stays bounded.
    """
    title = article.title or ""
    lead = article.text[:LEAD_CHARS]
    terms = _term_counts(lead)
    for term, count in _term_counts(title).items():
        terms[term] = terms.get(term, 0) + 2 * count  # a headline word counts double
    names = _names(title) | _names(lead)
    figures = frozenset(
        (number.replace(",", ""), _stem(word))
        for number, word in _FIGURE.findall(lead)
        if word not in _FIGURE_SKIP and not (len(number) == 4 and number.startswith(("19", "20")))
    )
    # Names and figures also enter the vector, as their own terms: they are
    # what tells one event from another of the same kind.
    for name in sorted(names):  # sorted: a set's order changes with the process's string hashing
        key = "@" + name
        terms[key] = terms.get(key, 0) + NAME_BOOST
    for number, word in sorted(figures):
        key = f"#{number} {word}"
        terms[key] = terms.get(key, 0) + FIGURE_BOOST
    return ArticleFeatures(
        id=article.id,
        terms=terms,
        names=frozenset(names),
        figures=figures,
        published=article.published,
        title=title.strip() or article.text[:80].strip(),
        term_slots=_term_slots(terms),
    )


_Made = TypeVar("_Made")
_Word = TypeVar("_Word", str, bytes)


def term_slot(term: str) -> int:
    """The document-frequency slot of a term: the same in every process and run (crc32)."""
    return zlib.crc32(term.encode("utf-8")) % _DF_SLOTS


def _term_slots(terms: dict[str, float]) -> array:
    return array("q", _through_cache(list(terms), _TERM_IDS, term_slot))  # only terms new to this process are hashed


def _slots_of(features: ArticleFeatures) -> "np.ndarray":
    """The features' term slots as an array (computed when the features came without them)."""
    import numpy as np

    slots = features.term_slots if len(features.term_slots) == len(features.terms) else _term_slots(features.terms)
    return np.frombuffer(slots, dtype=np.int64)


def _term_of(word: str) -> str | None:
    if word in _STOPWORDS or len(word) < 3:
        return None
    return _stem(word[:-2] if word.endswith(("'s", "’s")) else word)


def _word_runs(lowered: str) -> list[bytes]:
    """The words of a lower-cased text, as _WORD finds them and some shorter (see _WORD_BYTES)."""
    data = lowered.encode("utf-8", "surrogatepass").replace(_APOSTROPHE, b"\xff")  # a lone surrogate is no word
    return list(map(bytes.strip, data.translate(_WORD_BYTES).split(), repeat(_WORD_EDGES)))


def _term_of_run(run: bytes) -> str | None:
    return _term_of(run.replace(b"\xff", _APOSTROPHE).decode("utf-8"))


def _name_of(word: str) -> str | None:
    lower = word.lower()
    if lower.endswith(("'s", "’s")):
        lower = lower[:-2]
    return None if lower in _NOT_NAMES else lower


def _through_cache(words: list[_Word], cache: dict[_Word, _Made], make: "Callable[[_Word], _Made]") -> list[_Made]:
    """``[make(w) for w in words]`` through ``cache``: every word new to the cache is made once."""
    try:  # most texts: every word is known, one pass
        return list(map(cache.__getitem__, words))
    except KeyError:
        pass
    missing = set(words).difference(cache)
    if len(cache) + len(missing) > _WORD_CACHE_LIMIT:
        cache.clear()  # full: start again, with every word of this text
        missing = set(words)
    for word in missing:
        cache[word] = make(word)
    return list(map(cache.__getitem__, words))


def _term_counts(text: str) -> dict[str, float]:
    """How often each term occurs in the text, in order of first occurrence."""
    # Each word's term through the cache and the counting, all in C loops.
    counted: dict[str | None, int] = {}
    _count_into(counted, _through_cache(_word_runs(text.lower()), _STEMS, _term_of_run))
    counted.pop(None, None)
    return counted  # type: ignore[return-value]


def _names(text: str) -> set[str]:
    """Capitalised words that do not start a sentence, lower-cased: a cheap proper-noun finder."""
    found = set(_through_cache(_NAME.findall(text), _NAME_FORMS, _name_of))
    found.discard(None)
    return found  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class JoinReason:
    """Why an article is in its story: the evidence at the moment it joined."""

    similarity: float  # mean cosine of the article's vector with the members' vectors
    shared_names: tuple[str, ...]
    shared_terms: tuple[str, ...]  # the terms contributing most to the similarity
    score: float
    founded: bool = False  # the article started the story

    def to_json(self) -> dict[str, object]:
        return {
            "similarity": round(self.similarity, 4),
            "shared_entities": list(self.shared_names),
            "shared_terms": list(self.shared_terms),
            "score": round(self.score, 4),
            "founded": self.founded,
        }


@dataclass(frozen=True, slots=True)
class Assignment:
    article_id: str
    story_id: int
    reason: JoinReason


class _PackedVectors:
    """Article vectors kept compactly: terms in one string, float32 weights and int64 term slots.

    A dict of 80 floats per article costs kilobytes; this costs about one,
    which is what lets the clusterer hold a few hundred thousand articles.
    The terms are joined by NUL (no term holds one) into one string, which
    the few readers split again: a tuple of the terms, interned so that all
    vectors shared one string per term, took 22 us an article to intern,
    about 3 % of the writer's time. The slots (see :func:`term_slot`) number
    the terms for :func:`_bisect`, which lays out its matrix with numpy by
    them. The two together grew the writer's peak memory by 50 MB at 200k
    articles (BENCHMARKS.md).
    """

    def __init__(self) -> None:
        self._packed: dict[str, tuple[str, array, bytes]] = {}

    def put(self, article_id: str, vector: dict[str, float], slots: bytes) -> None:
        """Keep an article's vector and its terms' slots (int64 bytes, in the vector's order)."""
        self._packed[article_id] = ("\0".join(vector), array("f", vector.values()), slots)

    def __getitem__(self, article_id: str) -> dict[str, float]:
        terms, weights, _ = self._packed[article_id]
        return dict(zip(terms.split("\0"), weights)) if weights else {}

    def packed(self, article_id: str) -> tuple[str, array, bytes]:
        """The vector as stored: its joined terms, their weights and their slots."""
        return self._packed[article_id]

    def index_terms(self, article_id: str) -> list[str]:
        """The terms an article posted its story under (its strongest; none if unknown)."""
        packed = self._packed.get(article_id)
        if not packed or not packed[1]:
            return []
        return packed[0].split("\0", _INDEX_TERMS)[:_INDEX_TERMS]

    def discard(self, article_id: str) -> None:
        self._packed.pop(article_id, None)

    def __len__(self) -> int:
        return len(self._packed)


@dataclass(slots=True)
class _Story:
    """Mutable running state of one story (internal to the clusterer)."""

    id: int
    centroid: dict[str, float] = field(default_factory=dict)
    names: Counter[str] = field(default_factory=Counter)
    members: list[str] = field(default_factory=list)
    first: dt.date | None = None
    last: dt.date | None = None
    norm: float = 0.0
    # Members when a repair last found no cut: one more article rarely makes
    # a cut where there was none, so the story waits for more (see _split).
    uncut_at: int = 0
    # Members when a repair last looked for a story to merge it into: likewise
    # (see _grew_enough).
    unmerged_at: int = 0

    def cohesion(self) -> float:
        """Mean pairwise similarity of the members (unit vectors: from the sum's norm)."""
        n = len(self.members)
        if n < 2:
            return 0.0
        return max(0.0, (self.norm * self.norm - n) / (n * (n - 1)))

    def add(self, vector: dict[str, float], features: ArticleFeatures) -> None:
        centroid = self.centroid
        # |c + v|^2 = |c|^2 + 2 c.v + |v|^2, every loop in C (this runs for every join).
        weights = list(vector.values())
        olds = list(map(centroid.get, vector, repeat(0.0)))
        centroid.update(zip(vector, map(add, olds, weights)))
        squared = self.norm * self.norm + 2 * sum(map(mul, olds, weights)) + sum(map(mul, weights, weights))
        if len(centroid) > 2 * _CENTROID_TERMS:
            # The strongest terms (a stable sort: ties keep their order), in C loops without a tuple per term.
            kept = sorted(centroid, key=centroid.__getitem__, reverse=True)[:_CENTROID_TERMS]
            values = list(map(centroid.__getitem__, kept))
            self.centroid = dict(zip(kept, values))
            squared = sum(map(mul, values, values))
        self.norm = math.sqrt(max(0.0, squared))
        self.names.update(features.names)
        self.members.append(features.id)
        if features.published is not None:
            self.first = min(self.first or features.published, features.published)
            self.last = max(self.last or features.published, features.published)


class StoryClusterer:
    """Assigns articles to stories one at a time; repairs periodically.

    State is in memory; a store rebuilds it by replaying the recent articles
    (:meth:`assign` is deterministic for a given order).
    """

    def __init__(self, config: ClusterConfig | None = None) -> None:
        self.config = config or ClusterConfig()
        self._window = dt.timedelta(days=self.config.window_days)
        self._df: np.ndarray | None = None  # see _frequencies
        self._docs = 0
        self._stories: dict[int, _Story] = {}
        # time slice -> term -> stories listed under it, least recently active
        # first (a dict as an ordered set); slices keep old stories out of reach.
        # Slice first: a lookup by the term alone (a string caches its hash),
        # where a (term, slice) key cost a tuple built and hashed per lookup.
        self._index: dict[int | None, dict[str, dict[int, None]]] = {}
        self._latest: dt.date | None = None
        self._features: dict[str, ArticleFeatures] = {}
        self._vectors = _PackedVectors()
        self._story_of: dict[str, int] = {}
        self._reasons: dict[str, JoinReason] = {}
        self._next_id = 1
        self._since_repair = 0
        self._dirty: set[int] = set()  # stories changed since the last repair
        self._touched: set[int] = set()  # stories changed since the last thorough repair
        self.reexplained: set[str] = set()  # articles whose story or reason the last repair changed

    # -- public API -------------------------------------------------------
    def assign(self, features: ArticleFeatures) -> Assignment:
        """Put one article into the best story (or a new one) and say why."""
        if features.id in self._story_of:
            story_id = self._story_of[features.id]
            return Assignment(features.id, story_id, self._reasons[features.id])
        vector, slots = self._vector(features, self._learn_df(features))
        best, reason = self._best_story(vector, features)
        if best is None:
            best = self._new_story()
            reason = JoinReason(1.0, (), (), 1.0, founded=True)
        self._join(best, vector, features, reason, slots)
        self._dirty.add(best.id)
        self._touched.add(best.id)
        self._since_repair += 1
        return Assignment(features.id, best.id, self._story_of_reason(features.id))

    def place(self, features: ArticleFeatures, story_id: int, reason: JoinReason) -> None:
        """Put an article into a known story without scoring (rebuilding state from a store)."""
        if features.id in self._story_of:
            return
        term_slots = self._learn_df(features)
        story = self._stories.get(story_id)
        if story is None:
            story = self._stories[story_id] = _Story(story_id)
            self._next_id = max(self._next_id, story_id + 1)
        vector, slots = self._vector(features, term_slots)
        self._join(story, vector, features, reason, slots)

    def reserve_ids(self, highest_used: int) -> None:
        """Never hand out a story id at or below ``highest_used`` (ids a store already holds)."""
        self._next_id = max(self._next_id, highest_used + 1)

    @property
    def repair_due(self) -> bool:
        """True when ``repair_every`` articles arrived since the last repair."""
        return self._since_repair >= self.config.repair_every

    def members(self, story_id: int) -> tuple[str, ...]:
        story = self._stories.get(story_id)
        return tuple(story.members) if story else ()

    def forget_oldest(self, max_articles: int) -> int:
        """Drop the oldest stories until at most ``max_articles`` remain in memory."""
        dropped = 0
        while len(self._story_of) > max_articles and self._stories:
            oldest = next(iter(self._stories.values()))
            self._drop_story(oldest)
            self._dirty.discard(oldest.id)
            dropped += 1
        return dropped

    def story_of(self, article_id: str) -> int:
        return self._story_of[article_id]

    def reason(self, article_id: str) -> JoinReason:
        return self._reasons[article_id]

    def title(self, article_id: str) -> str:
        """The article's title (or its opening words), as its features carry it."""
        return self._features[article_id].title

    def stories(self) -> dict[int, tuple[str, ...]]:
        return {sid: tuple(s.members) for sid, s in self._stories.items() if s.members}

    def forget_before(self, date: dt.date) -> int:
        """Drop stories whose last article is older than ``date`` (bounded memory)."""
        stale = [s for s in self._stories.values() if s.last is not None and s.last < date]
        for story in stale:
            self._drop_story(story)
        return len(stale)

    def repair(self, thorough: bool = False) -> list[tuple[str, int, int]]:
        """Merge stories that are one and split stories that are two; return the moves.

        Each move is ``(article_id, from_story, to_story)``. A moved article
        gets a fresh join reason; a merge keeps the older story's members and
        their reasons, and so does a cut for the side that keeps the story
        and its founder (otherwise that side is explained afresh too).
        :attr:`reexplained` lists every article whose story or reason this
        repair changed. Only stories that changed since the last repair are
        examined, so a repair costs in proportion to recent traffic, and a
        story is examined again only once it has grown enough (see
        :func:`_grew_enough`).

        ``thorough`` (the end of a stream) examines every story changed since
        the last thorough repair, however little it grew: what the periodic
        repairs left depends on the order the articles came in, and one more
        look at the whole run undoes much of that (BENCHMARKS.md).
        """
        self.reexplained = set()
        if thorough:
            for story_id in self._touched:
                story = self._stories.get(story_id)
                if story is not None:
                    story.uncut_at = story.unmerged_at = 0
                    self._dirty.add(story_id)
            self._touched.clear()
        with _one_blas_thread():
            return self._repair()

    def _repair(self) -> list[tuple[str, int, int]]:
        self._since_repair = 0
        moves: list[tuple[str, int, int]] = []
        for story_id in sorted(self._dirty):
            story = self._stories.get(story_id)
            if story is not None and story.members and _grew_enough(len(story.members), story.unmerged_at, 1):
                merged = self._merge_into_neighbour(story)
                if not merged:
                    story.unmerged_at = len(story.members)
                moves.extend(merged)
        for story_id in sorted(self._dirty):
            story = self._stories.get(story_id)
            if story is not None:
                moves.extend(self._split(story, depth=2))
        self._dirty.clear()
        return moves

    # -- scoring ----------------------------------------------------------
    def _learn_df(self, features: ArticleFeatures) -> "np.ndarray":
        """Count the article in the document frequencies; return its terms' slots (for :meth:`_vector`)."""
        self._docs += 1
        slots = _slots_of(features)
        if features.terms:
            self._frequencies()[slots] += 1  # a repeated slot counts once
        return slots

    def _frequencies(self) -> "np.ndarray":
        """Document frequency per term slot (the array is made on first use: 64 MB)."""
        if self._df is None:
            import numpy as np

            self._df = np.zeros(_DF_SLOTS, dtype=np.int32)
        return self._df

    def _vector(self, features: ArticleFeatures, slots: "np.ndarray") -> tuple[dict[str, float], bytes]:
        """The article's unit TF-IDF vector over its strongest terms, strongest first, and their slots.

        Weight = (1 + log count) * (log((1 + docs) / (1 + df)) + 1), in numpy:
        this runs for every term of every article. ``slots`` are the terms'
        (from :meth:`_learn_df`); the slots returned, the chosen terms', are int64 bytes.
        """
        import numpy as np

        terms = list(features.terms)
        if not terms:
            return {}, b""
        counts = np.fromiter(features.terms.values(), dtype=np.float64, count=len(terms))
        df = self._frequencies()[slots].astype(np.float64)
        weights = (1.0 + np.log(counts)) * (np.log((1 + self._docs) / (1.0 + df)) + 1.0)
        # Stable: equal weights keep the article's term order, as sorted() would.
        top = np.argsort(-weights, kind="stable")[:_VECTOR_TERMS]
        chosen = weights[top]
        chosen /= math.sqrt(float(chosen @ chosen)) or 1.0
        return dict(zip([terms[i] for i in top.tolist()], chosen.tolist())), slots[top].tobytes()

    def _candidates(self, vector: dict[str, float], features: ArticleFeatures, limit: int = _CANDIDATES) -> list[int]:
        """The stories most worth scoring: those sharing most of the article's strong terms.

        Each term's posting list is scanned from its most recently active
        stories, and only the best few by shared term weight inside the time
        window (``limit`` of them) are scored exactly, so the cost per article
        stays flat as the stream grows. The vector must list its terms
        strongest first (as :meth:`_vector` makes them).
        """
        hits: dict[int, float] = {}
        slices = [table for table in map(self._index.get, self._query_buckets(features.published)) if table]
        for term, weight in islice(vector.items(), 2 * _INDEX_TERMS):
            for table in slices:  # term by term, slice by slice: each story's sum adds in one order
                posting = table.get(term)
                if not posting:
                    continue
                # hits[s] += weight for each listed story, in C (a posting lists a story once).
                listed = list(islice(reversed(posting), _POSTING_SCAN))
                hits.update(zip(listed, map(add, map(hits.get, listed, repeat(0.0)), repeat(weight))))
        chosen: list[int] = []
        ranked = sorted(hits)  # by id, then (stable) by shared weight, highest first: ties go to the lower id
        ranked.sort(key=hits.__getitem__, reverse=True)
        for story_id in ranked:
            story = self._stories.get(story_id)
            if story is None or not story.members or not self._in_window(story, features.published):
                continue
            chosen.append(story_id)
            if len(chosen) >= limit:
                break
        return chosen

    def _bucket(self, published: dt.date | None) -> int | None:
        """The index's time slice of a date: windows of ``window_days`` (None: undated)."""
        if published is None:
            return None
        return published.toordinal() // max(1, self.config.window_days)

    def _query_buckets(self, published: dt.date | None) -> tuple[int | None, ...]:
        """Slices an article looks in: its own, both neighbours and the undated slice.

        An undated article looks in the undated slice and around the latest
        date seen (what arrives undated is most likely news of now).
        """
        bucket = self._bucket(published if published is not None else self._latest)
        if bucket is None:
            return (None,)
        return (bucket - 1, bucket, bucket + 1, None)

    def _in_window(self, story: _Story, published: dt.date | None) -> bool:
        if published is None or story.first is None or story.last is None:
            return True
        window = self._window
        return story.first - window <= published <= story.last + window

    def _score(self, vector: dict[str, float], story: _Story) -> float:
        """Mean cosine similarity of the article with the story's members."""
        # All in C: a missing term adds 0.0, which leaves the sum exactly as skipping it would.
        products = map(mul, vector.values(), map(story.centroid.get, vector, repeat(0.0)))
        return sum(products) / len(story.members)

    def _explain(self, vector: dict[str, float], features: ArticleFeatures, story: _Story) -> JoinReason:
        """Why the article fits the story: similarity, shared names, top shared terms."""
        # Each term's contribution, in C (a term the story lacks contributes 0.0, which changes no sum).
        products = list(map(mul, vector.values(), map(story.centroid.get, vector, repeat(0.0))))
        size = len(story.members)
        similarity = sum(products) / size
        # A name counts as the story's when at least a third of its members printed it.
        shared = sorted(n for n in features.names if 3 * story.names[n] >= size)
        return JoinReason(similarity, tuple(shared[:12]), _top_shared_words(vector, products), similarity)

    def _best_story(self, vector: dict[str, float], features: ArticleFeatures) -> tuple[_Story | None, JoinReason]:
        best: _Story | None = None
        best_score = 0.0
        for story_id in self._candidates(vector, features):
            story = self._stories[story_id]
            score = self._score(vector, story)
            if score > best_score:
                best, best_score = story, score
        if best is None or best_score < self.config.join_threshold or best_score < self.config.join_ratio * best.cohesion():
            return None, JoinReason(0.0, (), (), 0.0)  # the caller founds a story: its own reason
        return best, self._explain(vector, features, best)

    # -- state changes ----------------------------------------------------
    def _new_story(self) -> _Story:
        story = _Story(self._next_id)
        self._stories[story.id] = story
        self._next_id += 1
        return story

    def _join(
        self, story: _Story, vector: dict[str, float], features: ArticleFeatures, reason: JoinReason, slots: bytes | None
    ) -> None:
        """Add an article to a story; ``slots`` None: its vector is kept already (a merge moves it)."""
        story.add(vector, features)
        # Kept for repairs, without the raw term counts (the vector has what matters).
        if features.terms:  # built directly: dataclasses.replace() costs more than the rest of a join
            features = ArticleFeatures(features.id, {}, features.names, features.figures, features.published, features.title)
        self._features[features.id] = features
        if slots is not None:
            self._vectors.put(features.id, vector, slots)
        self._story_of[features.id] = story.id
        self._reasons[features.id] = reason
        self._post(story.id, vector, features.published)

    def _post(self, story_id: int, vector: dict[str, float], published: dt.date | None) -> None:
        """List the story under the article's strongest terms in its time slice, as most recently active.

        ``vector`` lists its terms strongest first (every article vector does).
        """
        bucket = self._bucket(published)
        if published is not None and (self._latest is None or published > self._latest):
            self._latest = published
        table = self._index.setdefault(bucket, {})
        for term in islice(vector, _INDEX_TERMS):  # article vectors list their strongest terms first
            posting = table.setdefault(term, {})
            posting.pop(story_id, None)
            posting[story_id] = None

    def _story_of_reason(self, article_id: str) -> JoinReason:
        return self._reasons[article_id]

    def _drop_story(self, story: _Story) -> None:
        self._drop_index(story)
        for article_id in story.members:
            self._vectors.discard(article_id)
            self._features.pop(article_id, None)
            self._story_of.pop(article_id, None)
            self._reasons.pop(article_id, None)
        self._stories.pop(story.id, None)
        self._touched.discard(story.id)

    def _merge_into_neighbour(self, story: _Story) -> list[tuple[str, int, int]]:
        """Fold a story into an older neighbour when the two link as one story does."""
        # The centroid's strongest terms (its scale does not change the ranking).
        strongest = dict(sorted(story.centroid.items(), key=_WEIGHT, reverse=True)[: 2 * _INDEX_TERMS])
        pseudo = ArticleFeatures(f"story:{story.id}", {}, frozenset(), frozenset(), story.first, "")
        for other_id in sorted(self._candidates(strongest, pseudo, _MERGE_CANDIDATES)):
            other = self._stories.get(other_id)
            if other is None or other_id == story.id or not other.members:
                continue
            between = _dot(story.centroid, other.centroid) / (len(story.members) * len(other.members))
            cohesions = [s.cohesion() for s in (story, other) if len(s.members) > 1]
            if between < self.config.join_threshold:
                continue
            if cohesions and between < self.config.split_ratio * min(cohesions):
                continue
            low, high = sorted((story, other), key=lambda s: s.id)
            moved = list(high.members)
            self._drop_index(high)
            # The older story keeps its members and their reasons; the newer
            # one's members join it one by one, each explained against it.
            for article_id in moved:
                vector, features = self._vectors[article_id], self._features[article_id]
                self._join(low, vector, features, self._explain(vector, features, low), None)
            self.reexplained.update(moved)
            low.uncut_at = 0  # a new set of members: examine it for a cut again
            high.members = []
            del self._stories[high.id]
            self._dirty.discard(high.id)
            self._dirty.add(low.id)
            self._touched.discard(high.id)
            self._touched.add(low.id)
            return [(m, high.id, low.id) for m in moved]
        return []

    def _drop_index(self, story: _Story) -> None:
        """Take the story off every index entry its members posted it under."""
        for article_id in story.members:
            features = self._features.get(article_id)
            bucket = self._bucket(features.published if features else None)
            table = self._index.get(bucket)
            if table is None:
                continue
            # An article posted its story under its strongest terms only (see _post).
            for term in self._vectors.index_terms(article_id):
                posting = table.get(term)
                if posting is not None:
                    posting.pop(story.id, None)
                    if not posting:
                        del table[term]
            if not table:
                del self._index[bucket]

    def _split(self, story: _Story, depth: int) -> list[tuple[str, int, int]]:
        """Cut a story in two when its members form two groups that link weakly.

        Spectral bisection of the members' similarity graph; the cut stands
        when the groups' mutual similarity is well below each group's own
        cohesion (a relative test, so it holds for long and short articles
        alike, and a story that is one event has no such cut).
        """
        members = story.members
        if len(members) < 2 * self.config.min_split_side or depth <= 0:
            return []
        if not _grew_enough(len(members), story.uncut_at, self.config.min_split_side):
            return []
        moves = self._cut(story, depth)
        if not moves:
            story.uncut_at = len(story.members)
        return moves

    def _cut(self, story: _Story, depth: int) -> list[tuple[str, int, int]]:
        members = story.members
        # Bisection is quadratic: a big story is judged on an even sample of
        # its members, and the rest follow the nearer half.
        step = max(1, len(members) // _SPLIT_SAMPLE)
        sample = members[::step]
        halves = _bisect([self._vectors.packed(m) for m in sample])
        if halves is None:
            return []
        left, right, within_left, within_right, between = halves
        if min(len(left), len(right)) < self.config.min_split_side:
            return []
        if between >= self.config.split_ratio * min(within_left, within_right):
            return []
        if step == 1:
            moved_ids = [members[i] for i in right]
            kept_ids = [members[i] for i in left]
        else:
            kept_ids, moved_ids = _follow_halves(members, [sample[i] for i in left], [sample[i] for i in right], self._vectors)
        if len(moved_ids) < self.config.min_split_side or len(kept_ids) < self.config.min_split_side:
            return []
        # Off the index first: the moved members' terms must not keep listing this story.
        founder_stays = kept_ids[0] == members[0]
        self._drop_index(story)
        self._rebuild(story, kept_ids, explain=not founder_stays)
        new = self._new_story()
        self._rebuild(new, moved_ids)
        self._touched.update((story.id, new.id))
        moves = [(m, story.id, new.id) for m in moved_ids]
        return moves + self._split(story, depth - 1) + self._split(new, depth - 1)

    def _rebuild(self, story: _Story, member_ids: list[str], explain: bool = True) -> None:
        """Recompute a story from scratch from the given members, in stream order.

        ``explain`` gives each member a fresh join reason against the story
        as rebuilt. Without it (the side of a cut that keeps the story and
        its founder) members keep theirs, as the older story's members do in
        a merge: each still says what the article shared with the story when
        it joined. This saves a quarter of all explanations (114k to 87k over
        60k synthetic articles), about 2 % of the stream's writer time.
        """
        fresh = _Story(story.id)
        for index, article_id in enumerate(member_ids):
            features, vector = self._features[article_id], self._vectors[article_id]
            if explain:
                if index == 0:
                    reason = JoinReason(1.0, (), (), 1.0, founded=True)
                else:
                    reason = self._explain(vector, features, fresh)
                self._story_of[article_id] = story.id
                self._reasons[article_id] = reason
            fresh.add(vector, features)
            self._post(story.id, vector, features.published)
        if explain:
            self.reexplained.update(member_ids)
        story.centroid, story.names = fresh.centroid, fresh.names
        story.members, story.first, story.last, story.norm = fresh.members, fresh.first, fresh.last, fresh.norm
        story.uncut_at = story.unmerged_at = 0  # a new set of members: not examined yet


def _top_shared_words(vector: dict[str, float], products: list[float], count: int = 8) -> tuple[str, ...]:
    """The ``count`` words (not names or figures) contributing most to a similarity, strongest first.

    Ties keep the vector's order (a stable sort). Sorting all the vector's
    terms in C and reading off the first words is several times faster than
    filtering them in Python first and picking with ``heapq.nlargest``
    (which ranks exactly as this sort does).
    """
    top: list[str] = []
    for term, product in sorted(zip(vector, products), key=_WEIGHT, reverse=True):
        if not product:
            break  # the rest contribute nothing (weights are positive)
        if not term.startswith(("@", "#")):
            top.append(term)
            if len(top) == count:
                break
    return tuple(top)


def _grew_enough(members: int, examined_at: int, least: int) -> bool:
    """Whether a story examined (and left alone) at ``examined_at`` members is worth examining again.

    It must have gained at least ``least`` members and a quarter of its size:
    a few newcomers rarely change what a big story links to or whether it
    holds two events, and re-examining every story that grew at every repair
    was a quarter of the stream's writer time at a million articles.
    """
    return members >= examined_at + max(least, examined_at // 4)


def _one_blas_thread() -> "contextlib.AbstractContextManager[object]":
    """BLAS limited to one thread: the many small eigenproblems of a repair run
    several times faster without thread hand-offs (and the stream's other core
    is busy preparing articles)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _follow_halves(
    members: list[str], left: list[str], right: list[str], vectors: "_PackedVectors"
) -> tuple[list[str], list[str]]:
    """Send every member to the half of the sample whose centroid it is nearer."""

    def centroid(ids: list[str]) -> dict[str, float]:
        total: dict[str, float] = {}
        for article_id in ids:
            for term, weight in vectors[article_id].items():
                total[term] = total.get(term, 0.0) + weight / len(ids)
        return total

    left_centre, right_centre = centroid(left), centroid(right)
    kept: list[str] = []
    moved: list[str] = []
    for article_id in members:
        vector = vectors[article_id]
        (moved if _dot(vector, right_centre) > _dot(vector, left_centre) else kept).append(article_id)
    return kept, moved


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(map(mul, a.values(), map(b.get, a, repeat(0.0))))  # as in _score


def _spectral_halves(sims: "np.ndarray") -> "np.ndarray":
    """Two groups by the sign of the Fiedler vector of the similarity graph (normalised cut)."""
    import numpy as np

    affinity = np.clip(sims, 0.0, None)
    np.fill_diagonal(affinity, 0.0)
    degree = affinity.sum(axis=1) + 1e-9
    scale = 1.0 / np.sqrt(degree)
    normalised = scale[:, None] * affinity * scale[None, :]
    _, vectors = np.linalg.eigh(normalised)
    fiedler = vectors[:, -2] * scale
    return np.where(fiedler >= 0, 1, 2)


def _bisect(vectors: list[tuple[str, array, bytes]]) -> tuple[list[int], list[int], float, float, float] | None:
    """Two groups by a normalised cut; their cohesions and mutual similarity.

    ``vectors`` are packed (terms, weights, slots) triples; the terms are
    not read. The members' matrix is laid out by the terms' slots, all in
    numpy: a column per distinct slot, in slot order (a dict of the terms,
    in C, cost three times as much). Slots are a stable hash (crc32), so
    the columns, and the order sums add in, are the same in every process
    and run: a tie between two cuts must fall the same way every time. Two
    terms sharing a slot share a column, as they share a document frequency.
    """
    import numpy as np

    n = len(vectors)
    lengths = [len(weights) for _, weights, _ in vectors]
    # Every slot and weight in one buffer each: the packed arrays joined as bytes, one numpy call.
    slots = np.frombuffer(b"".join([slots for _, _, slots in vectors]), dtype=np.int64)
    weights = np.frombuffer(b"".join([weights for _, weights, _ in vectors]), dtype=np.float32)
    distinct, columns = np.unique(slots, return_inverse=True)
    width = max(1, len(distinct))
    # bincount lays the weights out row by row and adds those of one shared slot.
    cells = np.repeat(np.arange(n) * width, lengths) + columns
    matrix = np.bincount(cells, weights=weights, minlength=n * width).reshape(n, width)
    sims = matrix @ matrix.T
    np.fill_diagonal(sims, 1.0)
    labels = _spectral_halves(sims)
    first_side = labels == labels[0]
    left: list[int] = np.flatnonzero(first_side).tolist()
    right: list[int] = np.flatnonzero(~first_side).tolist()
    if not right:
        return None

    def cohesion(side: "np.ndarray", size: int) -> float:
        if size < 2:
            return 1.0
        return float((_block(sims, side, side).sum() - size) / (size * (size - 1)))

    between = float(_block(sims, first_side, ~first_side).mean())
    return left, right, cohesion(first_side, len(left)), cohesion(~first_side, len(right)), between


def _block(matrix: "np.ndarray", rows: "np.ndarray", columns: "np.ndarray") -> "np.ndarray":
    """``matrix[np.ix_(rows, columns)]`` for boolean masks, in the same (C) memory order, so
    its sums add in the same order; masks index faster than ``np.ix_`` builds its index."""
    import numpy as np

    return np.ascontiguousarray(matrix[rows][:, columns])


def bcubed(predicted: dict[str, object], gold: dict[str, object]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering against gold labels.

    Both map item id -> cluster label; items missing from ``predicted`` are
    singletons. Bagga & Baldwin (1998), averaged over items.
    """
    if not gold:
        raise ValueError("bcubed needs at least one gold item")
    by_pred: dict[object, set[str]] = {}
    by_gold: dict[object, set[str]] = {}
    for item, label in gold.items():
        by_gold.setdefault(label, set()).add(item)
        by_pred.setdefault(predicted.get(item, ("singleton", item)), set()).add(item)
    precision = recall = 0.0
    for item, label in gold.items():
        pred_cluster = by_pred[predicted.get(item, ("singleton", item))]
        gold_cluster = by_gold[label]
        both = len(pred_cluster & gold_cluster)
        precision += both / len(pred_cluster)
        recall += both / len(gold_cluster)
    precision /= len(gold)
    recall /= len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def tfidf_centroid_baseline(articles: Sequence[Article], threshold: float = 0.3) -> dict[str, int]:
    """The reference point: one pass, TF-IDF over title and text, nearest centroid.

    IDF is fitted on the whole stream (a generous baseline); an article joins
    the most similar centroid when the cosine reaches ``threshold``.
    """
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{a.title or ''}\n{a.text}" for a in articles]
    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    centroids: list[np.ndarray] = []
    labels: dict[str, int] = {}
    for row, article in enumerate(articles):
        vector = matrix[row].toarray().ravel()
        best, best_sim = -1, -1.0
        for index, centroid in enumerate(centroids):
            norm = float(np.linalg.norm(centroid)) or 1.0
            sim = float(vector @ centroid) / norm
            if sim > best_sim:
                best, best_sim = index, sim
        if best >= 0 and best_sim >= threshold:
            centroids[best] = centroids[best] + vector
            labels[article.id] = best
        else:
            centroids.append(vector.copy())
            labels[article.id] = len(centroids) - 1
    return labels
