"""Choose a reader by file name, walk directories, collect rejections."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, TextIO

from newsweave.errors import InputError
from newsweave.ingest.common import IngestResult, Rejected, check_text_like, input_name
from newsweave.ingest.html import read_html_file
from newsweave.ingest.records import read_json_file, read_jsonl_file, read_jsonl_lines
from newsweave.ingest.text import read_text_file
from newsweave.model import Article

Reader = Callable[[Path], "list[Article] | IngestResult"]


def _feed_reader(path: Path) -> "list[Article] | IngestResult":
    from newsweave.ingest.feed import read_feed_file

    return read_feed_file(path)


def _warc_reader(path: Path) -> "list[Article] | IngestResult":
    from newsweave.ingest.warc import read_warc_file

    return read_warc_file(path)


_READERS: dict[str, Reader] = {
    ".txt": read_text_file,
    ".text": read_text_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".json": read_json_file,
    ".jsonl": read_jsonl_file,
    ".ndjson": read_jsonl_file,
    ".xml": _feed_reader,
    ".rss": _feed_reader,
    ".atom": _feed_reader,
    ".warc": _warc_reader,
    ".warc.gz": _warc_reader,
}


def reader_for(path: Path) -> Reader | None:
    name = path.name.lower()
    if name.endswith(".warc.gz"):
        return _READERS[".warc.gz"]
    return _READERS.get(path.suffix.lower())


def article_files(directory: Path, recursive: bool = False) -> list[Path]:
    """The files of a directory a reader takes (not hidden ones), sorted."""
    files = sorted(p for p in (directory.rglob("*") if recursive else directory.iterdir()) if p.is_file())
    return [p for p in files if reader_for(p) is not None and not p.name.startswith(".")]


def read_path(path: Path) -> IngestResult:
    """Read one file with the reader its name calls for."""
    result = IngestResult()
    reader = reader_for(path)
    if reader is None:
        result.rejected.append(Rejected(input_name(path), f"unknown file type {path.suffix or '(none)'!r}; expected one of {', '.join(sorted(_READERS))}"))
        return result
    try:
        got = reader(path)
    except InputError as exc:
        result.rejected.append(Rejected(input_name(path), exc.reason))
        return result
    except OSError as exc:
        result.rejected.append(Rejected(input_name(path), f"cannot read: {exc.strerror or exc}"))
        return result
    if isinstance(got, IngestResult):
        result.extend(got)
    else:
        result.articles.extend(got)
    return result


def read_inputs(inputs: Iterable[str], *, recursive: bool = False, stdin: TextIO | None = None) -> IngestResult:
    """Read every input: directories (their article files), files, and ``-`` for stdin.

    Exact duplicates (same id and text, or the same text under another id) are
    rejected with the id they repeat, so a story never counts one report twice.
    """
    result = IngestResult()
    for item in inputs:
        if item == "-":
            if stdin is None:
                # The process's stdin as bytes, line by line, exactly as `newsweave ingest -` reads it.
                from newsweave.ingest.units import iter_units, read_unit  # units builds on this module

                for unit in iter_units(["-"]):
                    result.extend(read_unit(unit))
                continue
            text = stdin.read()  # text the caller has decoded: the few articles of one story
            try:
                check_text_like(text[:65536], "-")  # empty or binary: refused once, not line by line
            except InputError as exc:
                result.rejected.append(Rejected("-", exc.reason))
                continue
            result.extend(read_jsonl_lines(text.split("\n"), "-"))
            continue
        path = Path(item)
        if path.is_dir():
            readable = article_files(path, recursive)
            if not readable:
                result.rejected.append(Rejected(input_name(item), "directory holds no readable article files"))
            for file in readable:
                result.extend(read_path(file))
        elif path.exists():
            result.extend(read_path(path))
        else:
            result.rejected.append(Rejected(input_name(item), "no such file or directory"))
    return drop_duplicates(result)


def drop_duplicates(result: IngestResult) -> IngestResult:
    """Keep the first of articles with the same text; make clashing ids unique."""
    kept = IngestResult(rejected=list(result.rejected))
    by_text: dict[str, str] = {}
    ids: set[str] = set()
    for article in result.articles:
        key = " ".join(article.text.split())
        if key in by_text:
            kept.rejected.append(Rejected(article.origin or article.id, f"duplicate of {by_text[key]} (same text)"))
            continue
        ident = article.id
        n = 2
        while ident in ids:
            ident = f"{article.id}~{n}"
            n += 1
        if ident != article.id:
            from dataclasses import replace

            article = replace(article, id=ident)
        ids.add(ident)
        by_text[key] = ident
        kept.articles.append(article)
    return kept
