"""Unit tests of newsweave.conflicts: value compatibility, subjects, attributions.

Real-sentence cases are from examples/blinken-beijing (the Sunday talks with
Qin Gang: 7.5 hours in UPI and the Independent, "nearly six hours, followed
by a two-hour working dinner" in NBC) and the kinds of near-miss that must
not become conflicts (a two-day visit vs a two-hour dinner; a 35-minute
meeting with Xi vs a three-hour meeting with Wang).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.conflicts import compatible, find_conflicts, value_interval
from newsweave.facts import find_facts
from newsweave.model import Article, Fact, Quote, QuoteVariant, Span
from newsweave.nlp import parse_articles

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "blinken-beijing"


def fact(value: float, qualifier: str | None = None, text: str = "", source: str = "a") -> Fact:
    span = Span(source, 0, 1)
    return Fact("duration", text or str(value), value, "hours", qualifier, "talks", span, span, ("talk",))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (fact(5), fact(5, "nearly"), True),
        (fact(3), fact(3, "more than"), True),
        (fact(3, "about"), fact(3, "more than"), True),
        (fact(7.5), fact(6, "nearly"), False),
        (fact(7.5), fact(6), False),
        (fact(2), fact(3), False),
        (fact(43_000), fact(43_350), True),  # "$43,000" is rounded to the thousand
        (fact(43_100), fact(43_350), False),
        (fact(10, "up to"), fact(4), True),
        (fact(10, "more than"), fact(8), False),
        (fact(7, "more than"), fact(12), True),  # "more than a week" is true of 12 days
        (fact(10, "less than"), fact(12), False),
    ],
)
def test_compatible(a: Fact, b: Fact, expected: bool) -> None:
    assert compatible(a, b) is expected
    assert compatible(b, a) is expected


def test_interval_of_a_hedged_value_contains_the_value() -> None:
    for qualifier in (None, "about", "nearly", "more than", "at least", "up to", "less than"):
        lo, hi = value_interval(fact(6, qualifier))
        assert lo <= 6 <= hi


def parsed_of(texts: dict[str, str]):
    return parse_articles([Article(id=k, text=v) for k, v in texts.items()])


def test_qin_talks_conflict_from_real_sentences() -> None:
    parsed = parsed_of(
        {
            "upi": (
                "The meeting followed a three-hour meeting Monday morning with the country's top foreign affairs "
                "adviser, Wang Yi, and seven-and-a-half-hours of talks on Sunday between Blinken and his "
                "Chinese counterpart, Qin Gang."
            ),
            "nbc": (
                "After arriving on Sunday, Blinken met with Qin, China's foreign minister, for talks that both "
                "sides described as frank and constructive. Those talks lasted nearly six hours, followed by a "
                "two-hour working dinner, according to senior State Department officials.\n\n"
                "Blinken then had a three-hour meeting on Monday with Wang Yi, China's top diplomat."
            ),
            "ind": "On Sunday, Mr Blinken met with the Chinese foreign minister Qin Gang for seven and a half hours.",
        }
    )
    conflicts = find_conflicts(find_facts(parsed), parsed)
    hard = [c for c in conflicts if not c.soft]
    assert len(hard) == 1
    (conflict,) = hard
    assert "Qin" in conflict.about
    by_value = {v.value: v for v in conflict.values}
    assert set(by_value) == {6.0, 7.5}
    assert set(by_value[7.5].sources) == {"upi", "ind"}
    assert by_value[6.0].sources == ("nbc",)
    # The chained dinner stays visible in the value's text, and the span is that text.
    assert by_value[6.0].text == "nearly six hours, followed by a two-hour working dinner"
    texts = {p.id: p.article.text for p in parsed}
    for value in conflict.values:
        for span in value.spans:
            assert texts[span.source][span.start : span.end]
        first = value.spans[0]
        assert texts[first.source][first.start : first.end] == value.text
    # The Wang meeting (three hours everywhere) is no conflict at all.
    assert not any("Wang" in c.about for c in conflicts)


def test_different_things_are_never_in_conflict() -> None:
    parsed = parsed_of(
        {
            "a": "Blinken wrapped up a two-day visit to Beijing. In footage of the 35-minute meeting with Mr Xi, "
            "Mr Xi is heard to speak.",
            "b": "Blinken had a three-hour meeting on Monday with Wang Yi. Those talks were followed by a two-hour "
            "working dinner.",
        }
    )
    assert find_conflicts(find_facts(parsed), parsed) == ()


def test_a_source_printing_both_values_does_not_disagree() -> None:
    parsed = parsed_of(
        {
            "fox": "His campaign said he served six months on Parris Island and six years in the reserves.",
            "hpo": "Blumenthal voluntarily joined the Marine Corps Reserves and served for six months in Parris "
            "Island and six years in the reserves.",
        }
    )
    assert find_conflicts(find_facts(parsed), parsed) == ()


def test_soft_conflict_can_be_left_out() -> None:
    parsed = parsed_of(
        {
            "a": "Blinken is the first secretary of state to make the trip to China in five years.",
            "b": "Blinken is the first U.S. secretary of State to make the trip to China in nearly five years.",
        }
    )
    facts = find_facts(parsed)
    conflicts = find_conflicts(facts, parsed)
    assert len(conflicts) == 1 and conflicts[0].soft
    assert {v.qualifier for v in conflicts[0].values} == {None, "nearly"}
    assert find_conflicts(facts, parsed, include_soft=False) == ()


def quote(speaker: str, text: str, source: str) -> Quote:
    return Quote(speaker, (QuoteVariant(text, (source,), (Span(source, 0, len(text)),)),))


def test_attribution_conflict_between_two_people() -> None:
    parsed = parsed_of(
        {
            "a": "Senator John Smith spoke on Monday.",
            "b": "Governor Mary Jones spoke on Monday.",
        }
    )
    words = "we will not rest until every family in this state has clean water to drink"
    quotes = [quote("John Smith", words, "a"), quote("Mary Jones", words.replace("will not", "won't"), "b")]
    conflicts = find_conflicts((), parsed, quotes)
    assert [c.kind for c in conflicts] == ["attribution"]
    assert {v.text for v in conflicts[0].values} == {"John Smith", "Mary Jones"}
    assert all(v.unit == "person" and v.value is None for v in conflicts[0].values)


def test_a_person_and_the_body_they_speak_for_is_no_attribution_conflict() -> None:
    parsed = parsed_of({"a": "Wang Yi met Blinken.", "b": "The foreign ministry said so."})
    words = "it is necessary to make a choice between dialogue or confrontation, cooperation or conflict"
    quotes = [quote("Wang Yi", words, "a"), quote("Chinese foreign ministry", words, "b")]
    assert find_conflicts((), parsed, quotes) == ()


@pytest.mark.skipif(not EXAMPLE.exists(), reason="example cluster not present")
def test_example_cluster_has_exactly_the_gold_hard_conflict() -> None:
    from newsweave.clean import clean_article
    from newsweave.ingest import read_inputs

    articles = [clean_article(a) for a in read_inputs([str(EXAMPLE)]).articles]
    parsed = parse_articles(articles)
    conflicts = find_conflicts(find_facts(parsed), parsed)
    hard = [c for c in conflicts if not c.soft]
    assert len(hard) == 1 and "Qin" in hard[0].about
    assert sorted(v.value for v in hard[0].values) == [6.0, 7.5]
    # Soft ones name the Wang meeting and the five years, nothing else.
    for conflict in conflicts:
        if conflict.soft:
            values = {v.value for v in conflict.values}
            assert values in ({3.0}, {5.0})


def test_page_counts_disagree_and_places_confused() -> None:
    parsed = parsed_of(
        {
            "fox": "Among the allegations named in the 48-page indictment were vacations to Italy. "
            "He said he had misspoken at a 2008 event in Norfolk in which he said he had served in Vietnam.",
            "hpo": "The goal of the conspiracy was to enrich themselves, the 47-page indictment says. "
            "Blumenthal said to the group gathered in Norwalk in March 2008 that he served in Vietnam.",
        }
    )
    conflicts = find_conflicts(find_facts(parsed), parsed)
    by_unit = {c.values[0].unit: c for c in conflicts}
    assert set(by_unit) == {"page", "place"}
    assert not by_unit["page"].soft
    assert sorted(v.value for v in by_unit["page"].values) == [47, 48]
    assert {v.text for v in by_unit["place"].values} == {"Norfolk", "Norwalk"}


def test_counts_of_different_things_and_places_never_conflict() -> None:
    parsed = parsed_of(
        {
            "a": "In a separate attack, three Palestinians were killed in an air strike on a school in Gaza. "
            "The Sixers had a three-game losing streak going into the contest against Washington.",
            "b": "More than two dozen schools in Gaza are serving as shelters. "
            "Cleveland was the owner of an 11-game win streak. The ad will air in Fort Myers.",
            "c": "The ad will air in Ft. Myers, Miami and West Palm Beach.",
        }
    )
    assert find_conflicts(find_facts(parsed), parsed) == ()


def test_one_value_printed_in_two_units_is_no_hard_conflict() -> None:
    parsed = parsed_of(
        {
            "a": "Sheriff's deputies and state police chased him for 48km before he pulled over.",
            "b": "Sheriff's deputies and state police chased him for 30 miles before he pulled over.",
        }
    )
    assert all(c.soft for c in find_conflicts(find_facts(parsed), parsed))


def test_offsets_and_other_years_are_not_measures_of_one_thing() -> None:
    parsed = parsed_of(
        {
            "a": "South Sudan, which became the world's newest country only four months ago, fears attacks. "
            "Klitschko finished the fight five rounds sooner than in 2008. In June 2012, a 3.0 quake struck "
            "one mile north of The Geysers.",
            "b": "South Sudan gained its independence from Sudan 6 months ago. Klitschko stopped Thompson in six "
            "rounds. A 4.4 quake struck one mile north of The Geysers in 2014.",
        }
    )
    assert [c for c in find_conflicts(find_facts(parsed), parsed) if not c.soft] == []


def test_two_nouns_for_one_ad_buy_sharing_its_places_are_one_subject() -> None:
    # NYT and Fox, 20 September 2012 (BASIL): "airtime" and "the ad" are one buy.
    parsed = parsed_of(
        {
            "nyt": "Secure America Now has reserved $500,000 of airtime in Fort Myers, West Palm Beach and Miami.",
            "fox": "The ad, reportedly to air in Miami, West Palm Beach and Fort Myers, is costing $1 million.",
        }
    )
    [conflict] = find_conflicts(find_facts(parsed), parsed)
    assert sorted(v.value for v in conflict.values) == [500_000, 1_000_000]



@pytest.mark.parametrize(
    "texts",
    [
        # two shared names are not enough where the nouns differ, however alike the rest
        {"a": "The group reserved $500,000 of airtime in Fort Myers and Miami for the spot.",
         "b": "The spot in Fort Myers and Miami for the group is costing $1 million."},
        # three shared names are not enough where little else is alike: money raised and money spent
        {"a": "The committee raised $10 million from donors in Miami, Tampa and Orlando over three months of "
              "fundraising dinners.",
         "b": "The campaign spent $4 million on ads in Miami, Tampa and Orlando."},
        # one three-word name is one name: money raised and money spent
        {"a": "The Democratic National Committee raised $10 million in May.",
         "b": "The Democratic National Committee spent $4 million on television ads in May."},
    ],
)
def test_different_nouns_sharing_fewer_than_three_names_are_two_subjects(texts: dict[str, str]) -> None:
    parsed = parsed_of(texts)
    assert find_conflicts(find_facts(parsed), parsed) == ()
