"""Benchmarks of the stream side: clustering quality and ingest throughput.

    .venv/bin/python benchmarks/bench_cluster.py quality
    .venv/bin/python benchmarks/bench_cluster.py throughput --count 100000 [--clean] [--score] [--workers 2]
    .venv/bin/python benchmarks/bench_cluster.py ingest --count 100000 [--score] [--stream FILE] [--memory N]

Throughput feeds a synthetic stream (benchmarks/synthetic_stream.py) through
the same library path as ``newsweave ingest`` (StreamIngest.add_many: store,
MinHash near-duplicates, online clustering, one transaction per batch, each
outcome reported after its commit) into a fresh SQLite file, and reports
articles per second, peak resident memory (resource.getrusage, of this
process and, separately, of the largest worker) and the CPU each side spent
per article (which side bounds the rate). ``--clean`` also runs the cleaner
on every article, as the CLI does; ``--workers N`` (default 2, as the CLI on
two cores) does the per-article CPU work (building the synthetic article
from its recipe, cleaning, features, MinHash) in N worker processes beside
the single writer, which plans the stream, stores and clusters; ``--workers
0`` does it all in-process. ``--score`` adds B-cubed against the synthetic
instances (a stream of near-identical instances of the same real events: a
stress test of the time window, not a quality measure).

``ingest`` times the command itself: the same synthetic stream is first
written to a JSON-lines file (not timed; ``--stream FILE`` keeps it, or
reuses it when it exists), then ``newsweave ingest FILE --db DB
--no-progress`` runs in a child process (its per-article lines to
/dev/null) and reports wall time, articles per second, and the CPU and peak
memory of the command's process and of its workers.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "cluster"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def throughput(count: int, clean: bool, score: bool, db_dir: str | None, workers: int = 2) -> dict[str, object]:
    import functools

    from synthetic_stream import prepare_item, real_events, synthetic_recipes, use_events

    from newsweave.cluster import bcubed
    from newsweave.store import Store, StreamIngest, preparing

    events = real_events(DATA)
    use_events(events)  # before the workers fork: they build the articles from recipes
    gold: dict[str, str] = {}
    prepare = functools.partial(prepare_item, clean=clean)
    with tempfile.TemporaryDirectory(dir=db_dir) as tmp:
        path = Path(tmp) / "stream.db"
        at_start = resource.getrusage(resource.RUSAGE_SELF)  # loading and cleaning the real events is not ingest
        started = time.perf_counter()
        marks = []
        labels: dict[str, str] = {}
        with Store.open(path) as store, preparing(synthetic_recipes(events, count), prepare, workers) as prepared:
            stream = StreamIngest(store)

            def articles():  # type: ignore[no-untyped-def]
                for item, label in prepared:
                    labels[item.article.id] = label
                    yield item

            for n, outcome in enumerate(stream.add_many(articles()), start=1):
                label = labels.pop(outcome.article_id, "")
                if score:
                    gold[outcome.article_id] = label
                if n % 10000 == 0:
                    marks.append((n, round(time.perf_counter() - started, 1), round(peak_rss_mb())))
                    print(f"{n} articles, {marks[-1][1]} s, peak {marks[-1][2]} MB", file=sys.stderr, flush=True)
            stream.finish()
            seconds = time.perf_counter() - started
            report: dict[str, object] = {
                "articles": count,
                "seconds": round(seconds, 1),
                "articles_per_second": round(count / seconds, 1),
                "peak_rss_mb": round(peak_rss_mb()),
                "db_mb": round(path.stat().st_size / 1e6),
                "stories": len(store.stories()),
                "clean": clean,
                "workers": workers,
                "marks": marks,
            }
            if score:
                predicted = {m: s.id for s in store.stories() for m in s.article_ids}
                p, r, f = bcubed(predicted, gold)
                report["bcubed"] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
        # Known once the workers have exited (the pool closed with the block above).
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        report["worker_peak_rss_mb"] = round(children.ru_maxrss / 1024)
        # CPU per article of each side: which one bounds the rate.
        own = resource.getrusage(resource.RUSAGE_SELF)
        spent = own.ru_utime + own.ru_stime - at_start.ru_utime - at_start.ru_stime
        report["writer_cpu_ms_per_article"] = round(1000 * spent / count, 3)
        report["workers_cpu_ms_per_article"] = round(1000 * (children.ru_utime + children.ru_stime) / count, 3)
    return report


_REPORTING_CLI = """
import atexit, json, resource, sys
_usage = sys.argv[1]
def _report():
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(_usage, "w") as out:
        json.dump({"self": [own.ru_utime + own.ru_stime, own.ru_maxrss],
                   "workers": [workers.ru_utime + workers.ru_stime, workers.ru_maxrss]}, out)
atexit.register(_report)
from newsweave.cli import main
sys.argv = ["newsweave"] + sys.argv[2:]
main()
"""


def ingest_command(count: int, score: bool, db_dir: str | None, stream: str | None, memory: int | None = None) -> dict[str, object]:
    """``newsweave ingest`` on a JSON-lines file of the synthetic stream, in a child process."""
    import os
    import subprocess

    from synthetic_stream import real_events, write_stream

    from newsweave.cluster import bcubed
    from newsweave.store import Store

    with tempfile.TemporaryDirectory(dir=db_dir) as tmp:
        path = Path(stream) if stream else Path(tmp) / "stream.jsonl"
        if not path.exists():
            started = time.perf_counter()
            write_stream(path, real_events(DATA), count)
            print(f"wrote {path} in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        db, usage = Path(tmp) / "stream.db", Path(tmp) / "usage.json"
        src = str(Path(__file__).resolve().parents[1] / "src")
        env = os.environ | {"PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
        command = [sys.executable, "-c", _REPORTING_CLI, str(usage), "ingest", str(path), "--db", str(db), "--no-progress"]
        if memory is not None:
            command += ["--memory", str(memory)]
        started = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        seconds = time.perf_counter() - started
        if not usage.exists():
            raise SystemExit(f"newsweave ingest failed (exit {done.returncode}): {done.stderr[-2000:]}")
        used = json.loads(usage.read_text())
        with path.open("rb") as lines:
            inputs = sum(1 for line in lines if line.strip())
        with Store.open(db) as store:
            stored, stories = store.count(), store.stories()
            report: dict[str, object] = {
                "inputs": inputs,  # the stream repeats some texts exactly: stored once, the rest skipped
                "articles": stored,
                "exit_code": done.returncode,
                "summary": done.stderr.strip().splitlines()[-1:],
                "seconds": round(seconds, 1),
                "inputs_per_second": round(inputs / seconds, 1),
                "articles_per_second": round(stored / seconds, 1),
                "peak_rss_mb": round(used["self"][1] / 1024),
                "worker_peak_rss_mb": round(used["workers"][1] / 1024),
                "writer_cpu_ms_per_input": round(1000 * used["self"][0] / inputs, 3),
                "workers_cpu_ms_per_input": round(1000 * used["workers"][0] / inputs, 3),
                "db_mb": round(db.stat().st_size / 1e6),
                "input_mb": round(path.stat().st_size / 1e6),
                "stories": len(stories),
            }
            if score:
                predicted = {m: s.id for s in stories for m in s.article_ids}
                p, r, f = bcubed(predicted, {m: m.split("-", 1)[0] for m in predicted})
                report["bcubed"] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["quality", "throughput", "ingest"])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--clean", action="store_true")
    parser.add_argument("--score", action="store_true")
    parser.add_argument("--db-dir", default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stream", default=None, help="ingest: the JSON-lines file to write (or reuse when it exists)")
    parser.add_argument("--memory", type=int, default=None, help="ingest: the command's --memory (its default when absent)")
    args = parser.parse_args()
    if args.what == "quality":
        from newsweave.cli_stream import run_cluster_bench

        print(json.dumps(run_cluster_bench(DATA), indent=2))
    elif args.what == "ingest":
        print(json.dumps(ingest_command(args.count, args.score, args.db_dir, args.stream, args.memory), indent=2))
    else:
        print(json.dumps(throughput(args.count, args.clean, args.score, args.db_dir, args.workers), indent=2))


if __name__ == "__main__":
    main()
