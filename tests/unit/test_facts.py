"""Unit tests of newsweave.facts on real news sentences.

Sentences come from the example cluster (examples/blinken-beijing) and from
wire-style reports; each test states the value a careful reader takes from it.
"""

from __future__ import annotations

import pytest

from newsweave.facts import find_facts, parse_number
from newsweave.model import Article, Fact
from newsweave.nlp import parse_articles


def facts_of(text: str, source: str = "s1") -> tuple[Fact, ...]:
    return find_facts(parse_articles([Article(id=source, text=text)]))


def only(facts: tuple[Fact, ...], kind: str) -> list[Fact]:
    return [f for f in facts if f.kind == kind]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("seven and a half", 7.5),
        ("seven-and-a-half", 7.5),
        ("a dozen", 12),
        ("43,350", 43350),
        ("twenty-three", 23),
        ("two hundred and fifty", 250),
        ("1.5 million", 1_500_000),
        ("2bn", 2_000_000_000),
        ("a half", 0.5),
        ("banana", None),
        ("", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_durations_keep_their_qualifier_and_normalise_to_hours() -> None:
    text = (
        "After arriving on Sunday, Blinken met with Qin, China's foreign minister, for talks. "
        "Those talks lasted nearly six hours, followed by a two-hour working dinner, "
        "according to senior State Department officials."
    )
    durations = only(facts_of(text), "duration")
    assert [(f.text, f.value, f.unit, f.qualifier) for f in durations] == [
        ("nearly six hours", 6.0, "hours", "nearly"),
        ("two-hour", 2.0, "hours", None),
    ]
    talks, dinner = durations
    # "Those talks" is resolved to the talks with Qin of the sentence before.
    assert "talk" in talks.about_terms and "qin" in talks.about_terms
    assert dinner.about_terms[0] == "dinner" and "qin" not in dinner.about_terms


def test_hyphenated_word_number_duration() -> None:
    text = (
        "The meeting followed a three-hour meeting Monday morning with the country's top foreign affairs "
        "adviser, Wang Yi, and seven-and-a-half-hours of talks on Sunday between Blinken and his "
        "Chinese counterpart, Qin Gang."
    )
    durations = only(facts_of(text), "duration")
    assert [(f.text, f.value) for f in durations] == [("three-hour", 3.0), ("seven-and-a-half-hours", 7.5)]
    wang, qin = durations
    assert "wang" in wang.about_terms and "qin" not in wang.about_terms
    assert "qin" in qin.about_terms and "wang" not in qin.about_terms
    assert qin.about_terms[0] == "talk"


def test_minutes_are_hours_and_the_meeting_is_the_subject() -> None:
    text = "In footage of the 35-minute meeting released by state broadcaster CCTV, Mr Xi is heard to speak."
    (fact,) = only(facts_of(text), "duration")
    assert fact.text == "35-minute"
    assert fact.value == pytest.approx(35 / 60)
    assert fact.about_terms[0] == "meeting"


def test_met_for_hours_is_about_the_meeting_with_the_named_person() -> None:
    text = "On Sunday, Mr Blinken met with the Chinese foreign minister Qin Gang for seven and a half hours."
    (fact,) = only(facts_of(text), "duration")
    assert (fact.text, fact.value, fact.qualifier) == ("seven and a half hours", 7.5, None)
    assert {"meet", "qin", "gang", "sunday"} <= set(fact.about_terms)
    assert "Qin Gang" in fact.about


def test_years_since_with_qualifier() -> None:
    text = "He is the first U.S. secretary of State to make the trip in nearly five years."
    (fact,) = only(facts_of(text), "duration")
    assert (fact.text, fact.value, fact.unit, fact.qualifier) == ("nearly five years", 5.0, "years", "nearly")
    assert "secretary" in fact.about_terms


def test_clock_times_are_never_money() -> None:
    text = "Blinken's meeting with Xi got underway shortly after 4:30 p.m. local time (4:30 a.m. ET), Xinhua reported."
    facts = facts_of(text)
    assert not only(facts, "money")
    times = only(facts, "time")
    assert [(f.value, f.unit) for f in times] == [(16.5, "clock"), (4.5, "clock")]
    assert times[0].text.endswith("4:30 p.m. local time")
    assert times[1].text == "4:30 a.m. ET"


@pytest.mark.parametrize(
    ("text", "value_text", "value", "unit"),
    [
        ("The tanker's owners paid a ransom of $43,000 to the gang.", "$43,000", 43_000, "usd"),
        ("The club agreed a fee of e75m for the striker.", "e75m", 75_000_000, "eur"),
        ("The government set aside £2bn for flood defences.", "£2bn", 2_000_000_000, "gbp"),
        ("Congress approved $1.2 billion in aid.", "$1.2 billion", 1_200_000_000, "usd"),
    ],
)
def test_money(text: str, value_text: str, value: float, unit: str) -> None:
    (fact,) = only(facts_of(text), "money")
    assert (fact.text, fact.value, fact.unit) == (value_text, value, unit)


def test_counts_percent_and_age() -> None:
    text = (
        "The navy said 23 Somali pirates were captured. Turnout rose to 64 percent. "
        "A 42-year-old man was arrested, and at least three people were injured."
    )
    facts = facts_of(text)
    counts = only(facts, "count")
    assert [(f.text, f.value) for f in counts] == [("23", 23), ("at least three", 3)]
    assert counts[0].about_terms[0] == "pirate"
    assert counts[1].qualifier == "at least" and counts[1].about_terms[0] == "people"
    (percent,) = only(facts, "percent")
    assert (percent.text, percent.value, percent.unit) == ("64 percent", 64, "percent")
    (age,) = only(facts, "age")
    assert (age.text, age.value, age.unit) == ("42-year-old", 42, "years")


def test_references_are_not_counts() -> None:
    facts = facts_of("The two sides agreed, one official said, after the G20 summit in 2022.")
    assert not only(facts, "count")
    (year,) = only(facts, "year")
    assert (year.value, year.unit) == (2022, "year")


def test_spans_resolve_to_the_value_words_and_sentence() -> None:
    text = "First sentence here. Mr Wang spoke with Mr Blinken for more than three hours."
    (fact,) = only(facts_of(text), "duration")
    assert text[fact.span.start : fact.span.end] == "more than three hours"
    assert text[fact.sentence.start : fact.sentence.end].startswith("Mr Wang spoke")


def test_distances_normalise_to_km() -> None:
    facts = facts_of("Sheriff's deputies chased him for 30 miles. The quake had a depth of 1.2 miles.")
    distances = only(facts, "distance")
    assert [(f.text, round(f.value or 0, 2), f.unit) for f in distances] == [
        ("30 miles", 48.28, "km"),
        ("1.2 miles", 1.93, "km"),
    ]


def test_ages_belong_to_the_right_person() -> None:
    text = (
        "Elizabeth Lauten, 31, wrote that Malia and Sasha Obama should show class. "
        "A jury convicted Scott Peterson in the death of his wife, 23-year-old Laci Peterson."
    )
    ages = only(facts_of(text), "age")
    assert [(f.value, f.about) for f in ages] == [(31, "Elizabeth Lauten"), (23, "Laci Peterson")]


def test_dates_and_addresses_are_not_counts() -> None:
    facts = facts_of("The bodies were found at 24 Independent Street after the August 9 death of Michael Brown.")
    assert not only(facts, "count")
    (date,) = only(facts, "date")
    assert (date.text, date.value, date.unit) == ("August 9", None, "date")


def test_measure_compounds_count_their_noun() -> None:
    facts = facts_of("Among the allegations in the 48-page indictment were family vacations.")
    (pages,) = only(facts, "count")
    assert (pages.text, pages.value, pages.unit) == ("48-page", 48, "page")
    assert pages.about_terms[0] == "indictment"


def test_a_unit_counts_as_one_only_after_a_hedge() -> None:
    facts = facts_of("Ferguson has endured more than a week of unrest. A day after the vote, a year ago, he left.")
    (week,) = only(facts, "duration")
    assert (week.text, week.value, week.unit, week.qualifier) == ("more than a week", 7.0, "days", "more than")
