"""The summary at the top of a brief: multi-document extractive summarisation.

Runs after the NLP pass and the story's sentence index
(``nlp -> similarity.build_index -> summarize``); ``brief.py`` calls
:func:`summarize` and puts its items under ``summary``.

Every sentence of every source is scored on signals that hold for any news
story, not on fitted rules:

* **support**: how strongly the *other* sources carry the same content (the
  best match in each other source, summed) -- what outlets agree on leads;
* **headline**: similarity to the sources' headlines (``Article.title``,
  or an article's opening line when no title was given), since a headline
  states what its outlet thinks the story is;
* **centrality**: closeness to the story's TF-IDF centroid;
* **lead**: news is written top-down, so earlier sentences weigh more.

Sentences that read badly out of context (a dangling "He said", "But", a
question, a caption, a quote-only fragment, very short or very long ones) are
not candidates. Selection is greedy with a redundancy penalty (MMR), until
the word budget is met (it may run over by the last sentence). The chosen
sentences follow the story: ordered by their relative position in their own
source. Every item is the source's exact sentence with its span, then each
other source that carries it with the matched sentence's span.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from newsweave.errors import ConfigError
from newsweave.model import BriefItem, Sentence
from newsweave.nlp import ParsedArticle
from newsweave.similarity import SentenceIndex

# Blended similarity at which another source "carries" a sentence (same event,
# same detail), chosen on the worked example's hand-aligned pairs.
SUPPORT_THRESHOLD = 0.35


@dataclass(frozen=True)
class SummaryConfig:
    """Knobs of the summariser; every weight is relative (they need not sum to 1)."""

    words: int = 120  # budget; the last sentence may run over
    support_weight: float = 1.0
    headline_weight: float = 1.0
    centrality_weight: float = 1.0
    lead_weight: float = 1.0
    redundancy: float = 1.0  # MMR penalty on the best similarity to a chosen sentence
    min_words: int = 6
    max_words: int = 60

    def __post_init__(self) -> None:
        if self.words < 1:
            raise ConfigError(f"summary words must be at least 1, got {self.words}", self.words)
        for name in ("support_weight", "headline_weight", "centrality_weight", "lead_weight", "redundancy"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise ConfigError(f"summary {name} must be a finite number >= 0, got {value!r}", value)
        if not 1 <= self.min_words <= self.max_words:
            raise ConfigError(
                f"summary min_words ({self.min_words}) must be >= 1 and <= max_words ({self.max_words})",
                (self.min_words, self.max_words),
            )


DEFAULT_CONFIG = SummaryConfig()

# First words that need an antecedent or a previous sentence to make sense.
_DANGLING_STARTS = frozenset(
    """he she it they them his her its their this that these those such but and or so yet also
    however meanwhile still instead then there here him we us""".split()
)
_CAPTION = re.compile(r"^(photo|image|file|video|watch|read more|related|click|advertisement)\b|\((?:AP|Reuters|Getty|AFP)[^)]*\)\s*$", re.I)
_QUOTE_OPEN = "\"“‘'"


def sentence_support(index: SentenceIndex, i: int, threshold: float = SUPPORT_THRESHOLD) -> BriefItem:
    """The item for sentence ``i``: its text, then every other source carrying it, with spans (own first)."""
    sentence = index.sentences[i]
    matches = index.best_match_per_source(i, threshold)
    others = sorted(matches.items(), key=lambda kv: (-kv[1][1], kv[0]))
    return BriefItem(
        text=sentence.text,
        sources=(sentence.source, *(source for source, _ in others)),
        spans=(sentence.span, *(index.sentences[j].span for _, (j, _score) in others)),
    )


def summarize(
    parsed: Sequence[ParsedArticle], index: SentenceIndex, config: SummaryConfig = DEFAULT_CONFIG
) -> tuple[BriefItem, ...]:
    """The story's summary as items, in story order, within ``config.words`` (plus one sentence at most)."""
    n = len(index.sentences)
    if n == 0:
        return ()
    blended = index.blended  # computed once: the property rebuilds it on every access
    scores = sentence_scores(parsed, index, blended, config)
    eligible = [i for i in range(n) if reads_alone(index.sentences[i], config)]
    if not eligible:  # a story of fragments still gets a summary
        eligible = list(range(n))
    chosen = select(eligible, scores, blended, index.sentences, config)
    return tuple(sentence_support(index, i) for i in story_order(chosen, index, parsed))


def sentence_scores(
    parsed: Sequence[ParsedArticle], index: SentenceIndex, blended: np.ndarray, config: SummaryConfig
) -> np.ndarray:
    """Weighted sum of support, headline similarity, centrality and lead position, per sentence."""
    support = cross_source_support(index, blended)
    headline = headline_similarity(parsed, index)
    centrality = centroid_similarity(index)
    lead = lead_position(index, parsed)
    return (
        config.support_weight * support
        + config.headline_weight * headline
        + config.centrality_weight * centrality
        + config.lead_weight * lead
    )


def cross_source_support(index: SentenceIndex, blended: np.ndarray) -> np.ndarray:
    """Per sentence: the mean over the other sources of its best match there (0 with one source)."""
    sources = np.array(index.sources)
    ids = index.source_ids
    if len(ids) < 2:
        return np.zeros(len(sources))
    best = np.zeros((len(sources), len(ids)))
    for k, source in enumerate(ids):
        columns = sources == source
        best[:, k] = blended[:, columns].max(axis=1)
        best[columns, k] = 0.0  # a source does not support itself
    return best.sum(axis=1) / (len(ids) - 1)


def _unit_vectors(index: SentenceIndex, term_sets: Sequence[frozenset[str]]) -> np.ndarray:
    vocab = {t: k for k, t in enumerate(sorted(index.idf))}
    matrix = np.zeros((len(term_sets), len(vocab)))
    for row, terms in enumerate(term_sets):
        for term in terms:
            if term in vocab:
                matrix[row, vocab[term]] = index.idf[term]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def centroid_similarity(index: SentenceIndex) -> np.ndarray:
    """Cosine of each sentence with the story's TF-IDF centroid (every source weighs the same)."""
    unit = _unit_vectors(index, index.terms)
    sources = np.array(index.sources)
    center = np.zeros(unit.shape[1])
    for source in index.source_ids:
        rows = unit[sources == source]
        center += rows.sum(axis=0) / max(len(rows), 1)
    norm = np.linalg.norm(center)
    return unit @ (center / norm) if norm > 0 else np.zeros(len(index.sentences))


def headline_terms(parsed: Sequence[ParsedArticle]) -> list[frozenset[str]]:
    """Content terms of each source's headline: its title, else its opening line when that reads like one."""
    from newsweave.nlp import content_terms, load_nlp  # noqa: F401  (content_terms needs tokens)

    out = []
    for article in parsed:
        if article.article.title:
            out.append(frozenset(_title_terms(article.article.title)))
        elif article.terms:
            out.append(frozenset(article.terms[0]))
    return out


def _title_terms(title: str) -> list[str]:
    # Titles are short; a light tokenisation with the same stemmer keeps this free of a second spaCy pass.
    from newsweave.nlp import stem

    return [stem(w.lower()) for w in re.findall(r"[A-Za-z0-9]+", title) if len(w) > 2]


def headline_similarity(parsed: Sequence[ParsedArticle], index: SentenceIndex) -> np.ndarray:
    """Mean cosine of each sentence with the headlines of the *other* sources, plus half its own."""
    heads = headline_terms(parsed)
    if not heads:
        return np.zeros(len(index.sentences))
    unit = _unit_vectors(index, index.terms)
    head_unit = _unit_vectors(index, heads)
    sims = unit @ head_unit.T  # (sentences, sources)
    owner = {p.id: k for k, p in enumerate(parsed)}
    own = np.array([owner.get(s, -1) for s in index.sources])
    weights = np.ones_like(sims)
    weights[np.arange(len(own)), own] = 0.5
    return (sims * weights).sum(axis=1) / weights.sum(axis=1)


def lead_position(index: SentenceIndex, parsed: Sequence[ParsedArticle]) -> np.ndarray:
    """1 for an article's first sentence, decaying with position (news is written top-down)."""
    return np.array([1.0 / math.sqrt(1.0 + s.index) for s in index.sentences])


def reads_alone(sentence: Sentence, config: SummaryConfig = DEFAULT_CONFIG) -> bool:
    """Whether a sentence makes sense lifted out of its article."""
    text = sentence.text.strip()
    words = text.split()
    if not config.min_words <= len(words) <= config.max_words:
        return False
    if text.endswith("?") or _CAPTION.search(text):
        return False
    first = re.sub(r"[^a-z']", "", words[0].lower())
    if first in _DANGLING_STARTS:
        return False
    if text[0] in _QUOTE_OPEN and text.count(text[0]) + text.count("”") >= 2 and re.search(r"[\"”’']\s*$", text):
        return False  # the whole sentence is a quotation without its speaker
    if not text[-1:] in ".!\"”’)":
        return False  # cut off: ends mid-sentence
    return True


def select(
    eligible: Sequence[int],
    scores: np.ndarray,
    blended: np.ndarray,
    sentences: Sequence[Sentence],
    config: SummaryConfig,
) -> list[int]:
    """Greedy MMR: best score minus the redundancy with what is already chosen, until the budget."""
    chosen: list[int] = []
    total = 0
    left = list(eligible)
    while left and total < config.words:
        def gain(i: int) -> tuple[float, int]:
            overlap = max((blended[i, j] for j in chosen), default=0.0)
            return (scores[i] - config.redundancy * overlap, -i)

        best = max(left, key=gain)
        left.remove(best)
        chosen.append(best)
        total += len(sentences[best].text.split())
    return chosen


def story_order(chosen: Sequence[int], index: SentenceIndex, parsed: Sequence[ParsedArticle]) -> list[int]:
    """Follow the story: by relative position within each sentence's own source, then selection order."""
    length = {p.id: max(len(p.sentences), 1) for p in parsed}
    rank = {i: r for r, i in enumerate(chosen)}
    return sorted(chosen, key=lambda i: (index.sentences[i].index / length.get(index.sources[i], 1), rank[i]))
