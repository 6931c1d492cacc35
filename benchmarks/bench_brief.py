"""Brief time, cold and warm, beside one spaCy pass over the same text.

    .venv/bin/python benchmarks/bench_brief.py [--repeat 5] [--json]

Clusters: the bundled example (5 articles) and ten ECB+ reports of one event
(read from ../shared/benchmarks/cluster/ecbplus-dev.jsonl, topic 12: the
Indian navy capturing pirates). *Cold* is a fresh `newsweave brief` process
(interpreter start, imports, model load); *warm* is a second call in one
process. The spaCy pass is `nlp.pipe` over the cleaned texts with the same
model, so the ratio brief/spaCy shows what newsweave adds on top of parsing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "examples" / "blinken-beijing"
ECB = SHARED / "benchmarks" / "cluster" / "ecbplus-dev.jsonl"


def ten_article_cluster(folder: Path) -> Path:
    records = [json.loads(line) for line in ECB.open(encoding="utf-8")]
    chosen = [r for r in records if r["event_cluster"] == "12_ecb"][:10]
    path = folder / "ecb-12.jsonl"
    path.write_text(
        "\n".join(json.dumps({"id": r["doc_id"], "title": r.get("title"), "text": r["text"]}) for r in chosen),
        encoding="utf-8",
    )
    return path


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from newsweave.brief import BriefConfig, brief_articles, prepare_articles
    from newsweave.ingest import read_inputs
    from newsweave.nlp import load_nlp

    newsweave = str(Path(sys.executable).with_name("newsweave"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        inputs = {"example (5 articles)": str(EXAMPLE)}
        if ECB.exists():
            inputs["ECB+ 12_ecb (10 articles)"] = str(ten_article_cluster(Path(tmp)))
        nlp = load_nlp()
        for name, path in inputs.items():
            cold = []
            for _ in range(max(1, args.repeat // 2)):
                start = time.perf_counter()
                subprocess.run([newsweave, "brief", path, "--format", "json"], check=True, capture_output=True)
                cold.append(time.perf_counter() - start)
            raw = read_inputs([path]).articles
            words = sum(len(a.text.split()) for a in raw)
            brief_articles(raw)  # warm-up
            warm = timed(lambda: brief_articles(raw), args.repeat)
            bare = timed(lambda: brief_articles(raw, BriefConfig(analyses=False)), args.repeat)
            cleaned, _ = prepare_articles(raw)
            spacy_pass = timed(lambda: list(nlp.pipe([a.text for a in cleaned])), args.repeat)
            rows.append(
                {
                    "cluster": name,
                    "articles": len(raw),
                    "words": words,
                    "cold_s": round(statistics.median(cold), 3),
                    "warm_s": round(warm, 3),
                    "warm_without_analyses_s": round(bare, 3),
                    "spacy_pass_s": round(spacy_pass, 3),
                    "warm_over_spacy": round(warm / spacy_pass, 2),
                    "analyses_share": round((warm - bare) / warm, 2),
                }
            )
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print("| cluster | articles | words | cold (s) | warm (s) | warm, no analyses (s) | one spaCy pass (s) | warm / spaCy | analyses' share |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['cluster']} | {r['articles']} | {r['words']} | {r['cold_s']} | {r['warm_s']} | "
            f"{r['warm_without_analyses_s']} | {r['spacy_pass_s']} | {r['warm_over_spacy']}x | {r['analyses_share']:.0%} |"
        )


if __name__ == "__main__":
    main()
