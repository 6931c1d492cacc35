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

__all__ = [
    "DedupConfig",
    "DuplicateMatch",
    "NearDuplicateIndex",
    "Signature",
    "from_bytes",
    "shingle_hashes",
    "shingles",
    "signature",
    "to_bytes",
]

_TOKEN = re.compile(r"\w+")
_SCHEME = "affine32"  # datasketch's permutation scheme, named so stored signatures stay comparable
# word (UTF-8) -> CRC-32, a cache: words repeat across a stream far more than they are new.
_WORD_HASHES: dict[bytes, int] = {}
_WORD_CACHE = 1_000_000
# Words of an ASCII text without the regex: every byte that is not \w becomes a
# space and bytes.split() cuts the runs (the same words as _TOKEN.findall, in
# bytes, as the hashes need them). The marks news prints most often outside
# ASCII (quotes, dashes, ellipsis) are not \w either, so they become spaces
# first; a text that holds any other non-ASCII character takes the regex.
_NOT_WORD_BYTES = bytes(
    byte if chr(byte).isalnum() or byte == ord("_") else ord(" ") for byte in range(128)
) + b" " * 128
_COMMON_MARKS = tuple(mark.encode("utf-8") for mark in "\u201c\u201d\u2019\u2018\u2014\u2013\u2015\u2026")


@dataclass(frozen=True, slots=True)
class DedupConfig:
    threshold: float = 0.7  # estimated Jaccard of shingle sets that makes two texts copies
    num_perm: int = 64
    shingle_words: int = 5
    seed: int = 1
    capacity: int = 50_000  # signatures kept in memory; older ones leave the index (wire copies come within days)
    max_chars: int = 3000  # characters of text read per article (about 500 words: plenty to tell a copy)

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
    return np.unique(_shingle_array(text, size)).tolist()


def _shingle_array(text: str, size: int) -> np.ndarray:
    """:func:`shingle_hashes` as a uint32 array, repeats kept (a minimum does not mind them)."""
    words = _utf8_words(text.lower())
    if not words:
        return np.zeros(0, dtype=np.uint32)
    if len(words) < size:
        return np.array([zlib.crc32(b" ".join(words))], dtype=np.uint32)
    hashes = _word_hashes(words)
    count = len(words) - size + 1
    # uint32 arithmetic wraps, which is the "& 0xFFFFFFFF" of each step (the
    # low 32 bits of a*b + c depend only on those of a, b and c); the first
    # step, from zero, is the first word's hash.
    combined = hashes[:count].copy()
    for offset in range(1, size):
        combined *= np.uint32(1_000_003)
        combined += hashes[offset : offset + count]
    return combined


def _utf8_words(lowered: str) -> list[bytes]:
    """``_TOKEN.findall(lowered)``, each word UTF-8 encoded (see _NOT_WORD_BYTES)."""
    data = lowered.encode("utf-8", "surrogatepass")  # a lone surrogate is not \w: it takes the regex below
    if not data.isascii():
        for mark in _COMMON_MARKS:
            if mark in data:
                data = data.replace(mark, b" ")
        if not data.isascii():
            return [word.encode("utf-8") for word in _TOKEN.findall(lowered)]
    return data.translate(_NOT_WORD_BYTES).split()


def _word_hashes(words: list[bytes]) -> np.ndarray:
    """CRC-32 of each word as a uint32 array, through a bounded cache (cleared when full)."""
    cache = _WORD_HASHES
    try:  # most texts: every word is known, one pass
        return np.fromiter(map(cache.__getitem__, words), dtype=np.uint32, count=len(words))
    except KeyError:
        pass
    if len(cache) > _WORD_CACHE:
        cache.clear()
    for word in set(words).difference(cache):
        cache[word] = zlib.crc32(word)
    return np.fromiter(map(cache.__getitem__, words), dtype=np.uint32, count=len(words))


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (datasketch's pre-mixing step of the affine32 scheme)."""
    h = values.astype(np.uint32)
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


@dataclass(frozen=True, slots=True, eq=False)
class Signature:
    """A MinHash signature: ``num_perm`` uint32 values of datasketch's affine32 scheme.

    The values equal ``datasketch.MinHash(..., scheme="affine32")`` over the
    same prehashed shingles (a test holds them equal); this value object
    skips building a MinHash per article, which costs more than hashing the
    text. MinHashLSH reads only ``hashvalues`` and ``len()``.
    """

    hashvalues: np.ndarray

    def __len__(self) -> int:
        return len(self.hashvalues)

    def jaccard(self, other: "Signature") -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        if len(other) != len(self):
            raise ValueError("signatures of different lengths cannot be compared")
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / len(self)


def signature(text: str, config: DedupConfig = DedupConfig()) -> Signature:
    """The MinHash of a text's shingles under ``config``'s seed and permutations."""
    a, b = _permutations(config.num_perm, config.seed)
    grams = _shingle_array(text[: config.max_chars], config.shingle_words)
    if not len(grams):
        return Signature(np.full(config.num_perm, 0xFFFFFFFF, dtype=np.uint32))
    # uint32 arithmetic wraps: that is the scheme's "mod 2^32". One row per
    # permutation: each minimum reads a contiguous row (faster than a column).
    values = a[:, None] * _fmix32(grams)
    values += b[:, None]
    return Signature(values.min(axis=1))


class NearDuplicateIndex:
    """Groups texts that are near-copies of an earlier one, online and in bounded memory."""

    def __init__(self, config: DedupConfig | None = None) -> None:
        self.config = config or DedupConfig()
        self._lsh = MinHashLSH(threshold=self.config.threshold, num_perm=self.config.num_perm)
        self._signatures: dict[str, Signature] = {}
        self._group: dict[str, str] = {}
        self._order: deque[str] = deque()

    def signature(self, text: str) -> Signature:
        return signature(text, self.config)

    def add(self, article_id: str, text: str, minhash: Signature | None = None, group_id: str | None = None) -> DuplicateMatch:
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

    def forget(self, article_id: str) -> None:
        """Take an article out of the index (one that was indexed but never stored)."""
        if article_id not in self._group:
            return
        self._lsh.remove(article_id)
        del self._signatures[article_id]
        del self._group[article_id]
        self._order.remove(article_id)

    def __len__(self) -> int:
        return len(self._order)


def to_bytes(minhash: Signature) -> bytes:
    """A signature's hash values as bytes (to store; uint64, the format of every stored signature)."""
    return np.asarray(minhash.hashvalues, dtype=np.uint64).tobytes()


def from_bytes(data: bytes, config: DedupConfig = DedupConfig()) -> Signature:
    """A stored signature (:func:`to_bytes`) back as a :class:`Signature`."""
    del config  # the values carry everything; kept for callers that pass it
    return Signature(np.frombuffer(data, dtype=np.uint64).astype(np.uint32))


def _prehashed(value: int) -> int:
    # Shingles arrive already hashed; datasketch would apply this per value.
    return value


_PERMUTATIONS: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutations ``(a, b)`` for a size and seed as uint32 arrays, drawn once."""
    key = (num_perm, seed)
    if key not in _PERMUTATIONS:
        a, b = MinHash(num_perm=num_perm, seed=seed, hashfunc=_prehashed, scheme=_SCHEME).permutations
        _PERMUTATIONS[key] = (np.asarray(a, dtype=np.uint32).ravel(), np.asarray(b, dtype=np.uint32).ravel())
    return _PERMUTATIONS[key]
