"""``newsweave ingest`` and ``newsweave stories``: idempotence, exit codes, crash safety."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from newsweave.cli import app
from newsweave.store import Store

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "blinken-beijing"
runner = CliRunner()


def _ingest(*args: str):
    return runner.invoke(app, ["ingest", *args, "--no-progress"])


def test_ingest_twice_stores_each_article_once(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    first = _ingest(str(EXAMPLE), "--db", str(db))
    assert first.exit_code == 0, first.output
    assert first.stdout.count("new\t") == 5
    second = _ingest(str(EXAMPLE), "--db", str(db))
    assert second.exit_code == 0
    assert second.stdout.count("duplicate\t") == 5
    with Store.open(db) as store:
        assert store.count() == 5
        # Five reports of one visit are one story.
        (story,) = store.stories()
        assert len(story.article_ids) == 5


def test_bad_inputs_are_named_and_the_rest_stored(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = _ingest(str(EXAMPLE), str(broken), str(tmp_path / "missing.txt"), "--db", str(db))
    assert result.exit_code == 1
    assert "broken.json" in result.stderr and "missing.txt" in result.stderr
    with Store.open(db) as store:
        assert store.count() == 5


def test_a_lone_surrogate_escape_in_json_is_replaced_and_the_article_stored(tmp_path: Path) -> None:
    # "\\ud800" in a JSON string decodes to half a surrogate pair, which cannot
    # be encoded: it used to abort the whole ingest with an internal error.
    feed = tmp_path / "records.jsonl"
    feed.write_text(
        '{"id": "bad", "title": "Storm \\udc00", "text": "A storm \\ud800 hit Tarnova on Monday and closed the roads '
        'into the old town for the rest of the week, the mayor said."}\n'
        '{"id": "good", "text": "A storm hit Tarnova on Monday and closed roads across the region for the rest of '
        'the week, officials said."}\n'
    )
    db = tmp_path / "news.db"
    result = _ingest(str(feed), "--db", str(db))
    assert result.exit_code == 0, result.output
    with Store.open(db) as store:
        assert store.count() == 2
        stored = store.get_article("bad")
        assert stored is not None and "storm \ufffd hit" in stored.text.lower() and stored.title == "Storm \ufffd"


def test_ingest_refuses_what_the_brief_refuses_naming_the_input(tmp_path: Path) -> None:
    # German, a menu left after cleaning, and an English article: only the last is stored.
    (tmp_path / "de.txt").write_text(
        "Bei einem schweren Erdbeben in der Türkei sind nach Angaben der Behörden mehr als hundert Menschen "
        "ums Leben gekommen. Der Präsident rief den Notstand aus und versprach schnelle Hilfe.",
        encoding="utf-8",
    )
    (tmp_path / "menu.txt").write_text("Home\nPolitics\nSport\nWeather\n", encoding="utf-8")
    db = tmp_path / "news.db"
    result = _ingest(str(tmp_path / "de.txt"), str(tmp_path / "menu.txt"), str(EXAMPLE / "000_eec437afbf956da3.txt"), "--db", str(db))
    assert result.exit_code == 1, result.output
    assert "de.txt" in result.stderr and "English" in result.stderr
    assert "menu.txt" in result.stderr and "words left" in result.stderr
    with Store.open(db) as store:
        assert store.count() == 1


def test_nothing_usable_exits_2(tmp_path: Path) -> None:
    result = _ingest(str(tmp_path / "missing.txt"), "--db", str(tmp_path / "news.db"))
    assert result.exit_code == 2


def test_a_non_database_file_exits_2_naming_it(tmp_path: Path) -> None:
    db = tmp_path / "notes.txt"
    db.write_text("not a database " * 200)
    result = _ingest(str(EXAMPLE), "--db", str(db))
    assert result.exit_code == 2
    assert "notes.txt" in result.stderr


def test_stories_json_and_explain(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    _ingest(str(EXAMPLE), "--db", str(db))
    listed = runner.invoke(app, ["stories", "--db", str(db), "--format", "json"])
    assert listed.exit_code == 0
    stories = json.loads(listed.stdout)
    assert len(stories) == 1
    story = stories[0]
    assert set(story) >= {"id", "title", "articles", "sources", "first", "last"}
    assert len(story["articles"]) == 5 and story["sources"] == 5
    explained = runner.invoke(app, ["stories", "--db", str(db), "--explain", story["id"], "--format", "json"])
    members = json.loads(explained.stdout)["members"]
    assert sum(m["founded"] for m in members) == 1
    joined = [m for m in members if not m["founded"]]
    # Every joining article says why: names and terms it shares with the story.
    assert all(m["shared_entities"] and m["shared_terms"] and m["similarity"] > 0 for m in joined)
    assert any("blinken" in m["shared_entities"] for m in joined)
    text = runner.invoke(app, ["stories", "--db", str(db), "--explain", story["id"]])
    assert "similarity" in text.stdout


def test_killed_ingest_loses_no_reported_article(tmp_path: Path) -> None:
    """SIGKILL a real ingest mid-run: every article it reported done is in the database."""
    feed = tmp_path / "stream.jsonl"
    with feed.open("w") as out:
        for n in range(400):
            text = f"Report {n}: the council of town {n} voted on budget item {n * 7} after a debate on roads {n}."
            out.write(json.dumps({"id": f"a{n}", "text": text, "title": f"Town {n} votes"}) + "\n")
    db = tmp_path / "news.db"
    code = "import sys; from newsweave.cli import main; sys.argv = ['newsweave'] + sys.argv[1:]; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "ingest", str(feed), "--db", str(db), "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    reported: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        reported.append(line.split("\t")[1])
        if len(reported) == 60:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    with Store.open(db) as store:
        stored = {a.id for a in store.articles()}
        assert set(reported) <= stored
        for article_id in reported:
            assert store.story_of(article_id) is not None
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_file_names_that_are_not_utf8_are_shown_escaped_and_stored(tmp_path: Path) -> None:
    # The byte \xff in a name reaches Python as a lone surrogate: SQLite refused
    # it and the whole ingest ended with an internal error.
    story = (EXAMPLE / "000_eec437afbf956da3.txt").read_bytes()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xe9.txt")).write_bytes(story)
    (folder / "new\nline.txt").write_text("", encoding="utf-8")
    db = tmp_path / "news.db"
    result = _ingest(str(folder), "--db", str(db))
    assert result.exit_code == 1, result.output
    assert "new\\nline.txt: empty input" in result.stderr
    with Store.open(db) as store:
        (article,) = store.articles()
        assert article.id == "caf\\xe9" and article.origin == str(folder / "caf\\xe9.txt")
