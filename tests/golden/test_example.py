"""Golden test on the bundled example (examples/blinken-beijing: five real reports
of Blinken meeting Xi Jinping, 19 June 2023; gold annotated by hand), scored by
the project's own scorer as ../shared/docs/gold-format.md describes."""

from __future__ import annotations

from newsweave.evaluate.contract import contract_violations
from newsweave.evaluate.gold import score_brief
from newsweave.model import resolve_span


def test_example_brief_keeps_the_contract(example_brief_dict) -> None:
    assert contract_violations(example_brief_dict) == []


def test_every_span_resolves_and_extractive_items_equal_their_spans(example_brief) -> None:
    sources = {a.id: a for a in example_brief.sources}
    for item in example_brief.summary + example_brief.consensus + example_brief.exclusive:
        assert " ".join(resolve_span(item.spans[0], sources).split()) == " ".join(item.text.split())
        for span in item.spans:
            resolve_span(span, sources)
    for quote in example_brief.quotes:
        for variant in quote.variants:
            assert all(resolve_span(span, sources) == variant.text for span in variant.spans)
    for conflict in example_brief.conflicts:
        for value in conflict.values:
            for span in value.spans:
                resolve_span(span, sources)


def test_issue_3_thresholds(example_gold, example_brief_dict) -> None:
    score = score_brief(example_gold, example_brief_dict)
    assert score.recall("consensus") >= 0.8
    assert score.recall("exclusive") >= 0.8
    assert score.boilerplate_leaks == 0, score.leaked
    assert score.published_accuracy == 1.0
    assert example_brief_dict["event_date"] == example_gold["event_date"]


def test_issue_4_thresholds(example_gold, example_brief_dict) -> None:
    score = score_brief(example_gold, example_brief_dict)
    assert score.mean_recall >= 0.9, score.to_dict()
    assert score.conflict_precision is None or score.conflict_precision >= 0.8
    assert score.quote_source_coverage >= 0.8


def test_the_qin_talks_conflict_is_reported_with_both_values(example_brief_dict) -> None:
    conflicts = [c for c in example_brief_dict["conflicts"] if "Qin" in c["about"] or any("Qin" in v["evidence"] for v in c["values"])]
    values = {v["value"] for c in conflicts for v in c["values"]}
    assert 7.5 in values and 6 in values
