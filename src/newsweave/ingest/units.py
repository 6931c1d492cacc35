"""Inputs as a stream of small units, each readable alone: ingest of any size in bounded memory.

:func:`~newsweave.ingest.dispatch.read_inputs` reads every input into one
list, in one process: right for the few reports of one story, wrong for a
crawl (a JSON-lines file of gigabytes, archives of thousands of pages).
:func:`iter_units` walks the same inputs and yields, in order, units that a
worker process can turn into articles on its own (:func:`read_unit`): a
whole file for the small formats, one line of a JSON-lines file or of
stdin, one page of a WARC archive. Only the current unit is in memory, and
the costly part (JSON decoding, trafilatura) runs where the unit is read.
Inputs that cannot be read at all come out as :class:`Rejected` in place.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Union

from newsweave.errors import InputError
from newsweave.ingest import common
from newsweave.ingest.common import IngestResult, Rejected, decode_bytes, input_name
from newsweave.ingest.dispatch import article_files, read_path, reader_for
from newsweave.ingest.records import article_from_record, parse_json
from newsweave.ingest.warc import WarcPage, page_article, warc_pages
from newsweave.model import Article

_SNIFF_BYTES = 65536  # a JSON-lines file is judged (empty, binary, encoding) on its head
_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class FileUnit:
    """A file read whole by its format's reader (text, HTML, JSON, feeds)."""

    path: str


@dataclass(frozen=True, slots=True)
class JsonLine:
    """One line of a JSON-lines input; ``data`` is None when the line was too long to read."""

    where: str  # name:line
    data: bytes | None
    size: int


Unit = Union[FileUnit, JsonLine, WarcPage, Rejected]


def iter_units(inputs: Iterable[str], *, recursive: bool = False, stdin: BinaryIO | None = None) -> Iterator[Unit]:
    """The units of every input in order: directories (their article files), files, ``-`` for stdin."""
    for item in inputs:
        if item == "-":
            yield from _json_lines_of_stream(stdin if stdin is not None else sys.stdin.buffer, "-")
            continue
        path = Path(item)
        if path.is_dir():
            readable = article_files(path, recursive)
            if not readable:
                yield Rejected(input_name(item), "directory holds no readable article files")
            for file in readable:
                yield from units_of_file(file)
        elif path.exists():
            yield from units_of_file(path)
        else:
            yield Rejected(input_name(item), "no such file or directory")


def input_bytes(inputs: Iterable[str], *, recursive: bool = False) -> int | None:
    """The size of everything :func:`iter_units` would read (None when stdin is among the inputs)."""
    total = 0
    for item in inputs:
        if item == "-":
            return None
        path = Path(item)
        files = article_files(path, recursive) if path.is_dir() else [path] if path.is_file() else []
        for file in files:
            try:
                total += file.stat().st_size
            except OSError:
                pass  # iter_units reports it
    return total


def units_of_file(path: Path) -> Iterator[Unit]:
    """A file's units: its lines (JSON lines), its pages (WARC), or the file itself."""
    if reader_for(path) is None:
        yield read_path(path).rejected[0]  # the reader's own message for an unknown type
        return
    name = path.name.lower()
    if name.endswith((".jsonl", ".ndjson")):
        yield from json_lines_of_file(path)
    elif name.endswith((".warc", ".warc.gz")):
        try:
            yield from warc_pages(path)
        except InputError as exc:
            yield Rejected(input_name(path), exc.reason)
        except OSError as exc:
            yield Rejected(input_name(path), f"cannot read: {exc.strerror or exc}")
    else:
        yield FileUnit(str(path))


def json_lines_of_file(path: Path) -> Iterator[Unit]:
    """A JSON-lines file's lines as units (a UTF-16 file as one unit), or the reason it is refused."""
    name = input_name(path)
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield Rejected(name, f"cannot read: {exc.strerror or exc}")
        return
    with stream:
        head = stream.read(_SNIFF_BYTES)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or common.looks_utf16(head):
            yield FileUnit(str(path))  # UTF-16 does not split at newline bytes: read whole (within the size limit)
            return
        refusal = _head_refusal(head, name)
        if refusal is not None:
            yield Rejected(name, refusal)
            return
        stream.seek(len(_UTF8_BOM) if head.startswith(_UTF8_BOM) else 0)
        yield from _json_lines(stream, name)


def _json_lines_of_stream(stream: BinaryIO, name: str) -> Iterator[Unit]:
    """A stream's JSON lines, judged first on its head as a file is: empty or binary junk is refused once."""
    head = stream.read(_SNIFF_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or common.looks_utf16(head):
        # UTF-16 does not split at newline bytes: decode it whole (within the size limit), then read its lines.
        data = head + stream.read(common.MAX_INPUT_BYTES + 1 - len(head))
        try:
            text = decode_bytes(data, name)
        except InputError as exc:
            yield Rejected(name, exc.reason)
            return
        yield from _json_lines(io.BytesIO(text.encode("utf-8", "surrogatepass")), name)
        return
    refusal = _head_refusal(head, name)
    if refusal is not None:
        yield Rejected(name, refusal)
        return
    yield from _json_lines(_Prepended(head, stream), name)


def _head_refusal(head: bytes, name: str) -> str | None:
    """Why a JSON-lines input is refused whole, judged on its first bytes (empty, binary junk), or None.

    NUL bytes in a minority of its lines are not junk: those lines are
    refused one by one, the rest read.
    """
    lines = [line for line in head.split(b"\n") if line.strip()]
    sparse_nuls = sum(b"\x00" in line for line in lines) * 2 < len(lines)
    sample = head[: common.MAX_INPUT_BYTES]
    try:
        decode_bytes(sample.replace(b"\x00", b" ") if sparse_nuls else sample, name)
    except InputError as exc:
        return exc.reason
    return None


class _Prepended:
    """A byte stream whose first bytes were already read (``head``): ``readline`` as if they were not."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = io.BytesIO(head)
        self._rest = rest

    def readline(self, limit: int = -1) -> bytes:
        line = self._head.readline(limit)
        if not line.endswith(b"\n") and (limit < 0 or len(line) < limit):
            line += self._rest.readline(-1 if limit < 0 else limit - len(line))
        return line


def _json_lines(stream: "BinaryIO | _Prepended", name: str) -> Iterator[JsonLine]:
    """The non-blank lines of a byte stream; a line over the size limit is skipped, not held."""
    limit = common.MAX_INPUT_BYTES
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            size = len(line)
            while line and not line.endswith(b"\n"):  # the rest of the line, a megabyte at a time
                line = stream.readline(1 << 20)
                size += len(line)
            yield JsonLine(f"{name}:{number}", None, size)
        elif line.strip():
            yield JsonLine(f"{name}:{number}", line, len(line))


def read_unit(unit: Unit) -> IngestResult:
    """The raw articles of one unit, and what in it was rejected (runs in a worker)."""
    if isinstance(unit, Rejected):
        return IngestResult(rejected=[unit])
    if isinstance(unit, FileUnit):
        return read_path(Path(unit.path))
    result = IngestResult()
    try:
        if isinstance(unit, WarcPage):
            result.articles.append(page_article(unit))
        else:
            result.articles.extend(_line_articles(unit))
    except InputError as exc:
        result.rejected.append(Rejected(unit.where, exc.reason))
    return result


def _line_articles(line: JsonLine) -> list[Article]:
    """The line's article; none for a line of only (Unicode) white space, as the whole-file reader skips it."""
    if line.data is None:
        raise InputError(
            f"{line.where}: {line.size:,} bytes is more than the {common.MAX_INPUT_BYTES:,}-byte limit for one article",
            line.where,
        )
    try:
        text = decode_bytes(line.data, line.where)
    except InputError:
        if line.data.decode("utf-8", "replace").isspace():  # decoded only here, off the common path
            return []
        raise
    return [article_from_record(parse_json(text, line.where), line.where)]

