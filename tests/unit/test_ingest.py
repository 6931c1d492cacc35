"""Ingest readers: one per format, clear rejections naming the input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from newsweave.errors import InputError
from newsweave.ingest import article_id, common, decode_bytes, read_inputs

BODY = (
    "The city council voted on Tuesday to approve the new budget after a long debate. "
    "The mayor said the plan would fund three new schools and repair roads across the city."
)


def test_text_file_id_is_file_stem(tmp_path: Path) -> None:
    (tmp_path / "abc_123.txt").write_text(BODY, encoding="utf-8")
    result = read_inputs([str(tmp_path / "abc_123.txt")])
    assert [a.id for a in result.articles] == ["abc_123"]
    assert result.articles[0].text == BODY
    assert result.rejected == []


def test_html_page_goes_through_trafilatura(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Council passes budget</title>"
        '<meta property="article:published_time" content="2021-03-04"></head><body>'
        "<nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav><article><h1>Council passes budget</h1>"
        + "".join(f"<p>{BODY} Paragraph {k} adds detail about the vote and its cost.</p>" for k in range(4))
        + "</article><footer>Copyright 2021 Example News. All rights reserved.</footer></body></html>"
    )
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    [article] = read_inputs([str(tmp_path)]).articles
    assert article.id == "page"
    assert article.title == "Council passes budget"
    assert str(article.published) == "2021-03-04"
    assert "three new schools" in article.text
    assert "All rights reserved" not in article.text
    assert "Sport" not in article.text


def test_json_and_jsonl_with_news_please_fields(tmp_path: Path) -> None:
    record = {"maintext": BODY, "date_publish": "2020-01-02 10:00:00", "source_domain": "example.com", "url": "https://example.com/a"}
    (tmp_path / "one.json").write_text(json.dumps(record), encoding="utf-8")
    lines = [json.dumps({"id": "x1", "text": BODY + " One.", "published": "2020-01-03"}), "{not json", json.dumps({"id": "x2"})]
    (tmp_path / "many.jsonl").write_text("\n".join(lines), encoding="utf-8")
    result = read_inputs([str(tmp_path / "one.json"), str(tmp_path / "many.jsonl")])
    by_id = {a.id: a for a in result.articles}
    assert by_id["one"].outlet == "example.com" and str(by_id["one"].published) == "2020-01-02"
    assert str(by_id["x1"].published) == "2020-01-03"
    reasons = {r.input: r.reason for r in result.rejected}
    assert "not valid JSON" in reasons[f"{tmp_path / 'many.jsonl'}:2"]
    assert "no 'text'" in reasons[f"{tmp_path / 'many.jsonl'}:3"]


def test_stdin_lines_and_hash_ids() -> None:
    stream = io.StringIO(json.dumps({"text": BODY, "url": "https://Example.com/a?utm_source=x#top"}) + "\n")
    [article] = read_inputs(["-"], stdin=stream).articles
    assert article.id == article_id(url="https://example.com/a")
    assert article.origin == "-:1"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"   \n\n ", "empty"),
        (b"\x00\x01\x02binary\x00junk" * 10, "binary"),
        (bytes(range(1, 32)) * 20, "binary"),
    ],
)
def test_bad_bytes_are_rejected_with_a_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    result = read_inputs([str(path)])
    assert result.articles == []
    [rejected] = result.rejected
    assert rejected.input == str(path) and reason in rejected.reason


def test_huge_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "MAX_INPUT_BYTES", 100)
    (tmp_path / "big.txt").write_text(BODY * 3, encoding="utf-8")
    [rejected] = read_inputs([str(tmp_path / "big.txt")]).rejected
    assert "limit" in rejected.reason


def test_windows_1252_is_decoded() -> None:
    assert decode_bytes("caf\u00e9 \u201cquoted\u201d".encode("cp1252"), "x.txt") == "caf\u00e9 \u201cquoted\u201d"


def test_utf16_with_bom() -> None:
    assert decode_bytes("\ufeffhello world".encode("utf-16"), "x.txt").strip("\ufeff") == "hello world"


def test_missing_unknown_and_duplicates(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4")
    result = read_inputs([str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), str(tmp_path / "c.pdf"), str(tmp_path / "nope.txt")])
    assert [a.id for a in result.articles] == ["a"]
    reasons = {Path(r.input).name: r.reason for r in result.rejected}
    assert "duplicate of a" in reasons["b.txt"]
    assert "unknown file type" in reasons["c.pdf"]
    assert "no such file" in reasons["nope.txt"]


def test_broken_html_is_named(tmp_path: Path) -> None:
    (tmp_path / "broken.html").write_text("<html><body><div><script>var x = 1;</script><p>", encoding="utf-8")
    result = read_inputs([str(tmp_path / "broken.html")])
    assert result.articles == []
    assert result.rejected[0].input.endswith("broken.html")


def test_decode_bytes_raises_input_error_naming_input() -> None:
    with pytest.raises(InputError, match="some/file.txt"):
        decode_bytes(b"\x00\x00\x00", "some/file.txt")


def test_accepted_plus_rejected_covers_inputs(tmp_path: Path) -> None:
    names = []
    for k, payload in enumerate([BODY.encode(), b"", b"\x00x", (BODY + " more").encode()]):
        path = tmp_path / f"f{k}.txt"
        path.write_bytes(payload)
        names.append(str(path))
    result = read_inputs(names)
    assert len(result.articles) + len(result.rejected) == len(names)


@pytest.mark.parametrize(
    "payload, reason",
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"text": "A storm hit the coast.", "count": ' + "9" * 5000 + "}", "number too long"),
    ],
)
def test_json_the_decoder_cannot_hold_is_named_and_the_rest_read(tmp_path: Path, payload: str, reason: str) -> None:
    # Both used to end the whole brief with an internal error (RecursionError, ValueError).
    (tmp_path / "bad.json").write_text(payload, encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text(payload + "\n" + json.dumps({"text": "A second storm hit the coast."}) + "\n")
    result = read_inputs([str(tmp_path / "bad.json"), str(tmp_path / "bad.jsonl")])
    assert [a.text for a in result.articles] == ["A second storm hit the coast."]
    assert sorted(r.input for r in result.rejected) == [str(tmp_path / "bad.json"), f"{tmp_path / 'bad.jsonl'}:1"]
    assert all(reason in r.reason for r in result.rejected)


def test_a_few_latin1_letters_without_any_utf8_are_read_as_windows_1252() -> None:
    # Two accented letters in a long page used to be kept as U+FFFD: too few to doubt UTF-8.
    text = "<p>" + "The mayor spoke at length about the budget. " * 100 + "José Martínez ran the café.</p>"
    assert "José Martínez ran the café." in decode_bytes(text.encode("cp1252"), "page.html")
    # Real UTF-8 beside one stray Latin-1 byte stays UTF-8.
    mixed = ("Zoë’s " * 40).encode("utf-8") + "café".encode("cp1252")
    assert decode_bytes(mixed, "page.html").startswith("Zoë’s Zoë’s")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_not_taken_for_binary(tmp_path: Path, encoding: str) -> None:
    text = "The minister said on Monday that talks with the union would resume next week, officials said."
    assert decode_bytes(text.encode(encoding), "x.txt") == text
    records = [json.dumps({"id": f"u{n}", "text": f"{text} Item {n}."}) for n in range(2)]
    (tmp_path / "lines.jsonl").write_bytes(("\n".join(records) + "\n").encode(encoding))
    assert [a.id for a in read_inputs([str(tmp_path / "lines.jsonl")]).articles] == ["u0", "u1"]


def test_review_cases_of_the_readers(tmp_path: Path) -> None:
    # JSON nested deep enough to decode but not to walk: named, not an internal error.
    nested = '{"a": ' * 900 + "1" + "}" * 900
    (tmp_path / "deep.jsonl").write_text('{"text": "A storm hit the coast.", "x": ' + nested + "}\n", encoding="utf-8")
    [rejected] = read_inputs([str(tmp_path / "deep.jsonl")]).rejected
    assert "nested too deeply" in rejected.reason
    # A byte Windows-1252 leaves undefined, in ASCII text: kept as U+FFFD, as before.
    text = b"The council met on Monday and voted to close the old bridge for repairs \x81 over the winter, officials said."
    assert decode_bytes(text, "x.txt") == text.decode("utf-8", "replace")
    # Line separators in a file name are escaped like newlines.
    assert common.input_name("a\u2028b\x85.txt") == "a\\u2028b\\x85.txt"


def test_an_opening_that_is_not_prose_does_not_make_an_english_article_foreign() -> None:
    ticker = "AAPL 190.2 +1.2 MSFT 410.1 -0.3 GOOG 140.5 +0.8 " * 60
    prose = "The minister said on Monday that the talks with the union would resume next week in the capital. " * 30
    assert len(ticker) > 2000 and common.guess_language(ticker + prose) == "en"
