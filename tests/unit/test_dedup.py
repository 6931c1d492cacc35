"""Near-duplicate grouping: wire copies group, different reports do not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsweave.dedup import (
    DedupConfig,
    NearDuplicateIndex,
    from_bytes,
    shingles,
    signature,
    to_bytes,
)

WIRE = (
    "BEIJING (AP) — U.S. Secretary of State Antony Blinken met Chinese President Xi Jinping on Monday, "
    "the last of a series of meetings meant to cool tensions between the two countries. The two sides agreed "
    "to stabilise their deteriorating relations, but showed no sign of progress on the disputes that divide them. "
    "Blinken said the talks had been candid and constructive, and that more high-level visits would follow."
)
REPRINT = WIRE.replace("BEIJING (AP) — ", "") + " Staff writers contributed to this report."
OWN = (
    "Antony Blinken's trip to Beijing ended with a handshake with Xi Jinping in the Great Hall of the People, "
    "where the Chinese leader said both sides had made progress, a claim American officials treated cautiously."
)


def test_shingles_are_word_five_grams() -> None:
    assert shingles("One two three four five six") == {b"one two three four five", b"two three four five six"}
    assert shingles("Too short") == {b"too short"}
    assert shingles("") == set()


def test_a_reprint_joins_the_wire_story_group_and_an_own_report_does_not() -> None:
    index = NearDuplicateIndex()
    assert index.add("ap", WIRE).group_id == "ap"
    reprint = index.add("paper", REPRINT)
    assert reprint.group_id == "ap" and reprint.similarity >= 0.7
    assert index.add("own", OWN).group_id == "own"
    # A copy of the copy stays in the first article's group.
    assert index.add("paper2", REPRINT + " Updated.").group_id == "ap"


def test_signatures_are_deterministic_and_survive_bytes() -> None:
    first, second = signature(WIRE), signature(WIRE)
    assert list(first.hashvalues) == list(second.hashvalues)
    assert list(from_bytes(to_bytes(first)).hashvalues) == list(first.hashvalues)
    assert from_bytes(to_bytes(first)).jaccard(signature(REPRINT)) == first.jaccard(signature(REPRINT))


def test_capacity_bounds_memory() -> None:
    index = NearDuplicateIndex(DedupConfig(capacity=2))
    index.add("a", WIRE)
    index.add("b", OWN)
    index.add("c", "An unrelated report about rain in the mountains and a closed pass for the season.")
    assert len(index) == 2
    # "a" left the index, so its reprint starts a group of its own.
    assert index.add("d", REPRINT).group_id == "d"


def test_bad_settings_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="threshold"):
        DedupConfig(threshold=0)


def _reference_shingle_hashes(text: str, size: int = 5) -> list[int]:
    """The shingle hashes as first defined: CRC-32 per word, combined polynomially modulo 2^32, in Python."""
    import re
    import zlib

    words = re.findall(r"\w+", text.lower())
    if not words:
        return []
    if len(words) < size:
        return [zlib.crc32(" ".join(words).encode("utf-8"))]
    hashes = set()
    for start in range(len(words) - size + 1):
        value = 0
        for word in words[start : start + size]:
            value = (value * 1_000_003 + zlib.crc32(word.encode("utf-8"))) & 0xFFFFFFFF
        hashes.add(value)
    return sorted(hashes)


TRICKY = [
    "", "a", "One two three four five six", "Don’t stop — “quoted” text… here–there ― ‘x’ again and again",
    "Über café naïve ünd résumé, 12_3 a_b c2 ², x\ud800y z w v u t", "İstanbul K ſ x\u00a0y\u200bz 1,500 3.5km",
    "tab\tseparated\r\nlines\x0bvertical\x1cfile sep and more words", "___ --- ''' \x00 \x7f the end of it all",
]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab Z9_.,’“—é\u00a0\u200b\t\nİK")), max_size=120) | st.sampled_from(TRICKY))
def test_shingle_hashes_equal_the_plain_python_definition(text: str) -> None:
    from newsweave.dedup import _TOKEN, _utf8_words, shingle_hashes

    lowered = text.lower()
    assert _utf8_words(lowered) == [word.encode("utf-8") for word in _TOKEN.findall(lowered)]
    assert shingle_hashes(text) == _reference_shingle_hashes(text)
