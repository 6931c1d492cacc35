"""Conflict detection against every hand annotation of disagreements, pooled.

    .venv/bin/python benchmarks/bench_conflicts.py [--json] [--list]

Sets: "dev" pools the conflicts-only annotations of BASIL events
(tests/golden/conflicts/, every disagreement between the outlets of an event,
an empty list where they agree) and the conflicts of the full dev annotations
(tests/golden/clusters/); "held-out" the three held-out clusters (measured,
never tuned on). Scored with the project's scorer (newsweave.evaluate.gold):
a gold conflict is found when a brief conflict carries one of its keywords and
matches two of its values. Pooled over the set: hard recall (found / hard
gold conflicts), soft conflicts found, and precision (brief conflicts matching
some gold conflict, hard or soft / brief conflicts). ``--list`` prints each
miss and each false positive of the dev set (held-out misses are not shown).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def annotation_sets() -> list[tuple[str, Path]]:
    golden = ROOT / "tests" / "golden"
    sets = [("dev", p) for p in sorted((golden / "conflicts").glob("*.conflicts.json"))]
    sets += [("dev", p) for p in sorted((golden / "clusters").glob("*.gold.json"))]
    sets += [("held-out", p) for p in sorted((golden / "heldout").glob("*.gold.json"))]
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--list", action="store_true", help="print each miss and false positive of the dev set")
    args = parser.parse_args()

    from newsweave.brief import brief_articles
    from newsweave.evaluate.gold import score_brief
    from newsweave.ingest import read_inputs
    from newsweave.render.json import brief_to_dict
    from tests.golden.basil_clusters import BASIL, write_cluster_jsonl

    if not BASIL.exists():
        sys.exit(f"BASIL data absent at {BASIL}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, path in annotation_sets():
            gold = json.loads(path.read_text(encoding="utf-8"))
            cluster = write_cluster_jsonl(gold["triplet_uuid"], Path(tmp) / f"{gold['cluster']}.jsonl")
            outcome = brief_articles(read_inputs([str(cluster)]).articles)
            brief = json.loads(json.dumps(brief_to_dict(outcome.brief)))
            score = score_brief({"conflicts": gold.get("conflicts") or []}, brief)
            hard = score.section("conflicts")
            rows.append({
                "set": kind,
                "cluster": gold["cluster"],
                "hard_found": len(hard.found) if hard else 0,
                "hard": (len(hard.found) + len(hard.missed)) if hard else 0,
                "soft_found": len(score.soft_conflicts.found),
                "soft": len(score.soft_conflicts.found) + len(score.soft_conflicts.missed),
                "brief_conflicts": len(brief["conflicts"]),
                "false_positives": list(score.conflict_false_positives),
                "missed": list(hard.missed) if hard else [],
                "soft_missed": list(score.soft_conflicts.missed),
            })
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print("| set | events | hard conflicts found | soft found | brief conflicts | matching a gold one | precision |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind in ("dev", "held-out"):
        part = [r for r in rows if r["set"] == kind]
        if not part:
            continue
        hard_found, hard = sum(r["hard_found"] for r in part), sum(r["hard"] for r in part)
        soft_found, soft = sum(r["soft_found"] for r in part), sum(r["soft"] for r in part)
        briefed = sum(r["brief_conflicts"] for r in part)
        matched = briefed - sum(len(r["false_positives"]) for r in part)
        precision = f"{100 * matched / briefed:.0f}" if briefed else "n/a"
        print(f"| {kind} | {len(part)} | {hard_found} / {hard} | {soft_found} / {soft} | {briefed} | {matched} | {precision} |")
    if args.list:
        for r in rows:
            if r["set"] != "dev":
                continue  # held-out is measured, never read for misses
            for miss in r["missed"]:
                print(f"MISSED hard  {r['cluster']}: {miss}")
            for miss in r["soft_missed"]:
                print(f"missed soft  {r['cluster']}: {miss}")
            for about in r["false_positives"]:
                print(f"FALSE POS    {r['cluster']}: {about}")


if __name__ == "__main__":
    main()
