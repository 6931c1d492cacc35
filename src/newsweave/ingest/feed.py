"""Reader for RSS and Atom feeds (``.xml``, ``.rss``, ``.atom``), through feedparser.

One article per entry: the entry's full content when the feed carries it,
else its summary; HTML in either is reduced to paragraphs of text. Entries
without text are rejected by name (``path#3``), never dropped silently.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

from newsweave.clean import plausible_date
from newsweave.errors import InputError
from newsweave.ingest.common import IngestResult, Rejected, article_id, check_text_like, input_name
from newsweave.model import Article

__all__ = ["html_to_text", "read_feed_file"]

_BLOCK_END = re.compile(r"(?i)</(p|div|h[1-6]|li|blockquote|section|article)\s*>|<br\s*/?>")
_TAG = re.compile(r"(?s)<[^>]+>")
_DROP = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>")


def html_to_text(fragment: str) -> str:
    """Paragraph text of an HTML fragment (a feed's content): blocks become paragraphs."""
    text = _DROP.sub(" ", fragment)
    text = _BLOCK_END.sub("\n\n", text)
    text = html.unescape(_TAG.sub(" ", text))
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def _entry_text(entry: Any) -> str:
    for content in entry.get("content") or ():
        value = content.get("value") or ""
        if value.strip():
            return html_to_text(value)
    return html_to_text(entry.get("summary") or entry.get("description") or "")


def _entry_date(entry: Any) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            # "0000-00-00" or year 1 shifted out of range by its zone cannot be
            # a date at all, and year 100 cannot date a news article.
            day = plausible_date(f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}")
            if day is not None:
                return day
    return None


def read_feed_file(path: Path, data: bytes | None = None) -> IngestResult:
    """Articles of every entry of an RSS or Atom feed; entries without text are rejected.

    Raises InputError when the file is not a feed at all.
    """
    import feedparser  # imported here: only feeds need it

    name = input_name(path)
    raw = path.read_bytes() if data is None else data
    parsed = feedparser.parse(raw)
    if not parsed.entries:
        why = f" ({parsed.bozo_exception})" if parsed.get("bozo") else ""
        raise InputError(f"{name}: not an RSS or Atom feed with entries{why}", name)
    outlet = (parsed.feed.get("title") or "").strip() or None
    result = IngestResult()
    for number, entry in enumerate(parsed.entries, start=1):
        where = f"{name}#{number}"
        text = _entry_text(entry)
        if not text.strip():
            result.rejected.append(Rejected(where, "feed entry has no text (no content or summary)"))
            continue
        try:
            check_text_like(text, where)
        except InputError as exc:
            result.rejected.append(Rejected(where, str(exc)[len(where) + 2 :]))
            continue
        link = (entry.get("link") or "").strip() or None
        title = html_to_text(entry.get("title") or "") or None
        result.articles.append(
            Article(
                id=article_id(url=link, text=text),
                text=text,
                title=title,
                url=link,
                outlet=outlet,
                published=_entry_date(entry),
                origin=where,
            )
        )
    return result
