"""Score briefs against every hand annotation the project has.

    .venv/bin/python benchmarks/bench_gold.py [--json]

Sets: the bundled example (examples/blinken-beijing), the eleven BASIL
clusters used while building (tests/golden/clusters/), and three held-out
BASIL clusters nobody tuned on (tests/golden/heldout/). BASIL articles are
read from ../shared/benchmarks/cluster/basil-dev.jsonl at run time. Scoring
is the project's scorer (newsweave.evaluate.gold, ../shared/docs/gold-format.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECTIONS = ("conflicts", "quotes", "timeline", "consensus", "exclusive", "entities")


def gold_sets() -> list[tuple[str, Path]]:
    sets = [("seed", ROOT / "examples" / "blinken-beijing.gold.json")]
    sets += [("dev", p) for p in sorted((ROOT / "tests" / "golden" / "clusters").glob("*.gold.json"))]
    sets += [("held-out", p) for p in sorted((ROOT / "tests" / "golden" / "heldout").glob("*.gold.json"))]
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from newsweave.brief import BriefConfig, brief_articles
    from newsweave.evaluate.gold import score_brief
    from newsweave.ingest import read_inputs
    from newsweave.render.json import brief_to_dict
    from tests.golden.basil_clusters import BASIL, write_cluster_jsonl

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, path in gold_sets():
            gold = json.loads(path.read_text(encoding="utf-8"))
            if "triplet_uuid" in gold:
                if not BASIL.exists():
                    continue
                inputs = [str(write_cluster_jsonl(gold["triplet_uuid"], Path(tmp) / f"{path.stem}.jsonl"))]
            else:
                inputs = [str(ROOT / "examples" / "blinken-beijing")]
            articles = read_inputs(inputs).articles
            brief_articles(articles)  # warm the model and caches
            start = time.perf_counter()
            outcome = brief_articles(articles)
            full = time.perf_counter() - start
            start = time.perf_counter()
            brief_articles(articles, BriefConfig(analyses=False))
            bare = time.perf_counter() - start
            score = score_brief(gold, json.loads(json.dumps(brief_to_dict(outcome.brief))))
            rows.append(
                {
                    "set": kind,
                    "cluster": gold["cluster"],
                    "mean_recall": score.mean_recall,
                    **{s: score.recall(s) for s in SECTIONS},
                    "conflict_precision": score.conflict_precision,
                    "quote_source_coverage": score.quote_source_coverage,
                    "leaks": score.boilerplate_leaks,
                    "published_accuracy": score.published_accuracy,
                    "brief_s": round(full, 2),
                    "without_analyses_s": round(bare, 2),
                }
            )
    if args.json:
        print(json.dumps(rows, indent=2))
        return

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{100 * value:.0f}"

    print("| set | cluster | mean recall | " + " | ".join(SECTIONS) + " | conflict precision | quote coverage | leaks | dates | brief s (no analyses) |")
    print("| --- | --- | ---: | " + " | ".join("---:" for _ in SECTIONS) + " | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['set']} | {r['cluster']} | {pct(r['mean_recall'])} | "
            + " | ".join(pct(r[s]) for s in SECTIONS)
            + f" | {pct(r['conflict_precision'])} | {pct(r['quote_source_coverage'])} | {r['leaks']} | "
            f"{pct(r['published_accuracy'])} | {r['brief_s']} ({r['without_analyses_s']}) |"
        )
    for kind in ("seed", "dev", "held-out"):
        means = [r["mean_recall"] for r in rows if r["set"] == kind and r["mean_recall"] is not None]
        if means:
            print(f"\n{kind}: mean of mean recalls {100 * statistics.mean(means):.1f} over {len(means)} clusters", end="")
    print()


if __name__ == "__main__":
    main()
