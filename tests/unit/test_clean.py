"""The cleaner: each kind of boilerplate, metadata in the text, offsets."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from newsweave.clean import clean_article, clean_text, detect_title
from newsweave.model import Article

PARA = "The talks lasted nearly six hours, officials said on Sunday."


def test_signup_blurb_and_template_residue_go_to_removed() -> None:
    raw = (
        " date 2023-06-19 For free real time breaking news alerts sent straight to your inbox sign up to our "
        "breaking news emails Please enter a valid email address SIGN UP Read our privacy notice\n\n"
        "Breaking News email {{ #verifyErrors }} {{ message }} {{ /verifyErrors }}\n\n" + PARA
    )
    result = clean_text(raw)
    assert result.text == PARA
    assert result.published == dt.date(2023, 6, 19)
    assert any("valid email address" in r for r in result.removed)
    assert any("{{ #verifyErrors }}" in r for r in result.removed)


def test_dateline_becomes_metadata() -> None:
    result = clean_text("June 19 (UPI) -- U.S. Secretary of State Antony Blinken met Xi Jinping on Monday.")
    assert result.text.startswith("U.S. Secretary of State")
    assert result.dateline == (6, 19, None)
    assert result.agency == "UPI"
    assert "June 19 (UPI) --" in result.removed


def test_dateline_with_year_sets_published() -> None:
    article = clean_article(Article(id="a", text="WASHINGTON, March 3, 2021 (Reuters) - " + PARA))
    assert article.published == dt.date(2021, 3, 3)
    assert article.text == PARA


def test_glued_advertisement_is_stripped_not_the_paragraph() -> None:
    result = clean_text('Xi hailed the summit, which he said was "very good." Advertisement')
    assert result.text == 'Xi hailed the summit, which he said was "very good."'
    assert result.removed == ("Advertisement",)


def test_captions_with_credits_are_removed_whole() -> None:
    raw = (
        "US Secretary of State Antony Blinken meets Chinese President Xi Jinping in Beijing (Pool via AP)\n\n"
        + PARA
        + "\n\nBlinken's meeting with Xi capped two days of talks. Leah Millis / AFP \u2013 Getty Images\n\n"
        "Leaders met in Beijing on Monday. Photo courtesy Chinese Foreign Ministry/Twitter"
    )
    result = clean_text(raw)
    assert result.text == PARA
    assert len(result.removed) == 3


def test_credit_glued_to_a_long_paragraph_strips_only_the_credit() -> None:
    body = " ".join([PARA] * 4) + ' "We will meet again," he said.'
    result = clean_text(body + " (AP Photo/Andy Wong)")
    assert result.text == body
    assert result.removed == ("(AP Photo/Andy Wong)",)


def test_contributor_and_prompt_lines() -> None:
    raw = PARA + "\n\nEvelyn Cheng, CNBC, murphy zhao and abigail williams contributed.\n\nRead more: Why talks failed\n\nReporting by Jane Doe; Editing by John Roe"
    result = clean_text(raw)
    assert result.text == PARA
    assert len(result.removed) == 3


def test_a_line_pointing_at_a_full_text_elsewhere_is_cut() -> None:
    # HuffPost, 29 Nov 2014: the post itself follows, the pointer to Gawker's copy is residue.
    raw = PARA + "\n\nRead the full rant via Gawker:\n\n" + PARA
    result = clean_text(raw)
    assert result.removed == ("Read the full rant via Gawker:",)
    assert clean_text(PARA + "\n\nRead the full report to see why.").text.endswith("Read the full report to see why.")


def test_guillemets_become_curly_quotes_one_for_one() -> None:
    raw = "Talks were described as \u00abfrank\u00bb and \u00abconstructive.\u00bb"
    result = clean_text(raw)
    assert result.text == "Talks were described as \u201cfrank\u201d and \u201cconstructive.\u201d"
    assert len(result.text) == len(raw)


def test_offsets_map_back_to_raw() -> None:
    raw = "Headline here\n\n\u200bJune 19 (UPI) -- Some  text\u00a0with a zero\u200bwidth space.\n\nSecond paragraph."
    result = clean_text(raw)
    for clean_start, raw_start, length in result.pieces:
        piece = result.text[clean_start : clean_start + length]
        assert piece.replace(" ", "") == raw[raw_start : raw_start + length].replace("\u00a0", "").replace(" ", "")
    k = result.text.index("Second")
    assert raw[result.raw_offset(k) :].startswith("Second")


def test_detect_title_only_for_headline_like_first_lines() -> None:
    title, rest = detect_title("Blinken Meets with China's Xi Jinping in Beijing\n\n" + PARA)
    assert title == "Blinken Meets with China's Xi Jinping in Beijing" and rest == PARA
    assert detect_title(PARA + "\n\n" + PARA) == (None, PARA + "\n\n" + PARA)


def test_quotes_and_real_text_survive() -> None:
    raw = '"I hope that, through this visit, you will make more positive contributions," he said.\n\n' + PARA
    assert clean_text(raw).text == raw


def test_link_residue_is_cut_but_the_sentence_stays() -> None:
    raw = (
        "At that March 2 event, which can be found here on You Tube, Blumenthal spoke to veterans.\n\n"
        "UPDATE: Blumenthal defended himself at a press conference on Tuesday. Details here."
    )
    result = clean_text(raw)
    assert result.text == (
        "At that March 2 event, Blumenthal spoke to veterans.\n\n"
        "UPDATE: Blumenthal defended himself at a press conference on Tuesday."
    )
    assert result.removed == ("which can be found here on You Tube,", "Details here.")
    assert clean_text(result.text).text == result.text


def test_impossible_or_implausible_dates_are_ignored_not_raised() -> None:
    assert clean_text("Published: 2023-06-31 The talks lasted nearly six hours.").published is None
    assert clean_text(" date 9999-12-31 The talks lasted nearly six hours.").published is None
    assert clean_text("June 19, 3023 (UPI) -- The talks lasted six hours.").dateline == (6, 19, None)


def test_every_signup_marker_key_passes_the_coarse_check() -> None:
    # The coarse keys gate the per-marker keys, which gate the regexes: a gap would hide a blurb.
    from newsweave.clean import _SIGNUP_COARSE_KEYS, _SIGNUP_MARKERS

    for marker, keys in _SIGNUP_MARKERS:
        for key in keys:
            assert any(coarse in key for coarse in _SIGNUP_COARSE_KEYS), key
            assert marker.pattern  # every marker has keys


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Sign", "up", "sign-up", "signing", "newsletter", "e-mail", "Email", "emails", "valid", "subscribe",
             "unsubscribe", "for", "our", "inbox", "cookies", "from", "terms", "of", "use", "İ", "ſign", ".", ","]
        ),
        max_size=14,
    ).map(" ".join)
)
def test_signup_score_matches_running_every_marker(line: str) -> None:
    from newsweave.clean import _SIGNUP_MARKERS, _signup_score

    assert _signup_score(line) == sum(1 for marker, _ in _SIGNUP_MARKERS if marker.search(line))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Details", "here", "HERE", "here.", "here..", "here !", ":", "more", "Watch the video", "which can be found",
             "that may be seen", "be read", "here on YouTube,", "(AP Photo/Evan Vucci)", "(File)", "Photo courtesy of",
             "Photograph:", "Leah Millis", "/", "/ AFP", "Getty Images", "AFP via", "Pool", "John.", "Smith", ".", ")",
             "\u00a0", "\t", "İ", "story", "article", "Reporting by", "contributed.", "sign up", "Email", "{{ x }}"]
        ),
        max_size=12,
    ).map(" ".join)
)
def test_speed_only_pre_checks_admit_every_line_their_regex_matches(line: str) -> None:
    from newsweave import clean

    if clean._LINK_PROMPT.search(line):
        assert clean._may_link_prompt(line)
    if clean._CREDIT.search(line):
        assert clean._may_credit(line)
    if clean._INLINE_LINK_RESIDUE.search(line):
        assert clean._INLINE_LINK_KEY.search(line)
    text = f"First line.\n{line}\nLast line."
    for keys in (clean._SIGNUP_COARSE_KEYS, clean._CONTRIBUTOR_KEYS):
        (present,) = clean._keys_in(text, keys)
        assert clean._lacks_all(line, keys) == clean._lacks_all(line, present)
    assert clean._needs_normalising(text) == (clean._NORMALISED.search(text) is not None)


def test_half_a_surrogate_pair_becomes_a_replacement_character_one_for_one() -> None:
    # An API caller's string (or a JSON escape) can hold one; it cannot be
    # encoded, so hashing or storing the article used to fail.
    from newsweave.clean import clean_article
    from newsweave.model import Article
    from newsweave.store import content_hash

    raw = Article(id="a", title="Storm \udc00 warning", text="A storm \ud800 hit Tarnova on Monday and closed the roads.")
    cleaned = clean_article(raw)
    assert cleaned.text == "A storm \ufffd hit Tarnova on Monday and closed the roads."
    assert cleaned.title == "Storm \ufffd warning"
    assert content_hash(cleaned)
