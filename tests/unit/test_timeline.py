"""Unit tests of newsweave.timeline with real sentences (examples/blinken-beijing, 19 June 2023)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from newsweave.model import Article
from newsweave.nlp import parse_articles
from newsweave.timeline import (
    build_timeline,
    dated_expressions,
    resolve_month,
    resolve_weekday,
)

MONDAY = dt.date(2023, 6, 19)
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "blinken-beijing"


def test_weekday_resolves_to_most_recent_on_or_before_anchor() -> None:
    assert resolve_weekday(0, MONDAY) == MONDAY  # "on Monday" in Monday's paper
    assert resolve_weekday(6, MONDAY) == dt.date(2023, 6, 18)
    assert resolve_weekday(4, MONDAY) == dt.date(2023, 6, 16)
    assert resolve_weekday(1, MONDAY) == dt.date(2023, 6, 13)


def test_weekday_across_a_month_boundary() -> None:
    # Published Monday 3 July 2023: "on Friday" is 30 June.
    (expr,) = dated_expressions("The deal was signed on Friday.", dt.date(2023, 7, 3))
    assert expr.date == "2023-06-30"
    # Published Tuesday 2 January 2024: "on Saturday" is 30 December 2023.
    (expr,) = dated_expressions("Protesters gathered on Saturday.", dt.date(2024, 1, 2))
    assert expr.date == "2023-12-30"


def test_months_without_year() -> None:
    assert resolve_month(11, MONDAY) == (2022, 11)
    assert resolve_month(2, MONDAY) == (2023, 2)
    assert resolve_month(6, MONDAY) == (2023, 6)
    assert resolve_month(6, MONDAY, last=True) == (2022, 6)
    text = "Biden and Xi last met in Indonesia last November on the sidelines of a Group of 20 summit."
    assert [e.date for e in dated_expressions(text, MONDAY)] == ["2022-11"]
    text = "His initial plans to travel to China were postponed in February after a balloon was shot down."
    assert [e.date for e in dated_expressions(text, MONDAY)] == ["2023-02"]


def test_absolute_and_relative_years() -> None:
    dates = [e.date for e in dated_expressions("They last met in Bali late last year, and first in 2017.", MONDAY)]
    assert dates == ["2022", "2017"]
    assert [e.date for e in dated_expressions("Steele was elected on January 30, 2009.", None)] == ["2009-01-30"]
    assert [e.date for e in dated_expressions("The dateline read June 19.", MONDAY)] == ["2023-06-19"]


def test_may_the_verb_is_not_a_month() -> None:
    assert dated_expressions("Officials said they may meet again.", MONDAY) == []


def timeline_of(texts: dict[str, str], published: dict[str, dt.date | None], event: dt.date | None = MONDAY):
    parsed = parse_articles([Article(id=k, text=v) for k, v in texts.items()])
    return build_timeline(parsed, published, event), {p.id: p.article.text for p in parsed}


def test_plans_are_not_happenings() -> None:
    entries, _ = timeline_of(
        {
            "a": "It is expected that Blinken's visit could pave the way for a November meeting between Biden "
            "and Xi. It could set the stage for a meeting later this year between Biden and Xi.",
        },
        {"a": MONDAY},
    )
    assert entries == ()


def test_what_is_scheduled_is_dated_forward_and_speculation_left_out() -> None:
    tuesday = dt.date(2018, 8, 21)
    entries, _ = timeline_of(
        {
            "fox": "The pair is due to be arraigned in court on Thursday morning. "
            "The lawmaker is running for re-election in November against Democrat Ammar Campa-Najjar. "
            "Hunter was indicted on Tuesday. Blumenthal will face the winner of the GOP primary on August 10. "
            "The case could reach a jury in February.",
        },
        {"fox": tuesday},
    )
    assert [(e.date, e.text[:20]) for e in entries] == [
        ("2018-08-21", "Hunter was indicted "),
        ("2018-08-23", "The pair is due to b"),
        ("2018-11", "The lawmaker is runn"),
        ("2019-08-10", "Blumenthal will face"),
    ]


def test_overnight_and_year_before_a_noun() -> None:
    wednesday = dt.date(2014, 8, 20)
    entries, _ = timeline_of(
        {"nyt": "Still, the police did make 47 arrests overnight. He had misspoken at a 2008 event in Norfolk."},
        {"nyt": wednesday},
    )
    assert [e.date for e in entries] == ["2008", "2014-08-19"]


def test_noon_is_a_clock_time() -> None:
    entries, _ = timeline_of(
        {"nyt": "Mr. Trump took the oath on Friday, administered by Chief Justice John G. Roberts Jr. precisely at noon."},
        {"nyt": dt.date(2017, 1, 20)},
    )
    assert [(e.date, e.time) for e in entries] == [("2017-01-20", "12:00")]


def test_clock_time_prefers_local_time_and_takes_the_day_just_named() -> None:
    entries, texts = timeline_of(
        {
            "a": "U.S. Secretary of State Antony Blinken met with Chinese President Xi Jinping on Monday.\n\n"
            "Blinken's meeting with Xi got underway shortly after 4:30 p.m. local time (4:30 a.m. ET), "
            "Chinese state media Xinhua reported."
        },
        {"a": None},
    )
    timed = [e for e in entries if e.time]
    assert len(timed) == 1
    assert (timed[0].date, timed[0].time) == ("2023-06-19", "16:30")
    assert "Xi" in timed[0].text


def test_same_happening_merges_across_sources_and_spans_resolve() -> None:
    entries, texts = timeline_of(
        {
            "upi": "Blinken held talks on Sunday with his Chinese counterpart, Qin Gang, in Beijing.",
            "ind": "On Sunday, Mr Blinken met with the Chinese foreign minister Qin Gang for seven and a half hours.",
            "nbc": "Xi met Microsoft co-founder Bill Gates on Friday.",
        },
        {"upi": MONDAY, "ind": MONDAY, "nbc": None},
    )
    assert [(e.date, set(e.sources)) for e in entries] == [
        ("2023-06-16", {"nbc"}),
        ("2023-06-18", {"upi", "ind"}),
    ]
    for entry in entries:
        first = entry.spans[0]
        assert texts[first.source][first.start : first.end] == entry.text
        for span in entry.spans:
            assert 0 <= span.start < span.end <= len(texts[span.source])


def test_without_any_anchor_only_printed_years_count() -> None:
    entries, _ = timeline_of(
        {"a": "The law was passed in 2010. It was amended on Monday."}, {"a": None}, event=None
    )
    assert [e.date for e in entries] == ["2010"]


@pytest.mark.skipif(not EXAMPLE.exists(), reason="example cluster not present")
def test_example_gold_timeline() -> None:
    import json

    from newsweave.clean import clean_article
    from newsweave.ingest import read_inputs

    gold = json.loads((EXAMPLE.parent / "blinken-beijing.gold.json").read_text())
    articles = [clean_article(a) for a in read_inputs([str(EXAMPLE)]).articles]
    parsed = parse_articles(articles)
    published = {
        sid: dt.date.fromisoformat(info["published"]) if info["published"] else None
        for sid, info in gold["sources"].items()
    }
    entries = build_timeline(parsed, published, MONDAY)

    def found(item: dict) -> bool:
        for e in entries:
            if not e.date.startswith(item["date"]):
                continue
            if not any(k.lower() in e.text.lower() for k in item["keywords"]):
                continue
            if "time" in item:
                if e.time is None:
                    continue
                h, m = map(int, e.time.split(":"))
                gh, gm = map(int, item["time"].split(":"))
                if abs(h * 60 + m - gh * 60 - gm) > 30:
                    continue
            return True
        return False

    assert [g["id"] for g in gold["timeline"] if not found(g)] == []
    assert len(entries) <= 2 * len(gold["timeline"]) + 2


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

DATE_WORDS = st.sampled_from(
    ["on", "Monday", "last", "November", "in", "February", "2019", "June 19", "late last year", "May", "Sundays",
     "4:30 p.m.", "local time", "met", "Blinken", "yesterday", "next", "Friday", ".", ",", "later this year", "29"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(DATE_WORDS, max_size=15).map(" ".join), st.dates(dt.date(1950, 1, 1), dt.date(2040, 12, 31)) | st.none())
def test_dated_expressions_never_raise_and_point_into_the_text(text: str, anchor: dt.date | None) -> None:
    for expr in dated_expressions(text, anchor):
        assert text[expr.start : expr.end] == expr.text
        assert len(expr.date) in (4, 7, 10)
        if anchor is not None and len(expr.date) == 10 and not re.search(r"(?:19|20)\d\d", expr.text):
            # A date printed without its year lies within a year of the anchor (half a year
            # but for 29 February).
            assert abs((dt.date.fromisoformat(expr.date) - anchor).days) <= 366


def test_old_years_are_read_not_replaced_by_the_anchor_year() -> None:
    import datetime as dt

    from newsweave.timeline import dated_expressions

    found = dated_expressions("The declaration was signed on July 4, 1776, ahead of a November meeting.", dt.date(2010, 7, 5))
    assert found[0].date == "1776-07-04" and found[0].text == "July 4, 1776"
    assert found[1].text == "November"


def test_a_printed_day_without_year_reported_as_past_is_not_dated_ahead() -> None:
    # Published 15 May 2013; "Sept. 14" of a past-tense report is 2012's, not the coming September's.
    wednesday = dt.date(2013, 5, 15)
    entries, _ = timeline_of(
        {"nyt": "Ms. Nuland objected in an e-mail on Sept. 14. The e-mails revealed nothing new about the Sept. 11 attack."},
        {"nyt": wednesday},
    )
    assert [e.date for e in entries] == ["2012-09-11", "2012-09-14"]
    # Read forward when it is a schedule, and nearest when nothing says which.
    assert [e.date for e in dated_expressions("The vote is on Sept. 14.", wednesday)] == ["2013-09-14"]


def test_a_weekday_printed_with_its_date_fixes_the_year_and_is_one_expression() -> None:
    wednesday = dt.date(2013, 5, 15)
    (expr,) = dated_expressions("The process began at 4:20 p.m. on Friday, Sept. 14, when he wrote.", wednesday)
    assert (expr.text, expr.date, expr.forward) == ("Friday, Sept. 14", "2012-09-14", "2012-09-14")  # a Friday in 2012
    entries, _ = timeline_of({"nyt": "The process began at 4:20 p.m. on Friday, Sept. 14, when he wrote."}, {"nyt": wednesday})
    assert [(e.date, e.time) for e in entries] == [("2012-09-14", "16:20")]


def test_a_date_inside_a_name_dates_nothing() -> None:
    assert dated_expressions("The cable warned that the 17 February Brigade appeared compromised.", MONDAY) == []
    assert [e.date for e in dated_expressions("They met on 17 February in Paris.", MONDAY)] == ["2023-02-17"]


def test_a_date_of_a_noun_gives_way_to_the_date_of_the_sentence() -> None:
    friday = dt.date(2018, 7, 13)
    entries, _ = timeline_of(
        {
            "nyt": "But Mr. Royce called Friday for Mr. Trump to challenge Mr. Putin at Monday's summit meeting. "
            "Some on the committee also called for Mr. Trump to cancel the Monday session. "
            "The e-mails released on Wednesday revealed a fight over the account of last September's attack.",
        },
        {"nyt": friday},
    )
    assert [(e.date, e.text[:14]) for e in entries] == [
        ("2018-07-11", "The e-mails re"),  # not also 2017-09: the attack is what the noun names
        ("2018-07-13", "But Mr. Royce "),  # not also Monday: the summit is not when Royce called
        ("2018-07-16", "Some on the co"),  # called for: the session asked to be cancelled is still to come
    ]


def test_a_weekday_of_a_noun_is_the_nearest_such_day_unless_the_verb_is_past() -> None:
    saturday = dt.date(2014, 11, 29)
    entries, _ = timeline_of(
        {"fox": "The girls went with their father to Wednesday's ceremony. Officials want to see Tuesday's figures first."},
        {"fox": saturday},
    )
    assert [(e.date, e.text[:9]) for e in entries] == [("2014-11-26", "The girls")]  # "want": speculation, left out
    entries, _ = timeline_of({"fox": "They are preparing for Monday's vote."}, {"fox": dt.date(2018, 7, 13)})
    assert [e.date for e in entries] == ["2018-07-16"]


def test_urged_to_act_on_a_weekday_is_dated_forward() -> None:
    entries, _ = timeline_of(
        {"nyt": "A handful of Republicans urged Mr. Trump to confront Mr. Putin on Monday in Helsinki, Finland."},
        {"nyt": dt.date(2018, 7, 13)},
    )
    assert [e.date for e in entries] == ["2018-07-16"]


def test_a_pluperfect_date_takes_no_clock_time_and_sets_no_day_for_later_ones() -> None:
    entries, _ = timeline_of(
        {
            "nyt": "The drafting began at 4:20 p.m. on Friday, Sept. 14. "
            "At 6:41 p.m., Shawn Turner suggested saying that on Sept. 10, the C.I.A. had notified the embassy in Cairo. "
            "At 7:16 p.m., Victoria Nuland weighed in with her concerns.",
        },
        {"nyt": dt.date(2013, 5, 15)},
    )
    dated = {(e.date, e.time) for e in entries if e.text.startswith("At 7:16")}
    assert dated == {("2012-09-14", "19:16")}
    assert {(e.date, e.time) for e in entries if e.text.startswith("At 6:41")} == {("2012-09-10", None), ("2012-09-14", "18:41")}


def test_a_year_the_tradition_goes_back_to_is_a_date() -> None:
    assert [e.date for e in dated_expressions("The tradition dates back to 1947, with the pardon instituted in 1989.", MONDAY)] == [
        "1947", "1989"]


def test_a_month_of_a_noun_keeps_its_month_reading() -> None:
    # Found by the property test: the nearest-day rule for a weekday must not take a month.
    entries, _ = timeline_of({"a": "Officials are preparing for a November summit with Xi."}, {"a": MONDAY})
    assert [e.date for e in entries] == ["2023-11"]


def test_review_cases_a_date_before_a_name_and_what_was_asked() -> None:
    monday = dt.date(2023, 10, 16)
    assert [e.date for e in dated_expressions("Israel has bombed Gaza since the Oct. 7 Hamas attack.", monday)] == ["2023-10-07"]
    assert dated_expressions("Members of the Sept. 11 Commission met.", monday) == []
    entries, _ = timeline_of(
        {
            "a": "The governor ordered residents to evacuate on Oct. 3. Officials urged residents to evacuate on "
            "Sunday as the fire spread. The trial began on Oct. 17."
        },
        {"a": monday},
    )
    assert [(e.date, e.text[:12]) for e in entries] == [
        ("2023-10-03", "The governor"),  # not a year ahead
        ("2023-10-15", "Officials ur"),  # the nearest Sunday: yesterday
        ("2023-10-17", "The trial be"),  # a day after the anchor is within a past report's slack
    ]


def test_a_weekday_that_fits_only_a_year_too_far_away_does_not_pick_it() -> None:
    # Found by the property test: 19 June was a Monday in 2000, 377 days before the anchor.
    dates = {e.text: e.date for e in dated_expressions("Monday June 19", dt.date(2001, 7, 1))}
    assert dates["June 19"] == "2001-06-19"


def test_this_and_last_month_and_season_are_dated_but_not_what_comes_later() -> None:
    june_2014 = dt.date(2014, 6, 10)
    assert [e.date for e in dated_expressions("Last month, Brat supporters booed Cantor at a convention.", june_2014)] == ["2014-05"]
    assert [e.date for e in dated_expressions("Leahy said earlier this month that it was a stunt.", june_2014)] == ["2014-06"]
    assert [e.date for e in dated_expressions("Brat will face Jack Trammell this fall in the district.", june_2014)] == ["2014"]
    assert [e.date for e in dated_expressions("Clinton called Sestak last summer.", dt.date(2010, 5, 28))] == ["2009"]
    assert [e.date for e in dated_expressions("The dispute ended in January, last month.", dt.date(2014, 1, 15))] == [
        "2014-01", "2013-12"]
    assert dated_expressions("The committee votes later this month, and again later this summer.", june_2014) == []
    assert dated_expressions("It snowed a lot last winter.", june_2014) == []  # a winter spans two years
    november_2014 = dt.date(2014, 11, 20)
    assert [e.date for e in dated_expressions("Last spring, the committee subpoenaed the documents.", november_2014)] == ["2014"]
    assert [e.date for e in dated_expressions("Last summer he ran; this summer he rests.", dt.date(2014, 8, 20))] == ["2013", "2014"]
    assert dated_expressions("She won four gold medals at the last Summer Olympics in Rio.", november_2014) == []
    assert dated_expressions("Economists said this fall in unemployment was seasonal.", november_2014) == []


def test_an_infinitive_expected_of_someone_is_dated_forward() -> None:
    # NYT, 18 January 2019: the testimony is the coming February's, not the last one's.
    entries, _ = timeline_of(
        {"nyt": "Senator Mark Warner told reporters on Friday that the panel expected Mr. Cohen to be back to testify "
                "privately in early February."},
        {"nyt": dt.date(2019, 1, 18)},
    )
    assert sorted(e.date for e in entries) == ["2019-01-18", "2019-02"]
    # What was expected may be past: the nearest reading, not the coming one (review cases).
    wednesday = dt.date(2019, 1, 23)
    for text, date in [
        ("Prosecutors expected Mr. Cohen to testify on Tuesday, but he did not appear.", "2019-01-22"),
        ("The panel had expected Mr. Cohen to testify on Tuesday.", "2019-01-22"),
        ("Democrats expected the president to sign the bill on Jan. 4.", "2019-01-04"),
        ("Trump wanted Comey to drop the investigation on Feb. 14, 2017, according to the memo.", "2017-02-14"),
    ]:
        entries, _ = timeline_of({"a": text}, {"a": wednesday})
        assert [e.date for e in entries] == [date], text


def test_a_weekday_another_source_reports_a_week_later_is_that_later_day() -> None:
    # BASIL's NYT is dated Thursday 27 May 2010 but reports "the White House said Friday",
    # which Fox, dated Friday, reports that day: that sentence is the 28th, not the 21st.
    # The rest of the NYT page keeps its stated date: an updated page was written then.
    texts = {
        "nyt": "The White House said Friday that President Obama's chief of staff used Bill Clinton as an "
               "intermediary to see if Representative Joe Sestak would drop out of the Senate primary. "
               "Mr. Obama on Thursday said nothing improper took place.",
        "fox": "The White House said Friday that it asked Bill Clinton to talk to Rep. Joe Sestak about "
               "dropping out of the Senate primary.",
    }
    published = {"nyt": dt.date(2010, 5, 27), "fox": dt.date(2010, 5, 28)}
    entries, _ = timeline_of(texts, published)
    dated = {(e.date, e.text.split()[1], e.sources) for e in entries}
    assert dated == {("2010-05-28", "White", ("fox", "nyt")), ("2010-05-27", "Obama", ("nyt",))}
    # A day the other source only reads ahead of its own date is no evidence.
    later = dict(texts, fox="The White House will say Friday that it asked Bill Clinton to talk to Rep. Joe Sestak.")
    entries, _ = timeline_of(later, {"nyt": dt.date(2010, 5, 27), "fox": dt.date(2010, 5, 25)})
    assert {e.date for e in entries if e.text.startswith("The White House said")} == {"2010-05-21"}


def test_two_weekly_reports_with_different_numbers_stay_a_week_apart() -> None:
    texts = {
        "a": "The Labor Department said Thursday that initial jobless claims rose to 232,000.",
        "b": "The Labor Department said Thursday that initial jobless claims rose to 261,000.",
    }
    entries, _ = timeline_of(texts, {"a": dt.date(2023, 6, 6), "b": dt.date(2023, 6, 8)})
    assert sorted((e.date, e.sources) for e in entries) == [("2023-06-01", ("a",)), ("2023-06-08", ("b",))]
