"""Reader for plain-text articles (``.txt``)."""

from __future__ import annotations

from pathlib import Path

from newsweave.ingest.common import decode_bytes, input_name
from newsweave.model import Article


def read_text_file(path: Path, data: bytes | None = None) -> list[Article]:
    """One article per file; the id is the file name without its extension."""
    name = input_name(path)
    text = decode_bytes(path.read_bytes() if data is None else data, name)
    return [Article(id=input_name(path.stem), text=text, origin=name)]
