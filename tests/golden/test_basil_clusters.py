"""Golden tests on hand-annotated BASIL events (nyt, fox, hpo; 2010-2018; see
clusters/README.md), read from ../shared at run time as JSON
Lines with ``published``, scored against hand annotations in clusters/.

The floors below are the measured scores less a small margin (see
BENCHMARKS.md for the figures); a change that lowers them fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsweave.brief import brief_articles
from newsweave.evaluate.contract import contract_violations
from newsweave.evaluate.gold import score_brief
from newsweave.ingest import read_inputs
from newsweave.render.json import brief_to_dict

from .basil_clusters import BASIL, write_cluster_jsonl

GOLD_FILES = sorted((Path(__file__).resolve().parent / "clusters").glob("basil-*.gold.json"))
pytestmark = pytest.mark.skipif(not BASIL.exists(), reason=f"BASIL data absent at {BASIL}")


@pytest.fixture(scope="module", params=GOLD_FILES, ids=lambda p: p.name.removesuffix(".gold.json"))
def scored(request, tmp_path_factory):
    gold = json.loads(request.param.read_text(encoding="utf-8"))
    path = write_cluster_jsonl(gold["triplet_uuid"], tmp_path_factory.mktemp("basil") / "cluster.jsonl")
    result = read_inputs([str(path)])
    outcome = brief_articles(result.articles, rejected=result.rejected)
    assert outcome.brief is not None and not outcome.rejected
    brief = json.loads(json.dumps(brief_to_dict(outcome.brief)))
    return gold, brief, score_brief(gold, brief)


def test_contract_holds(scored) -> None:
    _, brief, _ = scored
    assert contract_violations(brief) == []


def test_no_leaks_and_dates_right(scored) -> None:
    _, _, score = scored
    assert score.boilerplate_leaks == 0, score.leaked
    assert score.published_accuracy == 1.0


FLOORS = {"consensus": 0.6, "exclusive": 0.8, "entities": 0.85, "mean": 0.85}
# Clusters added later (twelfth session) score lower in places; their floors are their
# measured scores less a margin, so they guard against getting worse without hiding it.
FLOORS_OF = {
    "basil-benghazi-emails": {"exclusive": 0.45, "mean": 0.8},  # measured 0.50 and 0.85
    "basil-lauten-obama-daughters": {"mean": 0.72},  # measured 0.76 (its one conflict is a weekday)
    # Thirteenth session: consensus items these outlets word differently ("victory over" / "was beaten")
    "basil-cantor-brat-primary": {"consensus": 0.3, "exclusive": 0.6, "mean": 0.72},  # measured 0.33, 0.67, 0.75
    "basil-mueller-buzzfeed-statement": {"exclusive": 0.6, "mean": 0.8},  # measured 0.67 and 0.83
    "basil-rice-netanyahu-destructive": {"consensus": 0.45, "exclusive": 0.6, "mean": 0.74},  # measured 0.50, 0.67, 0.77
    "basil-sestak-clinton-job": {"consensus": 0.45, "mean": 0.83},  # measured 0.50 and 0.87
}


def test_recall_floors(scored) -> None:
    gold, _, score = scored
    floors = {**FLOORS, **FLOORS_OF.get(gold["cluster"], {})}
    for section in ("consensus", "exclusive", "entities"):
        assert score.recall(section) >= floors[section], (section, score.to_dict())
    assert score.mean_recall >= floors["mean"], score.to_dict()


def test_no_invented_conflicts(scored) -> None:
    _, _, score = scored
    assert score.conflict_precision is None or score.conflict_precision >= 0.8, score.conflict_false_positives
