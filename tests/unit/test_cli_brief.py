"""`newsweave brief`: formats, batch, exit codes (0 ok, 1 some skipped, 2 unusable)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsweave.cli import app
from newsweave.evaluate.contract import contract_violations

from ..conftest import EXAMPLE

runner = CliRunner()
STORY = [
    "An earthquake of magnitude 6.1 struck the coast of northern Chile on Tuesday, officials said. "
    "At least 12 people were killed when buildings collapsed in the port city of Iquique.",
    "A magnitude 6.1 earthquake hit northern Chile's coast on Tuesday. Collapsed buildings killed at "
    "least 12 people in Iquique, a port city, rescuers said. Mining company Codelco said its mines were undamaged.",
]


def _small_story(tmp_path: Path) -> Path:
    folder = tmp_path / "story"
    folder.mkdir()
    for k, text in enumerate(STORY):
        (folder / f"s{k}.txt").write_text(text, encoding="utf-8")
    return folder


def test_json_brief_of_the_example_keeps_the_contract(tmp_path: Path) -> None:
    out = tmp_path / "brief.json"
    result = runner.invoke(app, ["brief", str(EXAMPLE), "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    brief = json.loads(out.read_text(encoding="utf-8"))
    assert contract_violations(brief) == []
    assert [s["id"] for s in brief["sources"]] == sorted(p.stem for p in EXAMPLE.glob("*.txt"))


@pytest.mark.parametrize("fmt, marker", [("markdown", "[1"), ("html", "<html")])
def test_other_formats(tmp_path: Path, fmt: str, marker: str) -> None:
    result = runner.invoke(app, ["brief", str(_small_story(tmp_path)), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert marker in result.stdout


def test_bad_inputs_are_named_and_the_rest_goes_on(tmp_path: Path) -> None:
    folder = _small_story(tmp_path)
    (folder / "junk.txt").write_bytes(b"\x00\x01\x02" * 50)
    (folder / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["brief", str(folder), "--format", "json"])
    assert result.exit_code == 1
    assert "junk.txt" in result.stderr and "empty.txt" in result.stderr
    assert len(json.loads(result.stdout)["sources"]) == 2


def test_nothing_usable_exits_2(tmp_path: Path) -> None:
    (tmp_path / "junk.txt").write_bytes(b"\x00" * 100)
    result = runner.invoke(app, ["brief", str(tmp_path / "junk.txt")])
    assert result.exit_code == 2
    assert "junk.txt" in result.stderr


def test_non_english_is_skipped_with_a_message(tmp_path: Path) -> None:
    folder = _small_story(tmp_path)
    (folder / "de.txt").write_text(
        "Ein Erdbeben der Stärke 6,1 hat am Dienstag die Küste im Norden Chiles erschüttert. "
        "Mindestens zwölf Menschen kamen ums Leben, als in der Hafenstadt Iquique Gebäude einstürzten, "
        "teilten die Behörden mit. Der Präsident rief den Notstand aus.",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["brief", str(folder), "--format", "json"])
    assert result.exit_code == 1
    assert "de.txt" in result.stderr and "English" in result.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["brief"]).exit_code == 2
    assert runner.invoke(app, ["brief", str(EXAMPLE), "--format", "pdf"]).exit_code == 2
    assert runner.invoke(app, ["brief", str(EXAMPLE), "--words", "3"]).exit_code == 2


def test_batch_writes_one_brief_a_line_with_ids(tmp_path: Path) -> None:
    batch = tmp_path / "clusters.jsonl"
    lines = [
        {"id": "quake", "documents": STORY},
        {"id": "objects", "documents": [{"id": "x", "text": STORY[0], "published": "2014-04-01"}, {"text": STORY[1]}]},
        "not json",
    ]
    batch.write_text("\n".join(l if isinstance(l, str) else json.dumps(l) for l in lines), encoding="utf-8")
    result = runner.invoke(app, ["brief", "--batch", str(batch), "--format", "jsonl", "--words", "40"])
    assert result.exit_code == 1  # the third line is named and skipped
    assert "clusters.jsonl:3" in result.stderr
    briefs = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [b["id"] for b in briefs] == ["quake", "objects"]
    assert [s["id"] for s in briefs[0]["sources"]] == ["d0", "d1"]
    assert briefs[1]["sources"][0]["published"] == "2014-04-01"
    assert briefs[1]["event_date"] == "2014-04-01"
    for brief in briefs:
        assert contract_violations(brief) == []


def test_stdin_input(tmp_path: Path) -> None:
    data = "\n".join(json.dumps({"id": f"s{k}", "text": t}) for k, t in enumerate(STORY))
    result = runner.invoke(app, ["brief", "-", "--format", "json"], input=data)
    assert result.exit_code == 0, result.output
    assert [s["id"] for s in json.loads(result.stdout)["sources"]] == ["s0", "s1"]


def test_out_file_is_written_whole(tmp_path: Path) -> None:
    out = tmp_path / "b.md"
    result = runner.invoke(app, ["brief", str(_small_story(tmp_path)), "--out", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").strip()
    assert not list(tmp_path.glob("*.part"))


def test_out_into_a_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["brief", str(_small_story(tmp_path)), "-o", str(tmp_path / "nope" / "b.md")])
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_eval_gold_with_swapped_arguments_exits_2(tmp_path: Path) -> None:
    from ..conftest import EXAMPLE_GOLD

    import newsweave.cli_eval  # noqa: F401  (registers the command)

    brief = tmp_path / "b.json"
    assert runner.invoke(app, ["brief", str(_small_story(tmp_path)), "-f", "json", "-o", str(brief)]).exit_code == 0
    result = runner.invoke(app, ["eval", "gold", str(brief), str(EXAMPLE_GOLD)])
    assert result.exit_code == 2 and "not a brief" in result.output


def test_the_json_brief_lists_the_inputs_it_skipped(tmp_path: Path) -> None:
    folder = _small_story(tmp_path)
    (folder / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["brief", str(folder), "--format", "json"])
    skipped = json.loads(result.stdout)["skipped"]
    assert [Path(s["input"]).name for s in skipped] == ["empty.txt"] and "empty" in skipped[0]["why"]


def test_batch_of_a_directory_and_a_missing_store_are_usage_errors_that_create_nothing(tmp_path: Path) -> None:
    # A directory given to --batch used to end in an internal error (IsADirectoryError),
    # and --db with a missing file used to create an empty database.
    result = runner.invoke(app, ["brief", "--batch", str(tmp_path), "--format", "jsonl"])
    assert result.exit_code == 2 and "not a file" in result.stderr
    missing = tmp_path / "none.db"
    result = runner.invoke(app, ["brief", "--db", str(missing), "--story", "1"])
    assert result.exit_code == 2 and "no such database" in result.stderr and not missing.exists()


def test_a_batch_line_that_is_no_cluster_is_named_once(tmp_path: Path) -> None:
    batch = tmp_path / "clusters.jsonl"
    batch.write_text(json.dumps({"id": "c1", "documents": 5}) + "\n" + json.dumps({"id": "quake", "documents": STORY}) + "\n")
    result = runner.invoke(app, ["brief", "--batch", str(batch), "--format", "jsonl", "--words", "40"])
    assert result.exit_code == 1
    assert "clusters.jsonl:1" in result.stderr and "cluster None" not in result.stderr


def test_messages_quoting_user_input_are_not_read_as_markup(tmp_path: Path) -> None:
    # Rich took "[/x]" in a message for a closing tag and failed (MarkupError).
    result = runner.invoke(app, ["stories", "--db", str(tmp_path / "x.db"), "--format", "[/x]"])
    assert result.exit_code == 2 and "[/x]" in result.stderr
    result = runner.invoke(app, ["brief", str(tmp_path / "[/b]missing.txt"), str(EXAMPLE)])
    assert "[/b]missing.txt" in result.stderr


def test_a_binary_batch_file_is_refused_once(tmp_path: Path) -> None:
    batch = tmp_path / "junk.jsonl"
    batch.write_bytes(b"\x00\x01junk\x02\n" * 200)
    result = runner.invoke(app, ["brief", "--batch", str(batch), "--format", "jsonl"])
    assert result.exit_code == 2 and result.stderr.count("junk.jsonl") == 1


def test_a_text_longer_than_a_report_is_refused_by_name(tmp_path: Path) -> None:
    paragraph = "The council met on Monday and voted to close the old bridge for repairs, officials said. "
    (tmp_path / "book.txt").write_text(paragraph * 1400, encoding="utf-8")  # about 22,000 words
    result = runner.invoke(app, ["brief", str(tmp_path / "book.txt"), str(EXAMPLE)])
    assert result.exit_code == 1 and "book.txt" in result.stderr and "longer than a news report" in result.stderr


def test_stories_of_a_missing_store_is_a_usage_error_that_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = runner.invoke(app, ["stories", "--db", str(missing)])
    assert result.exit_code == 2 and "no such database" in " ".join(result.stderr.split()) and not missing.exists()


def test_a_stored_story_s_brief_carries_the_story_s_id(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    assert runner.invoke(app, ["ingest", str(EXAMPLE), "--db", str(db), "--no-progress"]).exit_code == 0
    result = runner.invoke(app, ["brief", "--db", str(db), "--story", "1", "-f", "json", "--words", "60"])
    assert result.exit_code == 0, result.stderr
    brief = json.loads(result.stdout)
    assert brief["id"] == "1" and not contract_violations(brief)
    assert runner.invoke(app, ["brief", "--db", str(db), "--story", "1", "-f", "jsonl"]).exit_code == 2
