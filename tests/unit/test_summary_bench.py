"""Tests of the summary benchmark's wiring (newsweave.evaluate.summary, `newsweave bench summary`).

Expected ROUGE numbers were computed with Google's reference implementation,
rouge-score 0.1.2 (stemming on, F1), and ROUGE-1 is also checked by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsweave.errors import ConfigError, InputError
from newsweave.evaluate.summary import (
    NEWSWEAVE,
    ORACLE,
    cut_to_words,
    make_scorer,
    mean_reference_words,
    read_clusters,
    run_benchmark,
    score_summary,
    split_reference,
)

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
NEUS = SHARED / "benchmarks" / "mds" / "neus-val.jsonl"

REFERENCE = "The Supreme Court ruled on Monday that police officers were protected. No justice dissented."
CANDIDATE = ["The court ruled Monday that the officers were protected from lawsuits.", "Two cases were decided."]


def test_scores_match_the_reference_implementation() -> None:
    # Numbers from rouge-score 0.1.2. By hand for ROUGE-1: 8 stems shared
    # (the court rule monday that offic were protect) of 15 candidate and
    # 14 reference tokens: F1 = 2 * 8 / (15 + 14).
    scores = score_summary(make_scorer(), CANDIDATE, [REFERENCE])
    assert scores["rouge1"] == pytest.approx(16 / 29)
    assert scores["rouge1"] == pytest.approx(0.5517241379310344)
    assert scores["rouge2"] == pytest.approx(0.29629629629629634)
    assert scores["rougeL"] == pytest.approx(0.5517241379310344)
    assert scores["rougeLsum"] == pytest.approx(0.5517241379310344)


def test_several_references_take_the_best() -> None:
    worse = "Police officers won two cases at the Supreme Court."
    single = score_summary(make_scorer(), CANDIDATE, [REFERENCE])
    multi = score_summary(make_scorer(), CANDIDATE, [REFERENCE, worse])
    assert multi["rouge1"] == pytest.approx(single["rouge1"])


def test_cut_keeps_sentence_lines_and_the_word_count() -> None:
    sentences = ["One two three four.", "Five six seven.", "Eight nine."]
    assert cut_to_words(sentences, 5) == ["One two three four.", "Five"]
    assert cut_to_words(sentences, 100) == sentences
    assert cut_to_words(sentences, 4) == ["One two three four."]
    assert cut_to_words([], 10) == []


def test_reference_split_for_lsum() -> None:
    assert split_reference(REFERENCE) == [
        "The Supreme Court ruled on Monday that police officers were protected.",
        "No justice dissented.",
    ]
    assert split_reference('He said "no." Then he left. U.S. troops stay.') == [
        'He said "no."',
        "Then he left.",
        "U.S. troops stay.",
    ]


def _write(tmp_path: Path, lines: list[object]) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


def test_read_clusters_and_mean_length(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            {"id": "a", "documents": ["x y z"], "summaries": ["one two three four"]},
            {"id": "b", "documents": ["x"], "summaries": ["one two"]},
        ],
    )
    clusters = read_clusters(path)
    assert [c.id for c in clusters] == ["a", "b"]
    assert mean_reference_words(clusters) == 3
    assert len(read_clusters(path, limit=1)) == 1


def test_a_bad_line_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, [{"id": "a", "documents": ["x"], "summaries": ["y"]}, "{not json"])
    with pytest.raises(InputError, match=":2:"):
        read_clusters(path)


STORY = [
    "Officials in Springfield said on Tuesday that the river bridge will close for repairs next month. "
    "The closure is expected to last six weeks, according to the city's transport department. "
    "Drivers will be sent along the northern ring road while crews replace the bridge deck.",
    "The Springfield river bridge will close next month for six weeks of repairs, city officials said Tuesday. "
    "Crews will replace the deck, which engineers found badly corroded during an inspection last year. "
    "Local shop owners worry the detour will keep customers away.",
]


def test_run_benchmark_scores_every_system(tmp_path: Path) -> None:
    reference = "Springfield's river bridge will close next month for six weeks of repairs to its corroded deck."
    path = _write(tmp_path, [{"id": "s1", "documents": STORY, "summaries": [reference]}])
    with pytest.raises(ConfigError):
        run_benchmark(path, words=3)
    result = run_benchmark(path, words=30, analyses=False)
    names = [s.system for s in result.systems]
    assert names[0] == NEWSWEAVE and names[-1] == ORACLE
    assert {"LexRank", "TextRank", "TF-IDF centroid", "lead (first document)", "lead round-robin"} <= set(names)
    for system in result.systems:
        assert 0 < system.scores.rouge1 <= 100
    oracle = result.systems[-1].scores.rouge1
    lead = next(s for s in result.systems if s.system == "lead (first document)").scores.rouge1
    assert oracle >= lead
    assert result.to_json()["clusters"] == 1 and result.clusters_per_second > 0


def test_cli_prints_json(tmp_path: Path) -> None:
    from newsweave.cli import app

    reference = "The Springfield bridge closes for six weeks of repairs."
    path = _write(tmp_path, [{"id": "s1", "documents": STORY, "summaries": [reference]}])
    result = CliRunner().invoke(
        app, ["bench", "summary", "--data", str(path), "--words", "20", "--json", "--summary-only"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["words"] == 20 and data["systems"][0]["system"] == NEWSWEAVE
    missing = CliRunner().invoke(app, ["bench", "summary", "--data", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2


@pytest.mark.skipif(not NEUS.exists(), reason="shared benchmark data not available")
def test_newsweave_leads_the_baselines_on_a_slice_of_neus() -> None:
    # A quick check on real data (20 stories); the full run is in BENCHMARKS.md.
    result = run_benchmark(NEUS, words=66, limit=20, analyses=False)
    ours = result.systems[0].scores.rouge1
    assert ours > 30
    lead = next(s for s in result.systems if s.system == "lead (first document)").scores.rouge1
    assert ours > lead
