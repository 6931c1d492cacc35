"""A synthetic news stream of any length, built from the real benchmark articles.

Each *instance* copies one real event (a BASIL triplet or an ECB+ event) to a
random date; its articles are that event's real articles, perturbed: some
sentences dropped, some names replaced by names particular to the instance
(so two instances of one event are two events with their own names, as two
earthquakes are), and dates spread over a day or two. Gold = the instance.
Deterministic for a seed. Not collected by pytest; read at run time from
``../shared/benchmarks/cluster`` (never copied into the repository).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import sys
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsweave.model import Article  # noqa: E402

_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{2,}")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
_SYLLABLES = ("ka", "lo", "mi", "ra", "ten", "vos", "dun", "bel", "sha", "ori", "pex", "gan", "tu", "zel")


def _pseudo_name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _perturb(text: str, names: dict[str, str], rng: random.Random) -> str:
    paragraphs = []
    for paragraph in text.split("\n\n"):
        sentences = [s for s in _SENTENCE.split(paragraph) if rng.random() > 0.15] or [paragraph]
        paragraphs.append(" ".join(sentences))
    body = "\n\n".join(paragraphs)
    return _NAME.sub(lambda m: names.get(m.group(), m.group()), body)


def synthetic_stream(events: list[list[Article]], count: int, seed: int = 7, years: int = 10) -> Iterator[tuple[Article, str]]:
    """``count`` perturbed articles with their gold instance, in date order within blocks.

    The stream is produced in blocks of a few thousand articles sorted by
    date, blocks themselves in random date order: mostly chronological, as a
    crawl is, with late arrivals.
    """
    rng = random.Random(seed)
    start = dt.date(2010, 1, 1)
    produced = 0
    instance = 0
    while produced < count:
        block: list[tuple[dt.date, int, Article, str]] = []
        block_start = start + dt.timedelta(days=rng.randrange(years * 365))
        while len(block) < 3000 and produced + len(block) < count:
            instance += 1
            event = rng.choice(events)
            day = block_start + dt.timedelta(days=rng.randrange(60))
            vocabulary = {w for a in event for w in _NAME.findall(a.text)}
            names = {w: _pseudo_name(rng) for w in sorted(vocabulary) if rng.random() < 0.5}
            for article in event:
                if produced + len(block) >= count:
                    break
                text = _perturb(article.text, names, rng)
                title = _perturb(article.title or "", names, rng) or None
                copy = Article(
                    id=f"s{instance}-{article.id}",
                    text=text,
                    title=title,
                    published=day + dt.timedelta(days=rng.randrange(3)),
                    outlet=article.outlet,
                )
                block.append((copy.published, len(block), copy, f"i{instance}"))  # type: ignore[arg-type]
        block.sort(key=lambda item: (item[0], item[1]))
        for _, _, article, gold in block:
            yield article, gold
        produced += len(block)


def real_events(root: Path) -> list[list[Article]]:
    """The real benchmark articles grouped by gold event, cleaned once."""
    from newsweave.clean import clean_article
    from newsweave.cli_stream import load_cluster_stream

    articles, gold = load_cluster_stream(root)
    grouped: dict[str, list[Article]] = {}
    for article in articles:
        grouped.setdefault(gold[article.id], []).append(clean_article(article))
    return list(grouped.values())


def prepare_item(item: tuple[Article, str], clean: bool) -> tuple[object, str]:
    """An item of the stream with its per-article CPU work done (cleaning, features, MinHash).

    Module-level so a worker process can run it (the benchmark's ``--workers``).
    """
    from dataclasses import replace

    from newsweave.clean import clean_article
    from newsweave.store import prepare_article

    article, label = item
    if clean:
        # The cleaner takes raw text; a clean copy passes through unchanged in substance.
        merged = replace(article, title=None, text=f"{article.title}\n\n{article.text}")
        article = replace(clean_article(merged), id=article.id)
    return prepare_article(article), label
