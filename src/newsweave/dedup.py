"""Near-duplicate detection: wire copies and re-publications of one text.

Stream side (``store -> dedup -> cluster``). MinHash signatures of word
5-shingles of the cleaned text, indexed with LSH (datasketch), find earlier
articles whose estimated Jaccard similarity reaches a threshold; the new
article joins that article's group. A story then counts *groups*, so an AP
story re-printed by forty papers is one origin, not forty.

Deterministic: the permutations come from a fixed seed and shingles are
hashed with CRC-32, never with Python's salted ``hash``. Only the first
:data:`DedupConfig.max_chars` characters are read: a copy is a copy from its
first paragraphs, and the cost per article stays bounded.
"""

from __future__ import annotations

import re
import zlib
from collections import deque
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from newsweave.errors import ConfigError

try:  # datasketch's own mixing step, to apply the permutations to a whole array at once
    from datasketch.minhash import _fmix
except ImportError:  # pragma: no cover - an older or newer datasketch: use its public path
    _fmix = None

__all__ = [
    "DedupConfig",
    "DuplicateMatch",
    "NearDuplicateIndex",
    "from_bytes",
    "shingle_hashes",
    "shingles",
    "signature",
    "to_bytes",
]

_TOKEN = re.compile(r"\w+")
_SCHEME = "affine32"  # datasketch's permutation scheme, named so stored signatures stay comparable
_SCHEME_BITS = 32
# word -> CRC-32, a cache: words repeat across a stream far more than they are new.
_WORD_HASHES: dict[str, int] = {}
_WORD_CACHE = 1_000_000


@dataclass(frozen=True, slots=True)
class DedupConfig:
    threshold: float = 0.7  # estimated Jaccard of shingle sets that makes two texts copies
    num_perm: int = 64
    shingle_words: int = 5
    seed: int = 1
    capacity: int = 100_000  # signatures kept in memory; older ones leave the index
    max_chars: int = 5000  # characters of text read per article

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= 1:
            raise ConfigError(f"threshold must be in (0, 1], got {self.threshold}", self)
        if self.num_perm < 8:
            raise ConfigError(f"num_perm must be at least 8, got {self.num_perm}", self)
        if self.shingle_words < 1:
            raise ConfigError(f"shingle_words must be at least 1, got {self.shingle_words}", self)


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    """The group an article joined and its estimated similarity to the group's first text."""

    article_id: str
    group_id: str  # id of the group's first article
    similarity: float  # 1.0 for an article that starts its own group


def shingles(text: str, size: int = 5) -> set[bytes]:
    """Word ``size``-grams of the lower-cased text, as bytes (short texts: the whole text)."""
    words = _TOKEN.findall(text.lower())
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def shingle_hashes(text: str, size: int = 5) -> list[int]:
    """32-bit hashes of the word ``size``-grams of the lower-cased text, distinct.

    Each word is hashed once (CRC-32) and a shingle's hash combines its words'
    hashes polynomially, in numpy: the same sets as :func:`shingles`, without
    building a string per shingle.
    """
    words = _TOKEN.findall(text.lower())
    if not words:
        return []
    hashes = np.array(_word_hashes(words), dtype=np.uint64)
    if len(words) < size:
        return [zlib.crc32(" ".join(words).encode("utf-8"))]
    count = len(words) - size + 1
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(size):
        combined = (combined * np.uint64(1_000_003) + hashes[offset : offset + count]) & np.uint64(0xFFFFFFFF)
    return np.unique(combined).tolist()


def _word_hashes(words: list[str]) -> list[int]:
    """CRC-32 of each word, through a bounded cache (cleared when full)."""
    cache = _WORD_HASHES
    try:
        return list(map(cache.__getitem__, words))
    except KeyError:
        if len(cache) > _WORD_CACHE:
            cache.clear()
        for word in set(words).difference(cache):
            cache[word] = zlib.crc32(word.encode("utf-8"))
        return list(map(cache.__getitem__, words))


def _update(minhash: MinHash, grams: list[int]) -> None:
    """``minhash.update_batch(grams)`` for prehashed values, vectorised (same hash values)."""
    if _fmix is None or minhash.scheme != _SCHEME:
        minhash.update_batch(grams)
        return
    a, b = minhash.permutations
    hv = _fmix(np.array(grams, dtype=np.uint32).reshape(-1, 1), _SCHEME_BITS)
    minhash.hashvalues = np.minimum(minhash.hashvalues, (hv * a + b).min(axis=0))


def _prehashed(value: int) -> int:
    # Shingles arrive already hashed (shingle_hashes); datasketch applies this per value.
    return value


def signature(text: str, config: DedupConfig = DedupConfig()) -> MinHash:
    """The MinHash of a text's shingles under ``config``'s seed and permutations."""
    minhash = MinHash(  # permutations drawn once per configuration, not per article
        num_perm=config.num_perm, seed=config.seed, hashfunc=_prehashed,
        permutations=_permutations(config.num_perm, config.seed), scheme=_SCHEME,
    )
    grams = shingle_hashes(text[: config.max_chars], config.shingle_words)
    if grams:
        _update(minhash, grams)
    return minhash


class NearDuplicateIndex:
    """Groups texts that are near-copies of an earlier one, online and in bounded memory."""

    def __init__(self, config: DedupConfig | None = None) -> None:
        self.config = config or DedupConfig()
        self._lsh = MinHashLSH(threshold=self.config.threshold, num_perm=self.config.num_perm)
        self._signatures: dict[str, MinHash] = {}
        self._group: dict[str, str] = {}
        self._order: deque[str] = deque()
        # Reused to hash without re-drawing the permutations for every article.
        self._template = MinHash(num_perm=self.config.num_perm, seed=self.config.seed, hashfunc=_prehashed, scheme=_SCHEME)

    def signature(self, text: str) -> MinHash:
        minhash = self._template.copy()
        grams = shingle_hashes(text[: self.config.max_chars], self.config.shingle_words)
        if grams:
            _update(minhash, grams)
        return minhash

    def add(self, article_id: str, text: str, minhash: MinHash | None = None, group_id: str | None = None) -> DuplicateMatch:
        """Index an article and return its group (its own id when it copies nothing).

        ``group_id`` restores a known group (rebuilding the index from a store).
        """
        if article_id in self._group:
            return DuplicateMatch(article_id, self._group[article_id], 1.0)
        minhash = minhash if minhash is not None else self.signature(text)
        match = DuplicateMatch(article_id, group_id or article_id, 1.0)
        if group_id is None:
            best: tuple[float, str] | None = None
            for other in self._lsh.query(minhash):
                similarity = float(minhash.jaccard(self._signatures[other]))
                if similarity >= self.config.threshold and (best is None or (similarity, other) > best):
                    best = (similarity, other)
            if best is not None:
                match = DuplicateMatch(article_id, self._group[best[1]], best[0])
        self._lsh.insert(article_id, minhash)
        self._signatures[article_id] = minhash
        self._group[article_id] = match.group_id
        self._order.append(article_id)
        while len(self._order) > self.config.capacity:
            oldest = self._order.popleft()
            self._lsh.remove(oldest)
            del self._signatures[oldest]
            del self._group[oldest]
        return match

    def __len__(self) -> int:
        return len(self._order)


def to_bytes(minhash: MinHash) -> bytes:
    """A signature's hash values as bytes (to store)."""
    return np.asarray(minhash.hashvalues, dtype=np.uint64).tobytes()


def from_bytes(data: bytes, config: DedupConfig = DedupConfig()) -> MinHash:
    values = np.frombuffer(data, dtype=np.uint64)
    return MinHash(
        seed=config.seed, hashfunc=_prehashed, hashvalues=values, permutations=_permutations(len(values), config.seed), scheme=_SCHEME
    )


_PERMUTATIONS: dict[tuple[int, int], object] = {}


def _permutations(num_perm: int, seed: int) -> object:
    """datasketch's permutations for a size and seed, drawn once (drawing them costs more than a signature)."""
    key = (num_perm, seed)
    if key not in _PERMUTATIONS:
        _PERMUTATIONS[key] = MinHash(num_perm=num_perm, seed=seed, hashfunc=_prehashed, scheme=_SCHEME).permutations
    return _PERMUTATIONS[key]
