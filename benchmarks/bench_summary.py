"""Summary benchmark on both development sets, printed as Markdown for BENCHMARKS.md.

    .venv/bin/python benchmarks/bench_summary.py [--limit K]

Runs ``newsweave.evaluate.summary.run_benchmark`` (the same code as
``newsweave bench summary``) on NeuS at 66 words and AllSides at 110 words,
reading the data from ``../shared/benchmarks/mds/`` next to the repository.
Not collected by pytest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
from pathlib import Path

from newsweave.evaluate.summary import BenchResult, run_benchmark

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchmarks" / "mds"
SETS = (("neus-val.jsonl", 66), ("allsides-dev.jsonl", 110))


def markdown(result: BenchResult) -> str:
    lines = [
        f"**{Path(result.data).name}**, {result.clusters} clusters, cut to {result.words} words "
        f"(`newsweave bench summary --data ../shared/benchmarks/mds/{Path(result.data).name} --words {result.words}`)",
        "",
        "| system | R-1 | R-2 | R-L | R-Lsum | seconds |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for s in result.systems:
        r = s.scores
        lines.append(
            f"| {s.system} | {r.rouge1:.2f} | {r.rouge2:.2f} | {r.rougeL:.2f} | {r.rougeLsum:.2f} | {s.seconds:.2f} |"
        )
    lines += [
        "",
        f"Batch brief (clean, dates, one spaCy pass per chunk, every stage): {result.batch_seconds:.1f} s, "
        f"{result.clusters_per_second:.1f} clusters/s.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    print(f"Measured {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
          "rouge-score 0.1.2 (stemming, F1).\n")
    for name, words in SETS:
        path = DATA / name
        if not path.exists():
            print(f"{path}: not found, skipped\n")
            continue
        print(markdown(run_benchmark(path, words=words, limit=args.limit)) + "\n")


if __name__ == "__main__":
    main()
