"""The summary benchmark: ROUGE of newsweave's summariser and of classical baselines.

Sits beside the pipeline, not in it: it reads multi-document summarisation
sets (``{"id", "documents": [str], "summaries": [str], ...}`` a line, e.g.
``../shared/benchmarks/mds/*.jsonl``), runs newsweave's batch path
(clean -> one spaCy pass over every document of every cluster -> index ->
summarise) and, in the same run over the same sentence split, every baseline
of :mod:`newsweave.baselines`. Scoring follows the data's README: Google's
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
from newsweave.nlp import ParsedArticle

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
    seconds: float  # time to produce the summaries (scoring excluded)


@dataclass(frozen=True)
class BenchResult:
    data: str
    clusters: int
    words: int
    systems: tuple[SystemResult, ...]
    parse_seconds: float  # clean + the one spaCy pass over every document
    batch_seconds: float  # newsweave end to end: parse + index + summarise

    @property
    def clusters_per_second(self) -> float:
        return self.clusters / self.batch_seconds if self.batch_seconds > 0 else float("inf")

    def to_json(self) -> dict[str, object]:
        return {
            "data": self.data,
            "clusters": self.clusters,
            "words": self.words,
            "parse_seconds": round(self.parse_seconds, 3),
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


_REFERENCE_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")


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


def parse_clusters(clusters: Sequence[Cluster]) -> list[list[ParsedArticle]]:
    """Clean every document and parse all of them in one spaCy pass (``nlp.pipe``)."""
    from newsweave.clean import clean_article
    from newsweave.ingest import article_from_record
    from newsweave.nlp import parse_articles

    articles = []
    owners: list[int] = []
    for c, cluster in enumerate(clusters):
        for k, document in enumerate(cluster.documents):
            name = f"{cluster.id}/d{k}"
            articles.append(clean_article(article_from_record(document, name, default_id=f"d{k}")))
            owners.append(c)
    grouped: list[list[ParsedArticle]] = [[] for _ in clusters]
    for owner, parsed in zip(owners, parse_articles(articles)):
        grouped[owner].append(parsed)
    return grouped


def newsweave_summaries(parsed_clusters: Sequence[Sequence[ParsedArticle]], words: int) -> list[list[str]]:
    """newsweave's summary of each cluster, as sentences."""
    from newsweave.similarity import build_index
    from newsweave.summarize import SummaryConfig, summarize

    config = SummaryConfig(words=words)
    out = []
    for parsed in parsed_clusters:
        items = summarize(parsed, build_index(parsed), config) if parsed else ()
        out.append([item.text for item in items])
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
) -> BenchResult:
    """Run newsweave and every baseline over one benchmark file and score them.

    Raises InputError for an unreadable file, ConfigError for a bad ``words``.
    """
    clusters = read_clusters(path, limit)
    if not clusters:
        raise InputError(f"{path}: no clusters", path)
    words = mean_reference_words(clusters) if words is None else words
    if words < 1:
        raise ConfigError(f"--words must be at least 1, got {words}", words)
    parsed, parse_seconds = _timed(lambda: parse_clusters(clusters))  # type: ignore[arg-type,return-value]
    ours, summarise_seconds = _timed(lambda: newsweave_summaries(parsed, words))
    runs: list[tuple[str, list[list[str]], float]] = [(NEWSWEAVE, ours, summarise_seconds)]
    sentence_lists = [[[s.text for s in p.sentences] for p in cluster] for cluster in parsed]
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
    return BenchResult(str(path), len(clusters), words, systems, parse_seconds, parse_seconds + summarise_seconds)
