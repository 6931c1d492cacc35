"""The Spark layer against the in-process path: the same store, the same briefs, the same messages.

Differential tests (house style): each job runs on a local Spark (two
executor threads, on 127.0.0.1, UI off) and in this process over the same
inputs, and the results must be equal. They skip when pyspark or Java is
missing; ``make test`` installs both.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
import time
from itertools import chain
from pathlib import Path
from typing import Iterator

import pytest

from newsweave.brief import BriefConfig, brief_batch, read_batch
from newsweave.cli_stream import store_prepared
from newsweave.errors import ConfigError
from newsweave.ingest.units import iter_units
from newsweave.ingest.common import Rejected
from newsweave.intake import prepare_unit
from newsweave.render.json import render_json
from newsweave.spark import briefs_on_spark, java_available, parse_conf, prepared_on_spark, spark_context, store_clusters
from newsweave.store import Store

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "blinken-beijing"
BASIL = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "cluster" / "basil-dev.jsonl"

QUAKE = "A magnitude 6.1 earthquake struck Tarnova province on Monday, killing 12 people and leaving hundreds homeless, officials said."
FLOOD = "Floods in the Velna valley forced 3,000 families from their homes after a week of heavy rain, the regional governor said on Tuesday."


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'newsweave[spark]')")
    if not java_available():
        pytest.skip("no Java runtime: Spark needs Java 17")
    context = spark_context("local[2]", {"spark.default.parallelism": "2"}, app_name="newsweave-tests")
    yield context
    context.stop()


def _mixed_inputs(root: Path) -> list[str]:
    """The example's five reports, then a JSON-lines stream with copies, refusals and junk, then a binary file."""
    lines = []
    for n in range(12):
        text, day = (QUAKE, 3) if n % 2 == 0 else (FLOOD, 9)
        lines.append(
            json.dumps({"id": f"r{n}", "title": text[:50], "published": f"2021-03-{day:02d}", "text": f"{text} Report {n} adds that rescue teams were still at work in the area."})
        )
    lines.insert(4, lines[2])  # the same record again: a duplicate within the run
    lines.insert(6, "\x00\x01\x02 not json")  # a broken line
    lines.insert(8, json.dumps({"id": "short", "text": "Too short to brief."}))
    lines.insert(9, json.dumps({"id": "de", "text": "Die Regierung hat am Montag beschlossen, dass die neuen Regeln ab dem kommenden Jahr für alle Unternehmen gelten sollen, wie der Sprecher sagte."}))
    stream = root / "stream.jsonl"
    stream.write_text("\n".join(lines) + "\n", encoding="utf-8")
    junk = root / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 8)
    return [str(EXAMPLE), str(stream), str(junk), str(root / "missing.txt")]


def _store_dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, without the wall-clock times of writing."""
    with sqlite3.connect(db) as connection:
        return {
            "articles": connection.execute(
                "SELECT seq, id, url, canonical_url, title, outlet, published, published_inferred, language, text, "
                "removed, origin, dateline, content_hash, version FROM articles ORDER BY seq"
            ).fetchall(),
            "near_duplicates": connection.execute("SELECT * FROM near_duplicates ORDER BY article_id").fetchall(),
            "stories": connection.execute("SELECT * FROM stories ORDER BY id").fetchall(),
            "story_members": connection.execute("SELECT * FROM story_members ORDER BY article_id").fetchall(),
        }


def _ingest_both(spark: object, inputs: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], window: int) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """(exit code, stdout, stderr) of the in-process ingest and of the Spark one, into two new stores."""
    local_db, spark_db = tmp_path / "local.db", tmp_path / "spark.db"
    here = chain.from_iterable(map(prepare_unit, iter_units(inputs)))
    code = store_prepared(here, local_db, progress=False, memory=1000)
    local = (code, *capsys.readouterr())
    code = store_prepared(prepared_on_spark(spark, iter_units(inputs), window=window), spark_db, progress=False, memory=1000)  # type: ignore[arg-type]
    return local, (code, *capsys.readouterr())


def test_ingest_on_spark_stores_and_reports_what_ingest_does(spark: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = _mixed_inputs(tmp_path)
    # A window of 4 units: results of many Spark jobs must come back in input order.
    local, on_spark = _ingest_both(spark, inputs, tmp_path, capsys, window=4)
    code, out, err = on_spark
    assert (code, out) == local[:2]
    # The same messages; where a duplicate's message falls among them depends on
    # when its batch commits (time-bounded), in either path.
    assert sorted(err.splitlines()) == sorted(local[2].splitlines())
    assert code == 1  # some inputs skipped
    assert out.count("new\t") == 5 + 12  # the example's reports and the twelve records
    for named in ("junk.txt", "missing.txt", "stream.jsonl:7", "stream.jsonl:9", "stream.jsonl:10", "duplicate of r2"):
        assert named in err, named
    dump = _store_dump(tmp_path / "spark.db")
    assert dump == _store_dump(tmp_path / "local.db")
    assert len(dump["stories"]) == 3  # the visit, the quake, the flood


def test_a_json_lines_url_is_read_by_spark_and_stored_as_the_file_would_be(spark: object, tmp_path: Path) -> None:
    from newsweave.spark import prepared_inputs_on_spark

    inputs = _mixed_inputs(tmp_path)
    stream = Path(inputs[1])
    stream.write_bytes(stream.read_bytes().replace(b"\n", b"\r\n", 3))  # Windows line ends on the first lines
    as_urls = [inputs[0], stream.as_uri(), inputs[2], inputs[3], (tmp_path / "gone.jsonl").as_uri()]
    results = []
    for items in (chain.from_iterable(map(prepare_unit, iter_units(inputs))), prepared_inputs_on_spark(spark, as_urls, window=3)):  # type: ignore[arg-type]
        db = tmp_path / f"{len(results)}.db"
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            code = store_prepared(items, db, progress=False, memory=1000)
        results.append((code, sorted(stderr.getvalue().replace("file://", "").splitlines()), repr(_store_dump(db)).replace("file://", "")))
    (local_code, local_err, local_dump), (code, err, dump) = results
    assert code == local_code == 1 and dump == local_dump
    gone = [line for line in err if "gone.jsonl" in line]
    assert len(gone) == 1 and "Spark cannot read it" in gone[0] and "does not exist" in gone[0]
    assert [line for line in err if "gone.jsonl" not in line and line.startswith("skipped ")] == [
        line for line in local_err if line.startswith("skipped ")
    ]
    assert len(local_err) > 5


@pytest.mark.skipif(not BASIL.exists(), reason="needs ../shared/benchmarks/cluster/basil-dev.jsonl")
def test_ingest_on_spark_of_real_reports_writes_the_same_store(spark: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    local, on_spark = _ingest_both(spark, [str(BASIL)], tmp_path, capsys, window=50)
    assert on_spark[0] == local[0] == 0
    assert on_spark[1] == local[1]
    dump = _store_dump(tmp_path / "spark.db")
    assert dump == _store_dump(tmp_path / "local.db")
    assert len(dump["articles"]) == 126 and len(dump["stories"]) >= 30


def test_briefs_on_spark_are_the_briefs_made_here(spark: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _ingest_both(spark, _mixed_inputs(tmp_path), tmp_path, capsys, window=100)
    config = BriefConfig(words=60)
    with Store.open(tmp_path / "spark.db", create=False) as store:
        clusters = list(store_clusters(store, min_sources=1))
    assert [c[0] for c in clusters] == ["1", "2", "3"]
    here = [render_json(o.brief, indent=None) for o in brief_batch(clusters, config) if o.brief is not None]
    there = list(briefs_on_spark(spark, clusters, config, window=2))
    assert [b.cluster_id for b in there] == ["1", "2", "3"]
    assert [b.json_line for b in there] == here
    assert all(not b.rejected for b in there)
    assert json.loads(here[0])["id"] == "1"


def test_a_consumer_that_stops_early_cancels_the_window_in_flight(spark: object) -> None:
    from newsweave.spark.jobs import _in_windows

    # Windows of one item; the second takes a minute on an executor.
    results = _in_windows(spark, lambda seconds: time.sleep(seconds) or [seconds], [0, 60, 0], window=1)  # type: ignore[arg-type]
    assert next(results) == 0
    started = time.monotonic()
    results.close()
    assert time.monotonic() - started < 20  # cancelled, not waited for
    assert list(_in_windows(spark, lambda n: [n * 2], range(5), window=2)) == [0, 2, 4, 6, 8]  # type: ignore[arg-type]


def test_briefs_on_spark_of_a_batch_name_what_they_skip(spark: object, tmp_path: Path) -> None:
    batch = tmp_path / "clusters.jsonl"
    documents = [f"{QUAKE} Report {n} adds that rescue teams were still at work in the area." for n in range(3)]
    batch.write_text(
        "\n".join([
            json.dumps({"id": "quake", "documents": [*documents, "Too short."]}),
            "not a cluster",
            json.dumps({"id": "empty", "documents": ["Too short."]}),
        ]) + "\n",
        encoding="utf-8",
    )
    there = list(briefs_on_spark(spark, read_batch(batch), BriefConfig(words=60)))
    here = list(brief_batch(read_batch(batch), BriefConfig(words=60)))
    assert [(b.cluster_id, b.json_line is None, b.rejected) for b in there] == [
        (o.cluster_id, o.brief is None, o.rejected) for o in here
    ]
    assert there[0].json_line == render_json(here[0].brief, indent=None)  # type: ignore[arg-type]
    assert [r.input.rsplit("/", 1)[-1] for b in there for r in b.rejected] == ["clusters.jsonl:1#d3", "clusters.jsonl:2", "clusters.jsonl:3#d0"]
    # The same file given as a URL is read by Spark itself: the same briefs, the lines named by the URL.
    from newsweave.spark import batch_briefs_read_by_spark

    by_url = list(batch_briefs_read_by_spark(spark, batch.as_uri(), BriefConfig(words=60)))
    renamed = [(b.cluster_id, b.json_line and b.json_line.replace(batch.as_uri(), str(batch))) for b in by_url]
    assert renamed == [(b.cluster_id, b.json_line) for b in there]  # a brief names what it skipped
    assert [r.input for b in by_url for r in b.rejected] == [batch.as_uri() + s for s in (":1#d3", ":2", ":3#d0")]
    with pytest.raises(ConfigError, match="gone.jsonl: Spark cannot read it"):
        list(batch_briefs_read_by_spark(spark, (tmp_path / "gone.jsonl").as_uri()))


def test_store_clusters_keep_stories_of_enough_independent_origins(tmp_path: Path) -> None:
    from newsweave.model import Article
    from newsweave.store import StreamIngest

    quake_again = "Rescuers searched collapsed homes in Tarnova after Monday's 6.1 earthquake left 12 people dead and hundreds homeless."
    texts = [QUAKE, QUAKE + " More soon.", quake_again, FLOOD, FLOOD + " Schools stayed closed."]
    with Store.open(tmp_path / "s.db") as store:
        stream = StreamIngest(store)
        for n, text in enumerate(texts):
            list(stream.add_many([Article(id=f"a{n}", text=text, published=dt.date(2021, 3, 3 if n < 3 else 9))]))
        stream.finish()
        stories = {s.id: (len(s.article_ids), s.sources) for s in store.stories()}
        assert sorted(stories.values()) == [(2, 1), (3, 2)]  # the flood only through a copy
        (quake,) = store_clusters(store, min_sources=2)
        assert stories[quake[0]] == (3, 2) and [a.id for a in quake[1]] == ["a0", "a1", "a2"]
        assert len(list(store_clusters(store, min_sources=1))) == 2
        assert list(store_clusters(store, min_sources=3)) == []
        with pytest.raises(ConfigError):
            list(store_clusters(store, min_sources=0))


def test_missing_pyspark_or_java_is_a_clear_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    monkeypatch.setitem(sys.modules, "pyspark", None)  # import fails as if not installed
    with pytest.raises(ConfigError, match="pip install 'newsweave\\[spark\\]'"):
        spark_context()
    monkeypatch.undo()
    pytest.importorskip("pyspark")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(ConfigError, match="Java 17 or later \\(none found"):
        spark_context()
    monkeypatch.setattr("newsweave.spark.session.java_version", lambda: 11)
    with pytest.raises(ConfigError, match="found Java 11"):
        spark_context()


def test_java_version_reads_old_and_new_version_strings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsweave.spark import java_version

    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    for said, major in (('openjdk version "17.0.15" 2025-04-15', 17), ('java version "1.8.0_392"', 8), ('openjdk version "21" 2023-09-19', 21), ("nonsense", None)):
        java.write_text(f"#!/bin/sh\necho '{said}' >&2\n")
        java.chmod(0o755)
        assert java_version() == major, said


def test_conf_pairs() -> None:
    assert parse_conf(["spark.ui.enabled=true", "a.b = x=y"]) == {"spark.ui.enabled": "true", "a.b": " x=y"}
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_conf(["spark.ui.enabled"])


def _newsweave(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("newsweave")), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=300, env=os.environ | {"NEWSWEAVE_DEBUG": ""})


@pytest.mark.slow
def test_spark_commands_end_to_end(spark: object, tmp_path: Path) -> None:
    """The commands, in their own processes (each starts its own Spark): exit codes 0, 1 and 2."""
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 8)
    db = tmp_path / "news.db"
    done = _newsweave("spark", "ingest", str(EXAMPLE), str(junk), "--db", str(db), "--no-progress", "--master", "local[2]", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    local = _newsweave("ingest", str(EXAMPLE), str(junk), "--db", str(tmp_path / "local.db"), "--no-progress", cwd=tmp_path)
    assert done.stdout == local.stdout and done.stdout.count("new\t") == 5
    # The same messages, and none of Spark's (but the JVM's one line about the
    # vector module Spark loads, which no logging setting silences).
    spark_lines = [line for line in done.stderr.splitlines() if not line.startswith("WARNING: Using incubator modules")]
    assert spark_lines == local.stderr.splitlines() and "junk.bin" in done.stderr
    taken = _newsweave("spark", "ingest", str(EXAMPLE), "--db", str(tmp_path / "dir.db"), "--master", "local[2]", cwd=tmp_path) if (tmp_path / "dir.db").mkdir() is None else None
    assert taken is not None and taken.returncode == 2 and "Traceback" not in taken.stderr and "Exception ignored" not in taken.stderr, taken.stderr
    out = tmp_path / "briefs.jsonl"
    briefs = _newsweave("spark", "briefs", "--db", str(db), "--out", str(out), "--master", "local[2]", cwd=tmp_path)
    assert briefs.returncode == 0, briefs.stderr
    (line,) = out.read_text(encoding="utf-8").splitlines()
    single = _newsweave("brief", "--db", str(db), "--story", "1", "-f", "json", cwd=tmp_path)
    assert json.loads(line) == json.loads(single.stdout) and json.loads(line)["id"] == "1"
    nothing = _newsweave("spark", "ingest", str(junk), "--db", str(tmp_path / "other.db"), "--master", "local[2]", cwd=tmp_path)
    assert nothing.returncode == 2 and not (tmp_path / "other.db").exists()
    usage = _newsweave("spark", "briefs", "--out", str(out), cwd=tmp_path)
    assert usage.returncode == 2 and "either --db" in usage.stderr
    bad_conf = _newsweave("spark", "briefs", "--db", str(db), "--out", str(out), "--conf", "oops", cwd=tmp_path)
    assert bad_conf.returncode == 2 and "KEY=VALUE" in bad_conf.stderr
    bad_master = _newsweave("spark", "briefs", "--db", str(db), "--out", str(out), "--master", "nowhere://x", cwd=tmp_path)
    assert bad_master.returncode == 2 and "Spark did not start" in bad_master.stderr, bad_master.stderr
    assert out.read_text(encoding="utf-8").splitlines() == [line]  # the earlier briefs are still there


def test_a_failed_job_is_told_by_the_exception_the_executor_raised() -> None:
    from newsweave.spark.jobs import job_failure_reason as _why

    error = (
        "An error occurred while calling z:org.apache.spark.api.python.PythonRDD.collectAndServe.\n"
        ": org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 1.0 failed 1 times, "
        "most recent failure: org.apache.spark.api.python.PythonException: Traceback (most recent call last):\n"
        '  File "worker.py", line 1, in main\n'
        "MemoryError: while reading crawl.jsonl:12\n"
        "\tat org.apache.spark.api.python.BasePythonRunner.handlePythonException(PythonRunner.scala:621)\n"
    )
    assert _why(error) == "MemoryError: while reading crawl.jsonl:12"
    assert _why("org.apache.spark.SparkException: Job 3 cancelled\n\tat x") == "org.apache.spark.SparkException: Job 3 cancelled"
    assert _why("") == ""
