"""The Spark commands beside the local ones in one run, printed as Markdown for BENCHMARKS.md.

    .venv/bin/python benchmarks/bench_spark.py [--count 20000] [--master local[2]] [--stream FILE]

Each pair runs in child processes, one after the other, on the same input:
- ``newsweave ingest`` and ``newsweave spark ingest`` on ``--count`` inputs of
  the synthetic stream (``synthetic_stream.py``, built from
  ``../shared/benchmarks/cluster``), the latter given the file's path and
  then its ``file://`` URL (read by Spark); the stores must hold the same rows;
- ``newsweave brief --batch`` and ``newsweave spark briefs --batch`` on the
  NeuS and AllSides sets of ``../shared/benchmarks/mds``, given as a path and
  as a ``file://`` URL; the outputs must be byte for byte the same (but for
  the file's name in what a brief says it skipped).
Times are wall-clock seconds of the whole command (Python start, spaCy load,
and for Spark the JVM's start). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "benchmarks"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _run(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed (exit {done.returncode}): {done.stderr[-2000:]}")
    return seconds, done


def _dump(db: Path) -> tuple[object, ...]:
    with sqlite3.connect(db) as connection:
        return tuple(
            connection.execute(query).fetchall()
            for query in (
                "SELECT id, content_hash FROM articles ORDER BY seq",
                "SELECT * FROM near_duplicates ORDER BY article_id",
                "SELECT * FROM story_members ORDER BY article_id",
                "SELECT * FROM stories ORDER BY id",
            )
        )


def _ingest_rows(newsweave: str, args: argparse.Namespace, tmp: Path) -> list[tuple[str, float, float, str]]:
    from synthetic_stream import real_events, write_stream

    stream = Path(args.stream) if args.stream else tmp / "stream.jsonl"
    if not stream.exists():
        write_stream(stream, real_events(SHARED / "cluster"), args.count)
    inputs = sum(1 for line in stream.open("rb") if line.strip())
    local_db, spark_db = tmp / "local.db", tmp / "spark.db"
    local_s, _ = _run([newsweave, "ingest", str(stream), "--db", str(local_db), "--no-progress"])
    spark_s, _ = _run([newsweave, "spark", "ingest", str(stream), "--db", str(spark_db), "--no-progress", "--master", args.master])
    same = "yes" if _dump(local_db) == _dump(spark_db) else "NO"
    url_db = tmp / "url.db"
    url_s, _ = _run([newsweave, "spark", "ingest", stream.resolve().as_uri(), "--db", str(url_db), "--no-progress", "--master", args.master])
    url_same = "yes" if _dump(local_db) == _dump(url_db) else "NO"
    return [
        (f"ingest, synthetic stream ({inputs:,} inputs)", local_s, spark_s, same),
        ("ingest, the same stream as a file:// URL, read by Spark", local_s, url_s, url_same),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--stream", default=None, help="the synthetic stream's JSON-lines file (written when missing)")
    parser.add_argument("--jobs", default="ingest,briefs", help="which pairs to run: ingest, briefs or both")
    args = parser.parse_args()
    newsweave = str(Path(sys.executable).with_name("newsweave"))
    rows: list[tuple[str, float, float, str]] = []
    print(f"<!-- {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, master {args.master} -->")
    with tempfile.TemporaryDirectory() as tmp:
        if "ingest" in args.jobs:
            rows.extend(_ingest_rows(newsweave, args, Path(tmp)))
        if "briefs" in args.jobs:
            for name, words in (("neus-val.jsonl", 66), ("allsides-dev.jsonl", 110)):
                batch = SHARED / "mds" / name
                clusters = sum(1 for line in batch.open("rb") if line.strip())
                here, there = Path(tmp) / "here.jsonl", Path(tmp) / "there.jsonl"
                local_s, _ = _run([newsweave, "brief", "--batch", str(batch), "--format", "jsonl", "--words", str(words), "--out", str(here)])
                spark_s, _ = _run([newsweave, "spark", "briefs", "--batch", str(batch), "--words", str(words), "--out", str(there), "--master", args.master])
                same = "yes" if here.read_bytes() == there.read_bytes() else "NO"
                rows.append((f"briefs, {name} ({clusters} clusters)", local_s, spark_s, same))
                url = batch.resolve().as_uri()
                url_s, _ = _run([newsweave, "spark", "briefs", "--batch", url, "--words", str(words), "--out", str(there), "--master", args.master])
                same = "yes" if here.read_bytes() == there.read_bytes().replace(url.encode(), str(batch).encode()) else "NO"
                rows.append((f"briefs, {name} as a file:// URL, read by Spark", local_s, url_s, same))
    print("| job | local (s) | Spark (s) | local / Spark | same output |")
    print("| --- | ---: | ---: | ---: | :---: |")
    for job, local_s, spark_s, same in rows:
        print(f"| {job} | {local_s:.1f} | {spark_s:.1f} | {local_s / spark_s:.2f}x | {same} |")


if __name__ == "__main__":
    main()
