"""Properties of cleaning and decoding: never raise, idempotent, offsets map."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsweave.clean import clean_text
from newsweave.errors import InputError
from newsweave.ingest import decode_bytes

LINES = st.sampled_from(
    [
        "The talks lasted nearly six hours.",
        "Advertisement",
        "Sign up to our free breaking news emails",
        "Please enter a valid email address",
        "{{ #verifyErrors }} {{ message }}",
        "June 19 (UPI) -- Officials met.",
        " date 2023-06-19 For free alerts sign up",
        "Mr Xi met Mr Blinken (Pool via AP)",
        "Leah Millis / AFP \u2013 Getty Images",
        "\u00abFrank\u00bb talks, he said.",
        "Jane Doe contributed.",
        " date 2023-06-31 Published: 2023-02-30",
        "Published: 0001-01-01 The talks ended.",
        "February 30, 9999 (AP) -- Officials met.",
        "",
        "   ",
        "\u200b",
    ]
)
TEXTS = st.one_of(st.text(max_size=400), st.lists(st.one_of(LINES, st.text(max_size=60)), max_size=12).map("\n".join))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_clean_never_raises_and_is_idempotent(raw: str) -> None:
    once = clean_text(raw)
    twice = clean_text(once.text)
    assert twice.text == once.text


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_pieces_map_cleaned_text_back_to_raw(raw: str) -> None:
    result = clean_text(raw)
    covered = 0
    for clean_start, raw_start, length in result.pieces:
        assert clean_start >= covered
        assert len(result.text[clean_start : clean_start + length]) == length
        assert raw_start + length <= len(raw)
        covered = clean_start + length


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_bad_bytes_never_crash_decoding(data: bytes) -> None:
    try:
        text = decode_bytes(data, "fuzz.bin")
    except InputError as exc:
        assert "fuzz.bin" in str(exc)
    else:
        assert isinstance(text, str) and text.strip()
