"""Feed (RSS, Atom) and WARC readers, on small files the tests write themselves."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from newsweave.errors import InputError
from newsweave.ingest import read_inputs
from newsweave.ingest.feed import html_to_text, read_feed_file
from newsweave.ingest.warc import read_warc_file

BODY = (
    "Indian naval commandos captured 23 pirates in the Gulf of Aden on Saturday after they tried to board "
    "an Ethiopian-flagged merchant ship, a navy spokesman said. The destroyer INS Mysore answered a distress call."
)

RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Harbour Times</title><link>https://harbour.example/</link>
<item><title>Navy captures 23 pirates</title><link>https://harbour.example/pirates?utm_source=rss</link>
<pubDate>Sat, 13 Dec 2008 10:00:00 GMT</pubDate>
<content:encoded><![CDATA[<p>{BODY}</p><p>No sailors were hurt &amp; the ship sailed on.</p>]]></content:encoded></item>
<item><title>Photo of the day</title><link>https://harbour.example/photo</link></item>
<item><title>Short item</title><link>https://harbour.example/short</link><description>Port reopens after storm.</description></item>
</channel></rss>"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:wire</id><updated>2008-12-13T00:00:00Z</updated>
<entry><title>Pirates held</title><id>urn:1</id><link href="https://wire.example/1"/>
<updated>2008-12-14T08:00:00Z</updated><summary type="html">&lt;p&gt;{BODY}&lt;/p&gt;</summary></entry>
</feed>"""


def test_rss_entries_become_articles_and_empty_ones_are_named(tmp_path: Path) -> None:
    path = tmp_path / "harbour.rss"
    path.write_text(RSS, encoding="utf-8")
    result = read_feed_file(path)
    first, short = result.articles
    assert first.title == "Navy captures 23 pirates"
    assert first.text == BODY + "\n\nNo sailors were hurt & the ship sailed on."
    assert (first.outlet, first.published) == ("Harbour Times", dt.date(2008, 12, 13))
    assert first.url == "https://harbour.example/pirates?utm_source=rss"
    assert short.text == "Port reopens after storm."
    (rejected,) = result.rejected
    assert rejected.input == f"{path}#2" and "no text" in rejected.reason


def test_atom_summary_is_read(tmp_path: Path) -> None:
    path = tmp_path / "wire.atom"
    path.write_text(ATOM, encoding="utf-8")
    (article,) = read_feed_file(path).articles
    assert article.text == BODY and article.published == dt.date(2008, 12, 14)


def test_feed_ids_are_stable_and_tracking_free(tmp_path: Path) -> None:
    path = tmp_path / "harbour.xml"
    path.write_text(RSS, encoding="utf-8")
    again = tmp_path / "again.xml"
    again.write_text(RSS.replace("utm_source=rss", "utm_source=mail"), encoding="utf-8")
    assert read_feed_file(path).articles[0].id == read_feed_file(again).articles[0].id


def test_not_a_feed_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.xml"
    path.write_text("<notes><note>buy milk</note></notes>")
    with pytest.raises(InputError, match="notes.xml"):
        read_feed_file(path)
    assert "notes.xml" in read_inputs([str(path)]).rejected[0].input


def test_html_to_text_keeps_paragraphs() -> None:
    assert html_to_text("<div><p>One &amp; two.</p><script>x()</script><p>Three<br>four</p></div>") == "One & two.\n\nThree\n\nfour"


def _write_warc(path: Path, records: list[tuple[str, str, bytes]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=path.name.endswith(".gz"))
        for url, content_type, body in records:
            status = "404 Not Found" if "missing" in url else "200 OK"
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            writer.write_record(record)


PAGE = f"""<html><head><title>Navy captures 23 pirates - Harbour Times</title>
<meta property="og:title" content="Navy captures 23 pirates">
<meta property="article:published_time" content="2008-12-13"></head>
<body><nav>Home | World | Sport</nav><article><h1>Navy captures 23 pirates</h1>
<p>{BODY}</p><p>The pirates were handed to the coast guard in Mumbai, officials said on Sunday evening.</p>
</article><footer>Copyright Harbour Times</footer></body></html>""".encode()


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses_become_articles(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    _write_warc(
        path,
        [
            ("https://harbour.example/pirates", "text/html; charset=utf-8", PAGE),
            ("https://harbour.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n"),
            ("https://harbour.example/missing", "text/html", b"<html><body><p>Not found</p></body></html>"),
        ],
    )
    result = read_warc_file(path)
    (article,) = result.articles
    assert BODY in article.text and "Copyright" not in article.text
    assert article.url == "https://harbour.example/pirates"
    assert article.published == dt.date(2008, 12, 13)
    reasons = " ".join(r.reason for r in result.rejected)
    assert "404" in reasons and "1 responses were not HTML" in reasons
    # Through the dispatcher too.
    assert len(read_inputs([str(path)]).articles) == 1


def test_not_a_warc_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_bytes(b"this is not an archive\n" * 10)
    with pytest.raises(InputError, match="fake.warc"):
        read_warc_file(path)


@pytest.mark.parametrize("date", ["0000-00-00", "Mon, 01 Jan 0001 00:00:00 +0100"])
def test_an_impossible_entry_date_leaves_the_entry_undated_and_the_feed_read(tmp_path: Path, date: str) -> None:
    # Each used to end the whole feed with "year -1 is out of range" or an OverflowError.
    path = tmp_path / "harbour.rss"
    path.write_text(RSS.replace("Sat, 13 Dec 2008 10:00:00 GMT", date), encoding="utf-8")
    result = read_feed_file(path)
    first, short = result.articles
    assert first.text.startswith(BODY[:40]) and first.published is None
