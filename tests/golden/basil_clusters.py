"""Access to the BASIL development clusters that the golden gold files annotate.

BASIL (launchnlp/BASIL) holds 42 events, each reported by three outlets (NYT, Fox News,
HuffPost). The articles are research-use data kept in ``/work/shared`` and are never copied
into this repository: the gold files under ``clusters/`` hold only short keywords and values,
and the golden tests read the articles through this module at run time. Tests that use it
must skip when ``BASIL`` does not exist (``pytest.mark.skipif(not BASIL.exists(), ...)``).

Source ids are the BASIL ``source`` field lower-cased (``nyt``, ``fox``, ``hpo``), which is
what the gold files use; a few BASIL lines spell it in capitals.
"""

from __future__ import annotations

import json
from pathlib import Path

BASIL = Path(__file__).resolve().parents[2] / ".." / "shared" / "benchmarks" / "cluster" / "basil-dev.jsonl"

# Fixed order so that a written cluster file (and anything derived from it) is reproducible.
_SOURCE_ORDER = ("nyt", "fox", "hpo")


def _source_rank(source_id: str) -> tuple[int, str]:
    """Sort key: the known outlets in a fixed order, anything else after them by name."""
    if source_id in _SOURCE_ORDER:
        return (_SOURCE_ORDER.index(source_id), source_id)
    return (len(_SOURCE_ORDER), source_id)


def _article_object(row: dict) -> dict:
    """The JSONL article object newsweave ingests, built from one BASIL line."""
    source_id = str(row["source"]).strip().lower()
    return {
        "id": source_id,
        "title": row["title"],
        "url": row["url"],
        "published": row["date"],
        "outlet": source_id,
        "text": row["text"],
    }


def basil_cluster(triplet_uuid: str) -> list[dict]:
    """The articles of one BASIL event as ingestible objects, ordered nyt, fox, hpo.

    Raises FileNotFoundError when the shared benchmark file is absent (callers should skip
    first) and KeyError when no line carries ``triplet_uuid``.
    """
    articles = []
    with BASIL.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            if row["triplet_uuid"] == triplet_uuid:
                articles.append(_article_object(row))
    if not articles:
        raise KeyError(f"no BASIL article has triplet_uuid {triplet_uuid!r} in {BASIL}")
    return sorted(articles, key=lambda article: _source_rank(article["id"]))


def write_cluster_jsonl(triplet_uuid: str, path: Path | str) -> Path:
    """Write the event's articles to ``path`` as JSONL (one article object a line); return the path.

    Meant for a temporary directory (pytest's ``tmp_path``): the texts must not enter the repo.
    """
    target = Path(path)
    with target.open("w", encoding="utf-8") as out:
        for article in basil_cluster(triplet_uuid):
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    return target


def source_mismatches(gold: dict) -> list[str]:
    """How an annotation's ``sources`` differ from its BASIL event's outlets and dates (empty: they agree)."""
    articles = basil_cluster(gold["triplet_uuid"])
    problems = []
    if set(gold["sources"]) != {a["id"] for a in articles}:
        problems.append(f"outlets {sorted(gold['sources'])} != {sorted(a['id'] for a in articles)}")
    for article in articles:
        stated = gold["sources"].get(article["id"], {}).get("published")
        if stated != article["published"]:
            problems.append(f"{article['id']} published {stated} != {article['published']}")
    return problems
