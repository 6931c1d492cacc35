"""Publication dates and the event date of a story."""

from __future__ import annotations

import datetime as dt

from newsweave.dates import assign_dates
from newsweave.model import Article

TEXT = "Officials met on Monday to discuss the budget and the new schools plan for the city."


def test_dateline_without_year_takes_the_year_of_the_other_sources() -> None:
    articles = [
        Article(id="a", text=TEXT, dateline=(6, 19)),
        Article(id="b", text=TEXT, published=dt.date(2023, 6, 19)),
        Article(id="c", text=TEXT),
    ]
    dated, event = assign_dates(articles)
    assert event == dt.date(2023, 6, 19)
    assert dated[0].published == dt.date(2023, 6, 19) and not dated[0].published_inferred
    assert dated[2].published == dt.date(2023, 6, 19) and dated[2].published_inferred


def test_dateline_near_new_year_picks_the_nearest_year() -> None:
    articles = [Article(id="a", text=TEXT, dateline=(12, 31)), Article(id="b", text=TEXT, published=dt.date(2024, 1, 1))]
    dated, _ = assign_dates(articles)
    assert dated[0].published == dt.date(2023, 12, 31)


def test_event_date_is_the_most_common_publication_date() -> None:
    days = [dt.date(2020, 5, 1), dt.date(2020, 5, 2), dt.date(2020, 5, 2)]
    _, event = assign_dates([Article(id=str(k), text=TEXT, published=d) for k, d in enumerate(days)])
    assert event == dt.date(2020, 5, 2)


def test_no_dates_anywhere_falls_back_to_dates_in_text_or_none() -> None:
    dated, event = assign_dates([Article(id="a", text=TEXT)])
    assert event is None and dated[0].published is None
    _, event = assign_dates([Article(id="a", text="The vote took place on March 3, 2021, in the capital.")])
    assert event == dt.date(2021, 3, 3)


def test_dateline_year_comes_from_the_years_named_not_from_the_future() -> None:
    text = "June 19 (UPI) -- The plan, first proposed in 2021, aims for net zero by 2050. Officials met in 2021 and 2021 again."
    from newsweave.clean import clean_article

    dated, event = assign_dates([clean_article(Article(id="a", text=text))])
    assert dated[0].published == dt.date(2021, 6, 19)
