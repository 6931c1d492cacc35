"""Reader for article objects: ``.json`` (one object), ``.jsonl`` and ``-`` (one a line).

An object has ``text`` (or ``html``) and optionally ``id``, ``title``,
``url``, ``published``, ``outlet``, ``language``; news-please's names
(``maintext``, ``date_publish``, ``source_domain``) are accepted too.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from newsweave.clean import plausible_date, without_lone_surrogates
from newsweave.errors import InputError
from newsweave.ingest.common import (
    IngestResult,
    Rejected,
    article_id,
    check_text_like,
    decode_bytes,
    input_name,
)
from newsweave.model import Article

_ALIASES = {
    "text": ("text", "maintext", "body", "content"),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "published": ("published", "date_publish", "date", "published_at", "pubdate"),
    "outlet": ("outlet", "source_domain", "source", "sitename"),
    "language": ("language", "lang"),
}


def _first(record: Mapping[str, object], field: str) -> object:
    for key in _ALIASES[field]:
        value = record.get(key)
        if value not in (None, ""):
            return value
    return None


def parse_published(value: object) -> dt.date | None:
    """An ISO date or date-time (``2023-06-19``, ``2023-06-19 08:00:00``, ``...Z``) as a date;
    None when absent, malformed, or implausible for a news article (year 9999)."""
    if value is None:
        return None
    text = str(value).strip()
    return plausible_date(text) if text else None


def _record_without_lone_surrogates(value: object) -> object:
    # A JSON escape can name half of a surrogate pair (a lone \ud800): such a
    # string cannot be encoded (hashed, stored, printed).
    if isinstance(value, str):
        return without_lone_surrogates(value)
    if isinstance(value, Mapping):
        return {key: _record_without_lone_surrogates(item) for key, item in value.items()}
    return value


def article_from_record(record: object, name: str, default_id: str | None = None) -> Article:
    """Build an article from a decoded JSON object (or a bare string document)."""
    try:
        record = _record_without_lone_surrogates(record)
    except RecursionError as exc:  # nested just within what the decoder takes
        raise InputError(f"{name}: not an article: JSON nested too deeply to read", name) from exc
    if isinstance(record, str):
        check_text_like(record, name)
        return Article(id=default_id or article_id(text=record), text=record, origin=name)
    if not isinstance(record, Mapping):
        raise InputError(f"{name}: expected a JSON object with 'text', got {type(record).__name__}", name)
    text = _first(record, "text")
    title = _first(record, "title")
    url = _first(record, "url")
    published = parse_published(_first(record, "published"))
    outlet = _first(record, "outlet")
    if text is None and record.get("html"):
        from newsweave.ingest.html import extract_html

        meta = extract_html(str(record["html"]), name, url=str(url) if url else None)
        text = meta["text"]
        title = title or meta["title"]
        published = published or meta["published"]  # type: ignore[assignment]
        outlet = outlet or meta["outlet"]
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{name}: the article object has no 'text' (or 'html', 'maintext')", name)
    check_text_like(text, name)
    rid = record.get("id") or record.get("doc_id")
    ident = str(rid) if rid not in (None, "") else (default_id or article_id(url=str(url) if url else None, text=text))
    return Article(
        id=ident,
        text=text,
        title=str(title).strip() if title else None,
        url=str(url) if url else None,
        outlet=str(outlet) if outlet else None,
        published=published,
        language=str(_first(record, "language")) if _first(record, "language") else None,
        origin=name,
    )


def parse_json(text: str, where: str, *, one_line: bool = True) -> object:
    """Decode JSON, or raise InputError naming ``where`` and what is wrong.

    Besides malformed JSON, the decoder refuses input it could decode only at
    a cost: nesting deeper than Python's recursion limit, and integers of more
    than 4,300 digits. Neither is an article; each is refused like bad JSON.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        place = f"column {exc.colno}" if one_line else f"line {exc.lineno}"
        raise InputError(f"{where}: not valid JSON ({exc.msg.removesuffix(' at')} at {place})", where) from exc
    except RecursionError as exc:
        raise InputError(f"{where}: not an article: JSON nested too deeply to read", where) from exc
    except ValueError as exc:  # int(): "Exceeds the limit (4300 digits) for integer string conversion"
        raise InputError(f"{where}: not an article: JSON holds a number too long to read", where) from exc


def json_lines(lines: Iterable[str], name: str) -> Iterator[tuple[str, object]]:
    """``(where, decoded object)`` for each non-blank line; a line that is not
    JSON yields a :class:`Rejected` in place of the object."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            where = f"{name}:{number}"
            yield where, json_record(line, where)


def json_record(line: str, where: str) -> object:
    """One line of a JSON-lines file decoded, or a :class:`Rejected` naming ``where`` when it is not JSON."""
    try:
        return parse_json(line, where)
    except InputError as exc:
        return Rejected(where, exc.reason)


def read_jsonl_lines(lines: Iterable[str], name: str) -> IngestResult:
    """One article object a line; a bad line is rejected with its line number."""
    result = IngestResult()
    for where, record in json_lines(lines, name):
        if isinstance(record, Rejected):
            result.rejected.append(record)
            continue
        try:
            result.articles.append(article_from_record(record, where))
        except InputError as exc:
            result.rejected.append(Rejected(where, exc.reason))
    return result



def read_json_file(path: Path, data: bytes | None = None) -> list[Article]:
    name = input_name(path)
    text = decode_bytes(path.read_bytes() if data is None else data, name)
    record = parse_json(text, name, one_line=False)
    default_id = input_name(path.stem)
    if isinstance(record, Mapping) and not record.get("id"):
        return [article_from_record(record, name, default_id=default_id)]
    return [article_from_record(record, name)]


def read_jsonl_file(path: Path) -> IngestResult:
    """One article a line, read line by line as ``newsweave ingest`` reads them.

    A bad line (not JSON, binary, over the size limit) is named and skipped;
    the file's other lines are read, whatever the file's size.
    """
    from newsweave.ingest.units import FileUnit, json_lines_of_file, read_unit  # units builds on this module

    result = IngestResult()
    for unit in json_lines_of_file(path):
        if isinstance(unit, FileUnit):  # UTF-16: lines can only be found in the decoded text
            name = input_name(path)
            text = decode_bytes(path.read_bytes(), name)
            # Lines end at "\n" only: str.splitlines() also breaks at U+2028, U+0085 and
            # \x1c-\x1e, which JSON strings may hold unescaped (news text does).
            result.extend(read_jsonl_lines(text.split("\n"), name))
        else:
            result.extend(read_unit(unit))
    return result
