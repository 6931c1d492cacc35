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

A story keeps a centroid of its members' vectors and counts of their names
and figures. An article joins the best-scoring story inside the time window
when its mean similarity to the members clears an absolute floor and a
share of the story's own cohesion (names and figures are heavy terms of the
vector, so two quakes in two places stay apart). :meth:`StoryClusterer.repair`
(run periodically) splits off members that fit their story worse than a
story of their own and merges stories that became one. Every membership
carries a :class:`JoinReason` that says why.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from newsweave.model import Article

__all__ = [
    "ArticleFeatures",
    "ClusterConfig",
    "JoinReason",
    "StoryClusterer",
    "Assignment",
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
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*\d|\d")
_SENTENCE_END = re.compile(r"[.!?:;\"“”]$")
_FIGURE = re.compile(r"\b(\d[\d,]*(?:\.\d+)?)\s+([a-z][a-z\-]+)")
_FIGURE_SKIP = frozenset({"percent", "am", "pm", "p", "a", "of", "and", "or", "to", "in", "the"})
_VECTOR_TERMS = 80  # an article's vector keeps its strongest terms: less noise, faster
_CENTROID_TERMS = 300  # a story's centroid keeps its strongest terms
_INDEX_TERMS = 12  # an article posts its strongest terms to the candidate index
_HASH_BITS = 22
_POSTING_SCAN = 64  # most recently active stories read per term
_CANDIDATES = 24  # stories scored exactly per article
_SPLIT_SAMPLE = 60  # most members a split examines pairwise
NAME_BOOST = 1.0  # a name printed once weighs as a content word printed once
FIGURE_BOOST = 1.0  # document frequencies live in a fixed table of hashed terms


def _stem(word: str) -> str:
    """A crude, fast English stem: enough to meet "arrested"/"arrests"/"arrest"."""
    for suffix in ("ingly", "edly", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            stem = word[: -len(suffix)]
            return stem + "y" if suffix in ("ies", "ied") else stem
    return word


def _term_id(term: str) -> int:
    return zlib.crc32(term.encode("utf-8")) & ((1 << _HASH_BITS) - 1)


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
    split_ratio: float = 0.7
    min_split_side: int = 2  # neither side of a split may be smaller

    def __post_init__(self) -> None:
        if not 0 < self.join_threshold < 1:
            raise ValueError(f"join_threshold must be in (0, 1), got {self.join_threshold}")
        if self.window_days < 0:
            raise ValueError(f"window_days must be >= 0, got {self.window_days}")
        if self.repair_every < 1:
            raise ValueError(f"repair_every must be >= 1, got {self.repair_every}")


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """What the clusterer needs of an article (computed once, without spaCy)."""

    id: str
    terms: dict[str, float]  # stemmed content word -> weighted count
    names: frozenset[str]  # capitalised words inside sentences, lower-cased
    figures: frozenset[tuple[str, str]]  # (number, stemmed word it counts)
    published: dt.date | None
    title: str


def article_features(article: Article) -> ArticleFeatures:
    """Terms, names and figures of an article's title and cleaned text."""
    terms: Counter[str] = Counter()
    names: set[str] = set()
    title = article.title or ""
    for weight, text in ((2.0, title), (1.0, article.text)):
        _count_words(text, weight, terms, names)
    figures = frozenset(
        (number.replace(",", ""), _stem(word))
        for number, word in _FIGURE.findall(article.text)
        if word not in _FIGURE_SKIP and not (len(number) == 4 and number.startswith(("19", "20")))
    )
    # Names and figures also enter the vector, as their own terms: they are
    # what tells one event from another of the same kind.
    for name in names:
        terms["@" + name] += NAME_BOOST
    for number, word in figures:
        terms[f"#{number} {word}"] += FIGURE_BOOST
    return ArticleFeatures(
        id=article.id,
        terms=dict(terms),
        names=frozenset(names),
        figures=figures,
        published=article.published,
        title=title.strip() or article.text[:80].strip(),
    )


def _count_words(text: str, weight: float, terms: Counter[str], names: set[str]) -> None:
    sentence_start = True
    for match in _WORD.finditer(text):
        word = match.group()
        lower = word.lower().replace("’", "'")
        if lower.endswith("'s"):
            lower = lower[:-2]
        if word[0].isupper() and not sentence_start and lower not in _NOT_NAMES and len(lower) > 1:
            names.add(lower)
        end = match.end()
        sentence_start = end < len(text) and text[end] in ".!?" or (end + 1 < len(text) and text[end : end + 2] == "\n\n")
        if word[0].isdigit() or lower in _STOPWORDS or len(lower) < 3:
            continue
        terms[_stem(lower)] += weight
    return None


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


@dataclass(slots=True)
class _Story:
    """Mutable running state of one story (internal to the clusterer)."""

    id: int
    centroid: dict[str, float] = field(default_factory=dict)
    names: Counter[str] = field(default_factory=Counter)
    figures: Counter[tuple[str, str]] = field(default_factory=Counter)
    members: list[str] = field(default_factory=list)
    first: dt.date | None = None
    last: dt.date | None = None
    norm: float = 0.0

    def cohesion(self) -> float:
        """Mean pairwise similarity of the members (unit vectors: from the sum's norm)."""
        n = len(self.members)
        if n < 2:
            return 0.0
        return max(0.0, (self.norm * self.norm - n) / (n * (n - 1)))

    def add(self, vector: dict[str, float], features: ArticleFeatures) -> None:
        for term, weight in vector.items():
            self.centroid[term] = self.centroid.get(term, 0.0) + weight
        if len(self.centroid) > 2 * _CENTROID_TERMS:
            kept = sorted(self.centroid.items(), key=lambda kv: -kv[1])[:_CENTROID_TERMS]
            self.centroid = dict(kept)
        self.norm = math.sqrt(sum(w * w for w in self.centroid.values()))
        self.names.update(features.names)
        self.figures.update(features.figures)
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
        self._df = [0] * (1 << _HASH_BITS)
        self._docs = 0
        self._stories: dict[int, _Story] = {}
        # term -> stories listed under it, least recently active first (dict as ordered set)
        self._index: dict[str, dict[int, None]] = {}
        self._features: dict[str, ArticleFeatures] = {}
        self._vectors: dict[str, dict[str, float]] = {}
        self._story_of: dict[str, int] = {}
        self._reasons: dict[str, JoinReason] = {}
        self._next_id = 1
        self._since_repair = 0
        self._dirty: set[int] = set()  # stories changed since the last repair

    # -- public API -------------------------------------------------------
    def assign(self, features: ArticleFeatures) -> Assignment:
        """Put one article into the best story (or a new one) and say why."""
        if features.id in self._story_of:
            story_id = self._story_of[features.id]
            return Assignment(features.id, story_id, self._reasons[features.id])
        self._learn_df(features)
        vector = self._vector(features)
        best, reason = self._best_story(vector, features)
        if best is None:
            best = self._new_story()
            reason = JoinReason(1.0, (), (), 1.0, founded=True)
        self._join(best, vector, features, reason)
        self._dirty.add(best.id)
        self._since_repair += 1
        return Assignment(features.id, best.id, self._story_of_reason(features.id))

    def place(self, features: ArticleFeatures, story_id: int, reason: JoinReason) -> None:
        """Put an article into a known story without scoring (rebuilding state from a store)."""
        if features.id in self._story_of:
            return
        self._learn_df(features)
        story = self._stories.get(story_id)
        if story is None:
            story = self._stories[story_id] = _Story(story_id)
            self._next_id = max(self._next_id, story_id + 1)
        self._join(story, self._vector(features), features, reason)

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

    def stories(self) -> dict[int, tuple[str, ...]]:
        return {sid: tuple(s.members) for sid, s in self._stories.items() if s.members}

    def forget_before(self, date: dt.date) -> int:
        """Drop stories whose last article is older than ``date`` (bounded memory)."""
        stale = [s for s in self._stories.values() if s.last is not None and s.last < date]
        for story in stale:
            self._drop_story(story)
        return len(stale)

    def repair(self) -> list[tuple[str, int, int]]:
        """Merge stories that are one and split stories that are two; return the moves.

        Each move is ``(article_id, from_story, to_story)``; the members of
        every story a move touches get fresh join reasons. Only stories that
        changed since the last repair are examined, so a repair costs in
        proportion to recent traffic.
        """
        self._since_repair = 0
        moves: list[tuple[str, int, int]] = []
        for story_id in sorted(self._dirty):
            story = self._stories.get(story_id)
            if story is not None and story.members:
                moves.extend(self._merge_into_neighbour(story))
        for story_id in sorted(self._dirty):
            story = self._stories.get(story_id)
            if story is not None:
                moves.extend(self._split(story, depth=2))
        self._dirty.clear()
        return moves

    # -- scoring ----------------------------------------------------------
    def _learn_df(self, features: ArticleFeatures) -> None:
        self._docs += 1
        for term in features.terms:
            self._df[_term_id(term)] += 1

    def _idf(self, term: str) -> float:
        return math.log((1 + self._docs) / (1 + self._df[_term_id(term)])) + 1.0

    def _vector(self, features: ArticleFeatures) -> dict[str, float]:
        weights = {t: (1.0 + math.log(c)) * self._idf(t) for t, c in features.terms.items()}
        top = sorted(weights.items(), key=lambda kv: -kv[1])[:_VECTOR_TERMS]
        norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
        return {t: w / norm for t, w in top}

    def _candidates(self, vector: dict[str, float], features: ArticleFeatures) -> list[int]:
        """The stories most worth scoring: those sharing most of the article's strong terms.

        Each term's posting list is scanned from its most recently active
        stories, and only the best few by shared term weight inside the time
        window are scored exactly, so the cost per article stays flat as the
        stream grows.
        """
        hits: dict[int, float] = {}
        for term, weight in sorted(vector.items(), key=lambda kv: -kv[1])[: 2 * _INDEX_TERMS]:
            posting = self._index.get(term)
            if not posting:
                continue
            for scanned, story_id in enumerate(reversed(posting)):
                if scanned >= _POSTING_SCAN:
                    break
                hits[story_id] = hits.get(story_id, 0.0) + weight
        chosen: list[int] = []
        for story_id in sorted(hits, key=lambda sid: (-hits[sid], sid)):
            story = self._stories.get(story_id)
            if story is None or not story.members or not self._in_window(story, features.published):
                continue
            chosen.append(story_id)
            if len(chosen) >= _CANDIDATES:
                break
        return chosen

    def _in_window(self, story: _Story, published: dt.date | None) -> bool:
        if published is None or story.first is None or story.last is None:
            return True
        window = dt.timedelta(days=self.config.window_days)
        return story.first - window <= published <= story.last + window

    def _score(self, vector: dict[str, float], features: ArticleFeatures, story: _Story) -> JoinReason:
        contributions = {t: w * story.centroid[t] for t, w in vector.items() if t in story.centroid}
        similarity = sum(contributions.values()) / len(story.members)
        size = len(story.members)
        # A name counts as the story's when at least a third of its members printed it.
        shared = sorted(n for n in features.names if 3 * story.names[n] >= size)
        score = similarity
        top = sorted(contributions, key=lambda t: -contributions[t])[:8]
        return JoinReason(similarity, tuple(shared[:12]), tuple(top), score)

    def _best_story(self, vector: dict[str, float], features: ArticleFeatures) -> tuple[_Story | None, JoinReason]:
        best: _Story | None = None
        best_reason = JoinReason(0.0, (), (), 0.0)
        for sid in self._candidates(vector, features):
            story = self._stories[sid]
            reason = self._score(vector, features, story)
            if reason.score > best_reason.score or (reason.score == best_reason.score and best is not None and sid < best.id):
                best, best_reason = story, reason
        if best is None or best_reason.score < self.config.join_threshold:
            return None, best_reason
        if best_reason.similarity < self.config.join_ratio * best.cohesion():
            return None, best_reason
        return best, best_reason

    # -- state changes ----------------------------------------------------
    def _new_story(self) -> _Story:
        story = _Story(self._next_id)
        self._stories[story.id] = story
        self._next_id += 1
        return story

    def _join(self, story: _Story, vector: dict[str, float], features: ArticleFeatures, reason: JoinReason) -> None:
        story.add(vector, features)
        self._features[features.id] = features
        self._vectors[features.id] = vector
        self._story_of[features.id] = story.id
        self._reasons[features.id] = reason
        self._post(story.id, vector)

    def _post(self, story_id: int, vector: dict[str, float]) -> None:
        """List the story under the article's strongest terms, as most recently active."""
        for term, _ in sorted(vector.items(), key=lambda kv: -kv[1])[:_INDEX_TERMS]:
            posting = self._index.setdefault(term, {})
            posting.pop(story_id, None)
            posting[story_id] = None

    def _story_of_reason(self, article_id: str) -> JoinReason:
        return self._reasons[article_id]

    def _drop_story(self, story: _Story) -> None:
        for article_id in story.members:
            vector = self._vectors.pop(article_id, {})
            self._features.pop(article_id, None)
            self._story_of.pop(article_id, None)
            self._reasons.pop(article_id, None)
            for term in vector:
                posting = self._index.get(term)
                if posting is not None:
                    posting.pop(story.id, None)
                    if not posting:
                        del self._index[term]
        self._stories.pop(story.id, None)

    def _merge_into_neighbour(self, story: _Story) -> list[tuple[str, int, int]]:
        """Fold a story into an older neighbour when the two link as one story does."""
        vector = {t: w / (story.norm or 1.0) for t, w in story.centroid.items()}
        pseudo = ArticleFeatures(f"story:{story.id}", {}, frozenset(), frozenset(), story.first, "")
        for other_id in sorted(self._candidates(vector, pseudo)):
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
            self._rebuild(low, list(low.members) + moved)
            self._drop_index(high)
            high.members = []
            del self._stories[high.id]
            self._dirty.discard(high.id)
            self._dirty.add(low.id)
            return [(m, high.id, low.id) for m in moved]
        return []

    def _drop_index(self, story: _Story) -> None:
        for article_id in story.members:
            for term in self._vectors.get(article_id, {}):
                posting = self._index.get(term)
                if posting is not None:
                    posting.pop(story.id, None)

    def _split(self, story: _Story, depth: int) -> list[tuple[str, int, int]]:
        """Cut a story in two when its members form two groups that link weakly.

        Average-linkage bisection of the members; the cut stands when the
        groups' mutual similarity is well below each group's own cohesion
        (a relative test, so it holds for long and short articles alike).
        """
        members = story.members
        if len(members) < 2 * self.config.min_split_side or depth <= 0:
            return []
        # Bisection is quadratic: a big story is judged on an even sample of
        # its members, and the rest follow the nearer half.
        step = max(1, len(members) // _SPLIT_SAMPLE)
        sample = members[::step]
        halves = _bisect([self._vectors[m] for m in sample])
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
        self._rebuild(story, kept_ids)
        new = self._new_story()
        self._rebuild(new, moved_ids)
        moves = [(m, story.id, new.id) for m in moved_ids]
        return moves + self._split(story, depth - 1) + self._split(new, depth - 1)

    def _rebuild(self, story: _Story, member_ids: list[str]) -> None:
        """Recompute a story from scratch from the given members, in stream order."""
        fresh = _Story(story.id)
        for index, article_id in enumerate(member_ids):
            features, vector = self._features[article_id], self._vectors[article_id]
            if index == 0:
                reason = JoinReason(1.0, (), (), 1.0, founded=True)
            else:
                reason = self._score(vector, features, fresh)
            fresh.add(vector, features)
            self._story_of[article_id] = story.id
            self._reasons[article_id] = reason
            self._post(story.id, vector)
        story.centroid, story.names, story.figures = fresh.centroid, fresh.names, fresh.figures
        story.members, story.first, story.last, story.norm = fresh.members, fresh.first, fresh.last, fresh.norm


def _follow_halves(
    members: list[str], left: list[str], right: list[str], vectors: dict[str, dict[str, float]]
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
    return sum(w * b[t] for t, w in a.items() if t in b)


def _bisect(vectors: list[dict[str, float]]) -> tuple[list[int], list[int], float, float, float] | None:
    """Two groups by average linkage; their cohesions and mutual similarity."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    n = len(vectors)
    sims = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            sims[i, j] = sims[j, i] = _dot(vectors[i], vectors[j])
    distances = np.clip(1.0 - sims, 0.0, None)
    np.fill_diagonal(distances, 0.0)
    labels = fcluster(linkage(squareform(distances, checks=False), method="average"), 2, criterion="maxclust")
    left = [i for i in range(n) if labels[i] == labels[0]]
    right = [i for i in range(n) if labels[i] != labels[0]]
    if not right:
        return None

    def cohesion(group: list[int]) -> float:
        if len(group) < 2:
            return 1.0
        block = sims[np.ix_(group, group)]
        return float((block.sum() - len(group)) / (len(group) * (len(group) - 1)))

    between = float(sims[np.ix_(left, right)].mean())
    return left, right, cohesion(left), cohesion(right), between


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


def iter_features(articles: Iterable[Article]) -> Iterator[ArticleFeatures]:
    for article in articles:
        yield article_features(article)
