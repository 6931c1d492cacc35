"""The summary benchmark: ROUGE of newsweave's summariser and of classical baselines.

Sits beside the pipeline, not in it: it reads multi-document summarisation
sets (``{"id", "documents": [str], "summaries": [str], ...}`` a line, e.g.
``../shared/benchmarks/mds/*.jsonl``), runs newsweave's batch brief
(:func:`newsweave.brief.brief_batch`, the path ``newsweave brief`` uses) on
every cluster and, in the same run, every baseline of
:mod:`newsweave.baselines` over the same cleaned articles and the same spaCy
sentence split. Scoring follows the data's README: Google's
``rouge-score``, stemming on, F1 of ROUGE-1/2/L and Lsum (one sentence a
line), every summary cut to ``words`` words (default: the references' mean).
"""

from __future__ import annotations

import functools
import json
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from newsweave.baselines import BASELINES, Baseline, best_single_document
from newsweave.errors import ConfigError, InputError
from newsweave.ingest import Rejected
from newsweave.model import Article, Brief

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
NEWSWEAVE = "newsweave"
ORACLE = "oracle: best single document"


@dataclass(frozen=True)
class Cluster:
    """One benchmark story: its documents and reference summaries."""

    id: str
    documents: tuple[str, ...]
    references: tuple[str, ...]


@dataclass(frozen=True)
class RougeScores:
    """Mean F1 (in percent) of each ROUGE type over the clusters."""

    rouge1: float
    rouge2: float
    rougeL: float
    rougeLsum: float

    def to_json(self) -> dict[str, float]:
        return {name: round(getattr(self, name), 2) for name in ROUGE_TYPES}


@dataclass(frozen=True)
class SystemResult:
    system: str
    scores: RougeScores
    seconds: float  # time to produce the summaries, scoring excluded (newsweave: the whole batch brief)


@dataclass(frozen=True)
class BenchResult:
    data: str
    clusters: int
    words: int
    systems: tuple[SystemResult, ...]  # newsweave first, then the baselines, the oracle last
    batch_seconds: float  # newsweave's batch brief end to end: clean, dates, spaCy, every stage
    analyses: bool = True  # whether the briefs ran every stage or the summary path only

    @property
    def clusters_per_second(self) -> float:
        return self.clusters / self.batch_seconds if self.batch_seconds > 0 else float("inf")

    def to_json(self) -> dict[str, object]:
        return {
            "data": self.data,
            "clusters": self.clusters,
            "words": self.words,
            "analyses": self.analyses,
            "batch_seconds": round(self.batch_seconds, 3),
            "clusters_per_second": round(self.clusters_per_second, 2),
            "systems": [
                {"system": s.system, **s.scores.to_json(), "seconds": round(s.seconds, 3)} for s in self.systems
            ],
        }


def read_clusters(path: Path, limit: int | None = None) -> list[Cluster]:
    """Read a benchmark JSONL file. Raises InputError naming the line that is not a cluster."""
    clusters: list[Cluster] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if limit is not None and len(clusters) >= limit:
                break
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                documents = tuple(str(d) for d in record["documents"] if str(d).strip())
                references = tuple(str(s) for s in record["summaries"] if str(s).strip())
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InputError(f"{path}:{number}: not a cluster with 'documents' and 'summaries' ({exc})", path) from exc
            if not documents or not references:
                raise InputError(f"{path}:{number}: a cluster needs documents and summaries", path)
            clusters.append(Cluster(str(record.get("id", number)), documents, references))
    return clusters


def mean_reference_words(clusters: Sequence[Cluster]) -> int:
    """The references' mean length in whitespace words, rounded: the default cut."""
    return round(statistics.mean(len(r.split()) for c in clusters for r in c.references))


def cut_to_words(sentences: Sequence[str], words: int) -> list[str]:
    """The first ``words`` whitespace words of a summary, keeping its sentence lines."""
    out: list[str] = []
    left = words
    for sentence in sentences:
        tokens = sentence.split()
        if left <= 0:
            break
        if tokens:
            out.append(" ".join(tokens[:left]))
            left -= len(tokens[:left])
    return out


_REFERENCE_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")


def split_reference(text: str) -> list[str]:
    """Split a reference into sentences for ROUGE-Lsum (a light regex; references are clean prose)."""
    return [part.strip() for part in _REFERENCE_SENTENCE_END.split(text.strip()) if part.strip()]


@functools.lru_cache(maxsize=1)
def make_scorer():  # type: ignore[no-untyped-def]
    """Google's reference scorer: ROUGE-1/2/L/Lsum, Porter stemming on (built once)."""
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)


def score_summary(scorer, summary: Sequence[str], references: Sequence[str]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """F1 per ROUGE type (0..1) of one summary (a list of sentences) against its best reference."""
    prediction = "\n".join(summary)
    targets = ["\n".join(split_reference(r)) for r in references]
    scores = scorer.score_multi(targets, prediction) if len(targets) > 1 else scorer.score(targets[0], prediction)
    return {name: scores[name].fmeasure for name in ROUGE_TYPES}


def mean_scores(per_cluster: Iterable[dict[str, float]]) -> RougeScores:
    rows = list(per_cluster)
    if not rows:
        return RougeScores(0.0, 0.0, 0.0, 0.0)
    return RougeScores(**{name: 100.0 * statistics.fmean(r[name] for r in rows) for name in ROUGE_TYPES})


def raw_batch(clusters: Sequence[Cluster]) -> list[tuple[str, list[Article], list[Rejected]]]:
    """The clusters as the batch brief takes them: raw articles ``d0, d1, ...`` per cluster."""
    from newsweave.ingest import article_from_record

    batch = []
    for cluster in clusters:
        articles = [
            article_from_record(document, f"{cluster.id}#d{k}", default_id=f"d{k}")
            for k, document in enumerate(cluster.documents)
        ]
        batch.append((cluster.id, articles, []))
    return batch


def newsweave_briefs(clusters: Sequence[Cluster], words: int, analyses: bool = True) -> list[Brief | None]:
    """The batch brief of every cluster (the path ``newsweave brief --batch`` runs); None when nothing was usable."""
    from newsweave.brief import BriefConfig, brief_batch

    config = BriefConfig(words=words, analyses=analyses)
    return [outcome.brief for outcome in brief_batch(raw_batch(clusters), config)]


def source_sentences(briefs: Sequence[Brief | None]) -> list[list[list[str]]]:
    """Each brief's cleaned sources split into sentences by the same spaCy pass newsweave uses.

    The baselines read exactly the articles newsweave's summariser read.
    """
    from newsweave.nlp import parse_articles

    articles = [a for brief in briefs if brief is not None for a in brief.sources]
    parsed = iter(parse_articles(articles))
    out: list[list[list[str]]] = []
    for brief in briefs:
        sources = brief.sources if brief is not None else ()
        out.append([[s.text for s in next(parsed).sentences] for _ in sources])
    return out


def _timed(produce: Callable[[], list[list[str]]]) -> tuple[list[list[str]], float]:
    started = time.perf_counter()
    result = produce()
    return result, time.perf_counter() - started


def run_benchmark(
    path: Path,
    words: int | None = None,
    limit: int | None = None,
    baselines: dict[str, Baseline] | None = None,
    analyses: bool = True,
) -> BenchResult:
    """Run newsweave's batch brief and every baseline over one benchmark file and score the summaries.

    ``analyses`` runs the brief's other stages too (entities, quotes, facts,
    conflicts, timeline), so the throughput is that of full briefs.
    Raises InputError for an unreadable file, ConfigError for a bad ``words``.
    """
    clusters = read_clusters(path, limit)
    if not clusters:
        raise InputError(f"{path}: no clusters", path)
    words = mean_reference_words(clusters) if words is None else words
    if words < 10:
        raise ConfigError(f"--words must be at least 10, got {words}", words)
    started = time.perf_counter()
    briefs = newsweave_briefs(clusters, words, analyses)
    batch_seconds = time.perf_counter() - started
    ours = [[item.text for item in brief.summary] if brief is not None else [] for brief in briefs]
    runs: list[tuple[str, list[list[str]], float]] = [(NEWSWEAVE, ours, batch_seconds)]
    sentence_lists = source_sentences(briefs)
    for name, baseline in (BASELINES if baselines is None else baselines).items():
        produced, seconds = _timed(lambda b=baseline: [b(docs, words) for docs in sentence_lists])  # type: ignore[misc]
        runs.append((name, produced, seconds))
    oracle, seconds = _timed(
        lambda: [best_single_document(c.references)(docs, words) for c, docs in zip(clusters, sentence_lists)]
    )
    runs.append((ORACLE, oracle, seconds))
    scorer = make_scorer()
    systems = tuple(
        SystemResult(
            name,
            mean_scores(score_summary(scorer, cut_to_words(s, words), c.references) for s, c in zip(produced, clusters)),
            seconds,
        )
        for name, produced, seconds in runs
    )
    return BenchResult(str(path), len(clusters), words, systems, batch_seconds, analyses)
