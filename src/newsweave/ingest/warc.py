"""Reader for web archives (``.warc``, ``.warc.gz``), through warcio.

Every HTTP response record holding an HTML page becomes an article, its main
text extracted like a saved page (:func:`newsweave.ingest.html.extract_html`).
Pages that fail are rejected by name (``path@URL``); responses that are not
HTML (images, scripts) are not articles and are counted in one rejection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from newsweave.errors import InputError
from newsweave.ingest.common import IngestResult, Rejected, article_id, decode_bytes, input_name
from newsweave.ingest.html import extract_html
from newsweave.model import Article

__all__ = ["WarcPage", "page_article", "read_warc_file", "warc_pages"]


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def _decode(payload: bytes, content_type: str, where: str) -> str:
    charset = _charset(content_type)
    if charset:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declared charset is common; fall back to sniffing
    return decode_bytes(payload, where)


@dataclass(frozen=True, slots=True)
class WarcPage:
    """One HTML response of an archive, not yet extracted (small enough to send to a worker)."""

    where: str  # path@URL, for messages
    url: str | None
    content_type: str
    payload: bytes
    warc_date: str | None


def read_warc_file(path: Path) -> IngestResult:
    """Articles of the HTML responses in a WARC file; the rest rejected with reasons.

    Raises InputError when the file is not a readable WARC archive.
    """
    result = IngestResult()
    for page in warc_pages(path):
        if isinstance(page, Rejected):
            result.rejected.append(page)
            continue
        try:
            result.articles.append(page_article(page))
        except InputError as exc:
            result.rejected.append(Rejected(page.where, exc.reason))
    return result


def warc_pages(path: Path) -> Iterator["WarcPage | Rejected"]:
    """The HTML responses of a WARC file one at a time, and rejections for the rest.

    Nothing but the current record is held in memory, so an archive of any
    size streams. Raises InputError when the file is not a WARC archive, or
    is one without HTTP responses (possibly after yielding what came before
    a broken record).
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    name = input_name(path)
    not_html = 0
    yielded = False
    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                where = f"{name}@{url}"
                content_type = record.http_headers.get_header("Content-Type") or ""
                if "html" not in content_type.lower():
                    not_html += 1
                    continue
                yielded = True
                status = record.http_headers.get_statuscode()
                if status and not status.startswith("2"):
                    yield Rejected(where, f"HTTP status {status}, not a page")
                    continue
                payload = record.content_stream().read()
                missing = getattr(record.raw_stream, "limit", 0)  # what the record's Content-Length promised, unread
                if missing:
                    yield Rejected(where, f"the record is cut short ({missing:,} of its {record.length:,} bytes missing)")
                    continue
                yield WarcPage(where, url, content_type, payload, record.rec_headers.get_header("WARC-Date"))
    except ArchiveLoadFailed as exc:
        raise InputError(f"{name}: not a WARC archive ({exc})", name) from exc
    except OSError:
        raise  # the file could not be read: the caller names it
    except Exception as exc:  # warcio raises assorted errors on a broken record (a file cut short in its headers)
        raise InputError(f"{name}: broken WARC record ({type(exc).__name__}: {exc})", name) from exc
    if not_html:
        yield Rejected(name, f"{not_html} responses were not HTML pages (images, scripts, ...)")
    elif not yielded:
        raise InputError(f"{name}: the archive holds no HTTP responses", name)


def page_article(page: WarcPage) -> Article:
    """The article of an archived page (its main text through trafilatura); InputError when it has none."""
    meta = extract_html(_decode(page.payload, page.content_type, page.where), page.where, url=page.url)
    return _article(meta, page.url, page.warc_date, page.where)


def _article(meta: dict[str, object], url: str | None, warc_date: str | None, where: str) -> Article:
    published = meta.get("published")
    if published is None and warc_date:
        # The crawl date is not the publication date; only a last resort, and marked inferred.
        try:
            crawl = dt.date.fromisoformat(warc_date[:10])
        except ValueError:
            crawl = None
        return _build(meta, url, crawl, True, where)
    return _build(meta, url, published, False, where)  # type: ignore[arg-type]


def _build(meta: dict[str, object], url: str | None, published: dt.date | None, inferred: bool, where: str) -> Article:
    text = str(meta["text"])
    page_url = str(meta.get("url") or url or "") or None
    return Article(
        id=article_id(url=page_url or url, text=text),
        text=text,
        title=meta.get("title"),  # type: ignore[arg-type]
        url=page_url,
        outlet=meta.get("outlet"),  # type: ignore[arg-type]
        published=published if published is not None else None,
        published_inferred=inferred and published is not None,
        origin=where,
    )
