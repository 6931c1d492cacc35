"""The conflicts-only BASIL annotations agree with the articles they annotate.

``conflicts/basil-*.conflicts.json`` each list every disagreement between the outlets of
one BASIL event (an empty list when they agree), annotated blind to newsweave. Like
``test_basil_gold_files.py`` this checks the annotations, not newsweave: the outlets and
dates are BASIL's, each value's text occurs in each source it names, each conflict's
keywords occur in the texts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsweave.evaluate.gold import contains

try:  # tests/ is a package (tests/__init__.py); without it pytest puts this folder on sys.path
    from tests.golden.basil_clusters import BASIL, basil_cluster, source_mismatches
except ImportError:  # pragma: no cover - depends on how the test tree is laid out
    from basil_clusters import BASIL, basil_cluster, source_mismatches  # type: ignore[no-redef]

CONFLICT_FILES = sorted((Path(__file__).resolve().parent / "conflicts").glob("basil-*.conflicts.json"))
needs_basil = pytest.mark.skipif(not BASIL.exists(), reason=f"BASIL benchmark data absent at {BASIL}")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", CONFLICT_FILES, ids=lambda p: p.stem)
def test_conflict_file_shape(path: Path) -> None:
    gold = load(path)
    assert gold["cluster"] == path.name.removesuffix(".conflicts.json")
    assert gold["triplet_uuid"] in gold["about"]
    assert isinstance(gold["conflicts"], list) and isinstance(gold.get("not_conflicts", []), list)
    ids = [c["id"] for c in gold["conflicts"]]
    assert len(ids) == len(set(ids))
    for conflict in gold["conflicts"]:
        assert conflict["keywords"] and conflict["about"] and isinstance(conflict.get("soft", False), bool)
        assert len(conflict["values"]) >= 2
        for value in conflict["values"]:
            assert value["text"] and value["sources"]


@needs_basil
@pytest.mark.parametrize("path", CONFLICT_FILES, ids=lambda p: p.stem)
def test_conflict_annotations_occur_in_the_texts(path: Path) -> None:
    gold = load(path)
    assert source_mismatches(gold) == []
    texts = {a["id"]: a["text"] for a in basil_cluster(gold["triplet_uuid"])}
    for conflict in gold["conflicts"]:
        assert any(contains(text, k) for k in conflict["keywords"] for text in texts.values()), conflict["id"]
        for value in conflict["values"]:
            for source in value["sources"]:
                assert contains(texts[source], value["text"]), (conflict["id"], source, value["text"])
        # A disagreement is between outlets: the values do not all come from one.
        assert len({s for v in conflict["values"] for s in v["sources"]}) >= 2, conflict["id"]
