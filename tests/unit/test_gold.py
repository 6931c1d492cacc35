"""evaluate.gold: the scorer of docs/gold-format.md, rule by rule, and the `eval gold` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import newsweave.cli_eval  # noqa: F401  (registers `eval gold`)
from newsweave.cli import app
from newsweave.evaluate.gold import (
    conflict_matches,
    fold,
    normalise_quantity,
    quote_key_matches,
    score_brief,
)

EXAMPLE_GOLD = Path(__file__).resolve().parents[2] / "examples" / "blinken-beijing.gold.json"


def _value(text, value, unit, sources, evidence=""):
    return {"text": text, "value": value, "unit": unit, "sources": sources, "evidence": evidence, "spans": []}


def _brief(**sections):
    base = {"schema": "newsweave.brief/1", "event_date": None, "sources": [], "summary": [],
            "consensus": [], "exclusive": [], "conflicts": [], "quotes": [], "timeline": [],
            "entities": []}
    return {**base, **sections}


QIN_GOLD = {
    "id": "qin",
    "keywords": ["Qin"],
    "values": [
        {"text": "seven and a half hours", "hours": 7.5, "sources": ["a", "e"]},
        {"text": "nearly six hours", "hours": 6, "sources": ["c"]},
    ],
}


def _qin_conflict(first=(7.5, "hours", ["a"]), second=(6, "hours", ["c"]), about="talks with Qin Gang"):
    return {"about": about, "values": [
        _value("seven and a half hours", *first),
        _value("nearly six hours", *second),
    ]}


# --- folding and units ---------------------------------------------------------


def test_fold_lowers_and_folds_quotes_dashes_and_spaces() -> None:
    assert fold("«Dialogue  or\nconfrontation» — “cooperation” ‘or’ conflict–now") == (
        "\"dialogue or confrontation\" - \"cooperation\" 'or' conflict-now"
    )


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [(90, "minutes", ("hours", 1.5)), (2, "days", ("hours", 48.0)), (18, "months", ("years", 1.5)),
     (3, None, ("count", 3.0)), (5, "Percent", ("percent", 5.0)), (4, "furlongs", ("furlongs", 4.0))],
)
def test_units_normalise_to_the_gold_keys(value, unit, expected) -> None:
    assert normalise_quantity(value, unit) == expected


# --- conflicts ----------------------------------------------------------------


def test_conflict_found_by_numbers_with_shared_sources() -> None:
    assert conflict_matches(QIN_GOLD, _qin_conflict())


def test_conflict_numbers_match_within_one_percent_only() -> None:
    gold = {**QIN_GOLD, "values": [{"text": "x", "hours": 7.5, "sources": ["a"]},
                                   {"text": "y", "hours": 6, "sources": ["c"]}]}
    assert conflict_matches(gold, _qin_conflict(first=(7.57, "hours", ["a"])))  # 0.9% off
    assert not conflict_matches(gold, _qin_conflict(first=(7.6, "hours", ["a"])))  # 1.3% off


def test_conflict_numbers_compare_after_unit_normalisation() -> None:
    gold = {**QIN_GOLD, "values": [{"text": "x", "hours": 7.5, "sources": ["a"]},
                                   {"text": "y", "minutes": 360, "sources": ["c"]}]}
    assert conflict_matches(gold, _qin_conflict(first=(450, "minutes", ["a"])))
    assert not conflict_matches(gold, _qin_conflict(first=(450, "years", ["a"])))


def test_conflict_needs_a_keyword_two_values_and_shared_sources() -> None:
    assert not conflict_matches(QIN_GOLD, _qin_conflict(about="talks on Sunday"))
    single = _qin_conflict()
    single["values"] = single["values"][:1]
    assert not conflict_matches(QIN_GOLD, single)
    assert not conflict_matches(QIN_GOLD, _qin_conflict(second=(6, "hours", ["b"])))


def test_keyword_may_sit_in_a_value_evidence() -> None:
    conflict = _qin_conflict(about="talks on Sunday")
    conflict["values"][0]["evidence"] = "Blinken met Qin Gang for seven and a half hours"
    assert conflict_matches(QIN_GOLD, conflict)


def test_gold_values_need_distinct_brief_values() -> None:
    gold = {"keywords": ["Qin"], "values": [{"text": "six hours", "hours": 6, "sources": ["c"]},
                                            {"text": "six", "hours": 6, "sources": ["c"]}]}
    conflict = {"about": "Qin", "values": [_value("six hours", 6, "hours", ["c"]),
                                           _value("ten", 10, "hours", ["c"])]}
    assert not conflict_matches(gold, conflict)
    conflict["values"][1] = _value("6 hours", 6, "hours", ["c"])
    assert conflict_matches(gold, conflict)


def test_person_and_text_values() -> None:
    gold = {"keywords": ["spokesman"], "values": [
        {"text": "Wang Wenbin", "person": "Wang Wenbin", "sources": ["a"]},
        {"text": "said it was a success", "sources": ["b"]},
    ]}
    conflict = {"about": "which spokesman", "values": [
        _value("Foreign Ministry's Wang Wenbin", None, None, ["a"]),
        _value("He said it was a success, officials added", None, None, ["b"]),
    ]}
    assert conflict_matches(gold, conflict)
    conflict["values"][0] = _value("Wang Yi", None, None, ["a"])
    assert not conflict_matches(gold, conflict)


def test_soft_conflicts_apart_and_precision_counts_unmatched() -> None:
    soft = {"id": "wang", "soft": True, "keywords": ["Wang"], "values": [
        {"text": "three hours", "hours": 3, "sources": ["a"]},
        {"text": "more than three hours", "hours": 3, "sources": ["e"]}]}
    gold = {"conflicts": [QIN_GOLD, soft]}
    wang = {"about": "meeting with Wang", "soft": True, "values": [
        _value("about three hours", 3, "hours", ["a"]), _value("more than three hours", 3, "hours", ["e"])]}
    noise = {"about": "number of aides", "values": [_value("4", 4, None, ["a"]), _value("5", 5, None, ["b"])]}
    score = score_brief(gold, _brief(conflicts=[_qin_conflict(), wang, noise]))
    assert score.section("conflicts").found == ("qin",)
    assert score.soft_conflicts.found == ("wang",)
    assert score.conflict_precision == pytest.approx(2 / 3)
    assert score.conflict_false_positives == ("number of aides",)
    # A missed soft conflict never lowers recall.
    score = score_brief(gold, _brief(conflicts=[_qin_conflict()]))
    assert score.recall("conflicts") == 1.0 and score.soft_conflicts.missed == ("wang",)
    assert score.conflict_precision == 1.0
    only_soft = score_brief({"conflicts": [soft]}, _brief())
    assert only_soft.section("conflicts") is None and only_soft.conflict_precision is None


# --- quotes ---------------------------------------------------------------------


def test_quote_key_is_fuzzy_but_must_be_contained() -> None:
    assert quote_key_matches("more positive contributions to stabilizing",
                             "you will make more positive contributions to stabilising China-US relations")
    assert not quote_key_matches("more positive contributions to stabilizing", "less negative talk overall")
    assert not quote_key_matches("reverse the downward spiral", "spiral")


def test_quotes_recall_and_source_coverage() -> None:
    gold = {"quotes": [
        {"id": "xi-good", "speaker": "Xi", "key": "very good", "sources": ["a", "b", "c", "d"]},
        {"id": "wang-room", "speaker": "Wang", "key": "no room for compromise", "sources": ["a"]},
    ]}
    quotes = [
        {"speaker": "President Xi Jinping", "variants": [
            {"text": "This is very good", "sources": ["a"], "spans": []},
            {"text": "This is very good.", "sources": ["b", "z"], "spans": []}]},
        # Right words, wrong speaker: does not count.
        {"speaker": "Blinken", "variants": [{"text": "no room for compromise", "sources": ["a"], "spans": []}]},
    ]
    score = score_brief(gold, _brief(quotes=quotes))
    assert score.section("quotes").found == ("xi-good",)
    assert score.section("quotes").missed == ("wang-room",)
    assert dict(score.quote_coverage) == {"xi-good": 0.5}
    assert score.quote_source_coverage == 0.5
    quotes[1]["speaker"] = "Foreign Minister Wang Yi"
    assert score_brief(gold, _brief(quotes=quotes)).recall("quotes") == 1.0


# --- timeline, consensus, exclusive, entities ----------------------------------------


def test_timeline_date_prefix_keyword_and_time_window() -> None:
    gold = {"timeline": [{"id": "xi", "date": "2023-06-19", "time": "16:30", "keywords": ["Xi"]},
                         {"id": "bali", "date": "2022-11", "keywords": ["Bali", "G20"]}]}

    def entry(date, time, text):
        return {"date": date, "time": time, "text": text, "sources": ["a"], "spans": []}

    score = score_brief(gold, _brief(timeline=[entry("2023-06-19", "16:55", "Blinken met Xi"),
                                               entry("2022-11-14", None, "Biden and Xi met at the G20")]))
    assert score.recall("timeline") == 1.0
    for wrong in (entry("2023-06-19", "17:05", "Blinken met Xi"), entry("2023-06-19", None, "Blinken met Xi"),
                  entry("2023-06-18", "16:30", "Blinken met Xi"), entry("2023-06-19", "16:30", "Blinken met Wang")):
        assert score_brief(gold, _brief(timeline=[wrong])).section("timeline").missed[0] == "xi"


def test_consensus_needs_every_keyword_and_enough_sources() -> None:
    gold = {"consensus": [{"id": "met", "keywords": ["Xi", "Blinken"], "min_sources": 3},
                          {"id": "sanctions", "keywords": ["sanctions"]}]}
    items = [{"text": "Blinken met Xi.", "sources": ["a", "b"], "spans": []}]
    assert score_brief(gold, _brief(consensus=items)).recall("consensus") == 0.0
    items = [{"text": "Blinken met Xi.", "sources": ["a", "b", "c"], "spans": []}]
    summary = [{"text": "China wants SANCTIONS lifted.", "sources": ["a", "d"], "spans": []}]
    score = score_brief(gold, _brief(consensus=items, summary=summary))
    assert score.recall("consensus") == 1.0
    summary[0]["sources"] = ["a"]  # default minimum: two sources
    assert score_brief(gold, _brief(consensus=items, summary=summary)).section("consensus").missed == ("sanctions",)


def test_exclusive_needs_the_gold_source() -> None:
    gold = {"exclusive": [{"id": "gates", "keywords": ["Gates"], "source": "b"}]}
    item = {"text": "Xi met Bill Gates on Friday.", "source": "b", "spans": []}
    assert score_brief(gold, _brief(exclusive=[item])).recall("exclusive") == 1.0
    assert score_brief(gold, _brief(exclusive=[{**item, "source": "a"}])).recall("exclusive") == 0.0


def test_entities_by_last_word_and_compatible_type() -> None:
    gold = {"entities": [{"name": "Antony Blinken", "type": "PERSON"},
                         {"name": "Great Hall of the People", "type": "PLACE"},
                         {"name": "Beijing", "type": "PLACE"}]}
    entities = [{"name": "Blinken", "type": "PERSON", "sources": ["a"]},
                {"name": "the Great Hall of the People", "type": "FAC", "sources": ["a"]},
                {"name": "Beijing", "type": "ORG", "sources": ["a"]}]
    score = score_brief(gold, _brief(entities=entities))
    assert score.section("entities").found == ("Antony Blinken", "Great Hall of the People")
    assert score.section("entities").missed == ("Beijing",)
    entities[2]["type"] = "GPE"
    assert score_brief(gold, _brief(entities=entities)).recall("entities") == 1.0


# --- boilerplate, dates, headline -------------------------------------------------------


def test_boilerplate_leaks_anywhere_but_removed() -> None:
    gold = {"boilerplate": ["Sign up to our free breaking news emails", "Photo courtesy Ministry/Twitter",
                            "Advertisement"]}
    sources = [{"id": "a", "text": "Talks went on. SIGN UP to our free  breaking news emails",
                "removed": ["Advertisement", "Photo courtesy Ministry/Twitter"]}]
    summary = [{"text": "Talks went on – photo courtesy Ministry/Twitter", "sources": ["a"], "spans": []}]
    score = score_brief(gold, _brief(sources=sources, summary=summary))
    assert score.leaked == ("Sign up to our free breaking news emails", "Photo courtesy Ministry/Twitter")
    assert score.boilerplate_leaks == 2
    assert score_brief(gold, _brief(sources=[{**sources[0], "text": "Talks went on."}])).boilerplate_leaks == 0


def test_publication_dates_must_equal_gold() -> None:
    gold = {"event_date": "2023-06-19", "sources": {
        "a": {"published": "2023-06-19"}, "b": {"published": None}, "c": {"published": "2023-06-18"},
        "d": {"published": "2023-06-18"}}}
    sources = [{"id": "a", "published": "2023-06-19"}, {"id": "b", "published": "2023-06-19"},
               {"id": "c", "published": "2023-06-19"}]
    score = score_brief(gold, _brief(sources=sources, event_date="2023-06-19"))
    assert score.published_accuracy == pytest.approx(1 / 3)  # b has no gold date; d is missing
    assert [(d.source, d.correct) for d in score.dates] == [("a", True), ("c", False), ("d", False)]
    assert score.event_date_correct is True
    assert score_brief({"sources": {}}, _brief()).published_accuracy is None


def test_mean_recall_averages_the_sections_in_the_gold() -> None:
    gold = {"exclusive": [{"id": "x", "keywords": ["Gates"], "source": "b"}],
            "entities": [{"name": "Beijing", "type": "PLACE"}, {"name": "Taiwan", "type": "PLACE"}]}
    brief = _brief(entities=[{"name": "Taiwan", "type": "GPE", "sources": ["a"]}])
    score = score_brief(gold, brief)
    assert [s.name for s in score.sections] == ["exclusive", "entities"]
    assert score.mean_recall == pytest.approx((0.0 + 0.5) / 2)
    d = json.loads(json.dumps(score.to_dict()))
    assert d["recall"] == {"exclusive": 0.0, "entities": 0.5}
    assert d["sections"]["entities"]["missed"] == ["Beijing"]


@pytest.mark.skipif(not EXAMPLE_GOLD.exists(), reason="example gold file absent")
def test_example_gold_scores_a_brief_built_from_its_own_answers() -> None:
    gold = json.loads(EXAMPLE_GOLD.read_text(encoding="utf-8"))
    quotes = [{"speaker": q["speaker"], "variants": [{"text": q["key"], "sources": q["sources"], "spans": []}]}
              for q in gold["quotes"]]
    brief = _brief(quotes=quotes, entities=[{"name": e["name"], "type": e["type"], "sources": []}
                                            for e in gold["entities"]])
    score = score_brief(gold, brief)
    assert score.recall("quotes") == 1.0 and score.quote_source_coverage == 1.0
    assert score.recall("entities") == 1.0
    assert score.recall("consensus") == 0.0
    assert score.soft_conflicts.total == 2 and score.section("conflicts").total == 1


# --- the command -------------------------------------------------------------------


def _write(tmp_path: Path, name: str, data) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_eval_gold_prints_a_table_or_json(tmp_path: Path) -> None:
    gold = _write(tmp_path, "g.json", {"entities": [{"name": "Beijing", "type": "PLACE"}]})
    brief = _write(tmp_path, "b.json", _brief(entities=[{"name": "Beijing", "type": "GPE", "sources": []}]))
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "gold", str(gold), str(brief)])
    assert result.exit_code == 0, result.output
    assert "entities recall" in result.output and "100.0%" in result.output
    result = runner.invoke(app, ["eval", "gold", str(gold), str(brief), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["mean_recall"] == 1.0


@pytest.mark.parametrize("content", [None, "{not json", "[1, 2]"])
def test_eval_gold_exits_2_on_unreadable_files(tmp_path: Path, content) -> None:
    gold = _write(tmp_path, "g.json", {})
    brief = tmp_path / "missing.json" if content is None else _write(tmp_path, "b.json", content)
    result = CliRunner().invoke(app, ["eval", "gold", str(gold), str(brief)])
    assert result.exit_code == 2
    assert "brief file" in result.output and str(brief.name) in result.output
