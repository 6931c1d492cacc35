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
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsweave.model import Article  # noqa: E402

# Each look-behind comes after the first character it checks (the same
# characters as one in front): a pattern that starts with a character class
# lets the regex engine skip to where a match can start, where one that
# starts with a look-behind is tried at every position (same matches, faster).
_NAME = re.compile(r"[A-Z](?<=[a-z,;] [A-Z])[a-z]{2,}")  # a capitalised word after "x " or ", "
_SENTENCE = re.compile(r"\s(?<=[.!?]\s)\s*(?=[A-Z“\"])")  # the spaces after a sentence's end
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


@dataclass(frozen=True, slots=True)
class Recipe:
    """How to make one synthetic article: which real article, which instance, when.

    Small, so the main process only plans the stream and worker processes
    build the articles (:func:`build_article`), the costly part.
    """

    event: int  # index into the events list
    member: int  # index of the article within its event
    instance: int  # the instance (copy of the event) it belongs to
    seed: int  # the instance's random seed: its names and perturbations
    published: dt.date


def synthetic_recipes(events: list[list[Article]], count: int, seed: int = 7, years: int = 10) -> Iterator[tuple[Recipe, str]]:
    """``count`` recipes with their gold instance, in date order within blocks.

    The stream is produced in blocks of a few thousand articles sorted by
    date, blocks themselves in random date order: mostly chronological, as a
    crawl is, with late arrivals.
    """
    rng = random.Random(seed)
    start = dt.date(2010, 1, 1)
    produced = 0
    instance = 0
    while produced < count:
        block: list[tuple[dt.date, int, Recipe]] = []
        block_start = start + dt.timedelta(days=rng.randrange(years * 365))
        while len(block) < 3000 and produced + len(block) < count:
            instance += 1
            event = rng.randrange(len(events))
            day = block_start + dt.timedelta(days=rng.randrange(60))
            instance_seed = rng.getrandbits(32)
            for member in range(len(events[event])):
                if produced + len(block) >= count:
                    break
                published = day + dt.timedelta(days=rng.randrange(3))
                block.append((published, len(block), Recipe(event, member, instance, instance_seed, published)))
        block.sort(key=lambda item: (item[0], item[1]))
        for _, _, recipe in block:
            yield recipe, f"i{recipe.instance}"
        produced += len(block)


def build_article(events: list[list[Article]], recipe: Recipe) -> Article:
    """The synthetic article of a recipe: the real article with the instance's names, some sentences dropped."""
    event = events[recipe.event]
    article = event[recipe.member]
    names = _instance_names(events, recipe.event, recipe.seed)
    rng = random.Random(recipe.seed * 31 + recipe.member)
    text = _perturb(article.text, names, rng)
    title = _perturb(article.title or "", names, rng) or None
    return Article(
        id=f"s{recipe.instance}-{article.id}", text=text, title=title, published=recipe.published, outlet=article.outlet
    )


_VOCABULARY: dict[int, list[str]] = {}
_NAMES: dict[tuple[int, int], dict[str, str]] = {}  # the instances of the current stretch of stream


def _instance_names(events: list[list[Article]], event: int, seed: int) -> dict[str, str]:
    """The names one instance puts in place of the event's real ones (about half of them), made once."""
    key = (event, seed)
    if key not in _NAMES:
        if len(_NAMES) > 20_000:  # an instance's articles come within one block of the stream
            _NAMES.clear()
        rng = random.Random(seed)
        _NAMES[key] = {w: _pseudo_name(rng) for w in _vocabulary(events, event) if rng.random() < 0.5}
    return _NAMES[key]


def _vocabulary(events: list[list[Article]], event: int) -> list[str]:
    """Names printed in an event's articles, sorted (computed once per event)."""
    if event not in _VOCABULARY:
        _VOCABULARY[event] = sorted({w for a in events[event] for w in _NAME.findall(a.text)})
    return _VOCABULARY[event]


def real_events(root: Path) -> list[list[Article]]:
    """The real benchmark articles grouped by gold event, cleaned once."""
    from newsweave.clean import clean_article
    from newsweave.cli_stream import load_cluster_stream

    articles, gold = load_cluster_stream(root)
    grouped: dict[str, list[Article]] = {}
    for article in articles:
        grouped.setdefault(gold[article.id], []).append(clean_article(article))
    return list(grouped.values())


_EVENTS: list[list[Article]] = []  # set by use_events() before worker processes fork


def use_events(events: list[list[Article]]) -> None:
    """Make ``events`` the ones :func:`prepare_item` builds recipes from (forked workers inherit them)."""
    _EVENTS[:] = events


def prepare_item(item: tuple[Recipe, str], clean: bool) -> tuple[object, str]:
    """An item of the stream with its per-article work done: built, cleaned, features, MinHash.

    Module-level so a worker process can run it (the benchmark's ``--workers``).
    """
    from dataclasses import replace

    from newsweave.clean import clean_article
    from newsweave.store import prepare_article

    recipe, label = item
    article = build_article(_EVENTS, recipe)
    if clean:
        # The cleaner takes raw text; a clean copy passes through unchanged in substance.
        merged = replace(article, title=None, text=f"{article.title}\n\n{article.text}")
        article = replace(clean_article(merged), id=article.id)
    return prepare_article(article), label


def record_line(item: tuple[Recipe, str]) -> bytes:
    """A recipe's article as one line of JSON, as a crawl exported to JSON lines carries it.

    Module-level so a worker process can run it (writing a long stream to a file).
    """
    article = build_article(_EVENTS, item[0])
    record = {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        "published": article.published.isoformat() if article.published else None,
        "outlet": article.outlet,
    }
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def write_stream(path: Path, events: list[list[Article]], count: int, workers: int = 2) -> None:
    """Write ``count`` articles of the synthetic stream to ``path`` as JSON lines (gold: the id's ``s<instance>-`` prefix)."""
    from newsweave.store import preparing

    use_events(events)  # before the workers fork
    with path.open("wb") as out, preparing(synthetic_recipes(events, count), record_line, workers) as lines:
        out.writelines(lines)
