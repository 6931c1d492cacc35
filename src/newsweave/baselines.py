"""Classical extractive baselines that newsweave's summariser is measured against.

Used only by the summary benchmark (:mod:`newsweave.evaluate.summary`). One
function per method behind one signature, :data:`Baseline`:
``(documents, words) -> sentences``, where ``documents`` is each document as
its list of sentences (the benchmark gives every method the same spaCy split)
and the result lists chosen sentences, most important first, until
``words`` whitespace words are reached (the last one may run over; the
benchmark cuts). Sentences are identified by position, never by text, so
duplicates do not collapse.

Own implementations on numpy (no extra packages): lead, lead round-robin,
LexRank (Erkan & Radev 2004), TextRank (Mihalcea & Tarau 2004), TF-IDF
centroid (Radev et al. 2004) with a redundancy cut-off, and, as a ceiling,
the best single document chosen knowing the references.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Callable, Sequence

import numpy as np

Baseline = Callable[[Sequence[Sequence[str]], int], list[str]]

_WORD = re.compile(r"[a-z0-9]+")
LEXRANK_THRESHOLD = 0.1  # Erkan & Radev's cosine cut-off for an edge
DAMPING = 0.85
REDUNDANCY = 0.5  # cosine above which a sentence repeats one already chosen


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


_STOP = _stop_words()


def tokens(sentence: str) -> list[str]:
    """Stemmed, lower-cased content words of a sentence (the baselines' shared tokeniser)."""
    from newsweave.nlp import stem

    return [stem(w) for w in _WORD.findall(sentence.lower()) if w not in _STOP]


def _take(ranked: Sequence[str], words: int) -> list[str]:
    """Sentences in the given order until the word budget is reached."""
    out: list[str] = []
    total = 0
    for sentence in ranked:
        if total >= words:
            break
        out.append(sentence)
        total += len(sentence.split())
    return out


def _flat(documents: Sequence[Sequence[str]]) -> list[str]:
    return [s for doc in documents for s in doc if s.strip()]


def lead(documents: Sequence[Sequence[str]], words: int) -> list[str]:
    """The first document's opening sentences."""
    return _take(documents[0], words) if documents else []


def lead_round_robin(documents: Sequence[Sequence[str]], words: int) -> list[str]:
    """First sentence of every document, then every second sentence, and so on."""
    longest = max((len(d) for d in documents), default=0)
    return _take([doc[k] for k in range(longest) for doc in documents if k < len(doc)], words)


def tfidf_matrix(sentences: Sequence[str]) -> np.ndarray:
    """Rows: unit-length TF-IDF vectors (IDF over these sentences, smoothed)."""
    bags = [Counter(tokens(s)) for s in sentences]
    vocab = {t: k for k, t in enumerate(sorted({t for bag in bags for t in bag}))}
    df = Counter(t for bag in bags for t in bag)
    n = len(sentences)
    matrix = np.zeros((n, len(vocab)))
    for row, bag in enumerate(bags):
        for term, count in bag.items():
            matrix[row, vocab[term]] = count * (math.log((1 + n) / (1 + df[term])) + 1.0)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def _pagerank(weights: np.ndarray, iterations: int = 100, tolerance: float = 1e-8) -> np.ndarray:
    """Stationary distribution of a row-normalised graph with teleportation."""
    n = weights.shape[0]
    sums = weights.sum(axis=1, keepdims=True)
    # A sentence with no edges teleports uniformly.
    transition = np.where(sums > 0, weights / np.where(sums == 0, 1.0, sums), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(iterations):
        updated = (1 - DAMPING) / n + DAMPING * transition.T @ rank
        if np.abs(updated - rank).sum() < tolerance:
            return updated
        rank = updated
    return rank


def _ranked(sentences: Sequence[str], scores: np.ndarray) -> list[str]:
    # Stable: ties keep document order, so results are deterministic.
    order = sorted(range(len(sentences)), key=lambda k: (-scores[k], k))
    return [sentences[k] for k in order]


def lexrank(documents: Sequence[Sequence[str]], words: int) -> list[str]:
    """LexRank: PageRank over the TF-IDF cosine graph with edges above 0.1."""
    sentences = _flat(documents)
    if not sentences:
        return []
    unit = tfidf_matrix(sentences)
    graph = ((unit @ unit.T) > LEXRANK_THRESHOLD).astype(float)
    np.fill_diagonal(graph, 0.0)
    return _take(_ranked(sentences, _pagerank(graph)), words)


def textrank(documents: Sequence[Sequence[str]], words: int) -> list[str]:
    """TextRank: PageRank over word overlap normalised by log sentence lengths."""
    sentences = _flat(documents)
    if not sentences:
        return []
    bags = [set(tokens(s)) for s in sentences]
    lengths = [max(len(tokens(s)), 1) for s in sentences]
    n = len(sentences)
    graph = np.zeros((n, n))
    for a in range(n):
        for b in range(a + 1, n):
            denominator = math.log(lengths[a] + 1) + math.log(lengths[b] + 1)
            weight = len(bags[a] & bags[b]) / denominator if denominator > 0 else 0.0
            graph[a, b] = graph[b, a] = weight
    return _take(_ranked(sentences, _pagerank(graph)), words)


def centroid(documents: Sequence[Sequence[str]], words: int) -> list[str]:
    """TF-IDF centroid: sentences closest to the cluster's centroid, skipping near-repeats."""
    sentences = _flat(documents)
    if not sentences:
        return []
    unit = tfidf_matrix(sentences)
    center = unit.sum(axis=0)
    center = center / (np.linalg.norm(center) or 1.0)
    scores = unit @ center
    chosen: list[int] = []
    total = 0
    for k in sorted(range(len(sentences)), key=lambda k: (-scores[k], k)):
        if total >= words:
            break
        if any(float(unit[k] @ unit[j]) > REDUNDANCY for j in chosen):
            continue
        chosen.append(k)
        total += len(sentences[k].split())
    return [sentences[k] for k in chosen]


def best_single_document(references: Sequence[str]) -> Baseline:
    """The oracle ceiling: the document whose lead scores best (ROUGE-1 F1) against the references."""
    from newsweave.evaluate.summary import cut_to_words, make_scorer, score_summary

    scorer = make_scorer()

    def oracle(documents: Sequence[Sequence[str]], words: int) -> list[str]:
        best: list[str] = []
        best_score = -1.0
        for doc in documents:
            candidate = _take(doc, words)
            score = score_summary(scorer, cut_to_words(candidate, words), references)["rouge1"]
            if score > best_score:
                best, best_score = candidate, score
        return best

    return oracle


# The benchmark runs these, in this order (the oracle needs references, so it is apart).
BASELINES: dict[str, Baseline] = {
    "lead (first document)": lead,
    "lead round-robin": lead_round_robin,
    "LexRank": lexrank,
    "TextRank": textrank,
    "TF-IDF centroid": centroid,
}
