"""Reader for saved web pages (``.html``/``.htm``), through trafilatura.

Settings favour precision (a missed paragraph costs less than boilerplate in
a brief), comments off, metadata on.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from newsweave.clean import plausible_date
from newsweave.errors import InputError
from newsweave.ingest.common import decode_bytes, input_name
from newsweave.model import Article

# Publication-date markup, most explicit first. trafilatura (htmldate) trusts a
# date in the URL over these, but a URL often carries the print edition's day.
_PUBLISHED_META = [
    re.compile(r"""<meta[^>]+(?:property|name|itemprop)=["'](?:article:published_time|og:published_time|datePublished|pubdate|publishdate|date|dc\.date\.issued|DC\.date\.issued|sailthru\.date|parsely-pub-date)["'][^>]*content=["']([^"']+)["']""", re.I),
    re.compile(r"""<meta[^>]+content=["']([^"']+)["'][^>]*(?:property|name|itemprop)=["'](?:article:published_time|og:published_time|datePublished|pubdate|publishdate)["']""", re.I),
    re.compile(r'"datePublished"\s*:\s*"([^"]+)"', re.I),
]


def published_from_markup(html: str) -> dt.date | None:
    """The date a page declares in its publication metadata, if any."""
    head = html[:300000]
    for pattern in _PUBLISHED_META:
        match = pattern.search(head)
        if match:
            day = plausible_date(match.group(1).strip())
            if day is not None:
                return day
    return None


def extract_html(html: str, name: str, url: str | None = None) -> dict[str, object]:
    """Main text and metadata of a page: text, title, url, outlet, published."""
    import trafilatura  # imported here: costly, and only HTML input needs it

    if not re.search(r"<\s*(html|body|p|div|article)\b", html[:200000], flags=re.I):
        raise InputError(f"{name}: not an HTML page (no html, body, p or div element)", name)
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            with_metadata=True,
        )
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        raise InputError(f"{name}: could not parse the HTML ({type(exc).__name__}: {exc})", name) from exc
    if doc is None or not (doc.text or "").strip():
        raise InputError(f"{name}: no article text found in the page", name)
    text = doc.text
    title = (doc.title or "").strip() or None
    # trafilatura repeats the headline as the first line; the title field has it already.
    if title and text.startswith(title + "\n"):
        text = text[len(title) + 1 :]
    published = published_from_markup(html)
    if published is None and doc.date:
        published = plausible_date(doc.date)
    return {
        "text": text,
        "title": title,
        "url": doc.url or url,
        "outlet": doc.sitename or doc.hostname,
        "published": published,
        "language": doc.language,
    }


def read_html_file(path: Path, data: bytes | None = None) -> list[Article]:
    name = input_name(path)
    html = decode_bytes(path.read_bytes() if data is None else data, name)
    meta = extract_html(html, name)
    return [
        Article(
            id=input_name(path.stem),
            text=str(meta["text"]),
            title=meta["title"],  # type: ignore[arg-type]
            url=meta["url"],  # type: ignore[arg-type]
            outlet=meta["outlet"],  # type: ignore[arg-type]
            published=meta["published"],  # type: ignore[arg-type]
            origin=name,
        )
    ]
