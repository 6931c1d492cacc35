"""Sentence similarity across the sources of one story.

Shared by the summariser (which sources carry a summary sentence) and by
consensus/exclusive alignment. Sentences are bags of content lemmas weighted
by TF-IDF computed over the story's own sentences, so words every outlet
repeats (the protagonists' names) weigh less than the detail that makes two
sentences say the same thing.

Two scores per pair: cosine, and *containment* (the IDF mass of shared terms
over the smaller sentence's mass), because a short sentence restated inside
a long one is still the same content. :func:`SentenceIndex.similarity`
blends them.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import sparse

from newsweave.model import Sentence
from newsweave.nlp import ParsedArticle


# Stems of verbs of saying, left out of sentence terms.
REPORTING_TERMS = frozenset({"say", "said", "tell", "told", "add", "accord", "quot", "remark"})


@dataclass(frozen=True)
class SentenceIndex:  # not slotted: cached_property needs __dict__
    """All sentences of a story, flat, with pairwise similarity."""

    sentences: tuple[Sentence, ...]
    terms: tuple[frozenset[str], ...]
    sources: tuple[str, ...]  # source id of each sentence
    idf: dict[str, float]
    cosine: np.ndarray  # (n, n)
    containment: np.ndarray  # (n, n), symmetric: shared mass / smaller mass
    covered: np.ndarray  # (n, n): share of sentence i's term mass that sentence j has too

    @property
    def source_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.sources))

    def similarity(self, i: int, j: int) -> float:
        return float(self.blended[i, j])

    @functools.cached_property
    def blended(self) -> np.ndarray:
        """Cosine and containment blended (computed once, then kept)."""
        return _blend(self.cosine, self.containment)

    @functools.cached_property
    def _source_positions(self) -> dict[str, np.ndarray]:
        positions: dict[str, list[int]] = {}
        for k, source in enumerate(self.sources):
            positions.setdefault(source, []).append(k)
        return {source: np.array(ks) for source, ks in positions.items()}

    def best_match_per_source(self, i: int, threshold: float) -> dict[str, tuple[int, float]]:
        """For sentence ``i``: in each other source, its most similar sentence above ``threshold``."""
        out: dict[str, tuple[int, float]] = {}
        row = self.blended[i]
        own = self.sources[i]
        for source, positions in self._source_positions.items():
            if source == own:
                continue
            j = int(positions[int(np.argmax(row[positions]))])
            if row[j] >= threshold:
                out[source] = (j, float(row[j]))
        return out


def _blend(cosine: np.ndarray, containment: np.ndarray) -> np.ndarray:
    # Containment alone over-rewards tiny sentences; damp it toward cosine.
    return np.maximum(cosine, 0.85 * containment * np.sqrt(np.clip(cosine, 0.0, 1.0) + 0.2) / math.sqrt(1.2))


def build_index(parsed: Sequence[ParsedArticle]) -> SentenceIndex:
    """Index every sentence of every source."""
    sentences: list[Sentence] = []
    term_sets: list[frozenset[str]] = []
    term_lists: list[tuple[str, ...]] = []
    for article in parsed:
        for sentence, terms in zip(article.sentences, article.terms):
            # Reporting verbs say who spoke, not what: two different quotes
            # "..., Mr Xi said." must not match on {xi, say}.
            terms = tuple(t for t in terms if t not in REPORTING_TERMS)
            sentences.append(sentence)
            term_lists.append(terms)
            term_sets.append(frozenset(terms))
    n = len(sentences)
    df: Counter[str] = Counter()
    for terms in term_sets:
        df.update(terms)
    idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}
    vocab = {t: k for k, t in enumerate(sorted(idf))}
    # Sparse sentence-by-term matrices, float32: a 200-article story has
    # thousands of sentences and a dense float64 layout ran to gigabytes.
    rows, cols, weights = [], [], []
    for row, terms in enumerate(term_lists):
        for term, count in Counter(terms).items():
            rows.append(row)
            cols.append(vocab[term])
            weights.append((1.0 + math.log(count)) * idf[term])
    shape = (n, len(vocab))
    matrix = sparse.csr_matrix((np.array(weights, dtype=np.float32), (rows, cols)), shape=shape)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    unit = sparse.diags(1.0 / np.where(norms == 0, 1.0, norms)).astype(np.float32) @ matrix
    cosine = np.asarray((unit @ unit.T).todense(), dtype=np.float32)
    presence = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape)
    idf_vec = np.array([idf[t] for t in sorted(idf)], dtype=np.float32)
    weighted = presence @ sparse.diags(idf_vec) if vocab else presence
    shared = np.asarray((weighted @ presence.T).todense(), dtype=np.float32)  # idf mass of terms in both
    mass = np.asarray(weighted.sum(axis=1), dtype=np.float32).ravel()
    smaller = np.minimum(mass[:, None], mass[None, :])
    containment = np.where(smaller > 0, shared / np.where(smaller == 0, 1.0, smaller), 0.0).astype(np.float32)
    covered = np.where(mass[:, None] > 0, shared / np.where(mass[:, None] == 0, 1.0, mass[:, None]), 0.0).astype(np.float32)
    # Very short sentences ("He said.") contain nothing worth matching.
    short = np.array([len(t) < 3 for t in term_sets], dtype=bool)
    containment[short, :] = 0.0
    containment[:, short] = 0.0
    return SentenceIndex(
        sentences=tuple(sentences),
        terms=tuple(term_sets),
        sources=tuple(s.source for s in sentences),
        idf=idf,
        cosine=cosine,
        containment=containment,
        covered=covered,
    )
