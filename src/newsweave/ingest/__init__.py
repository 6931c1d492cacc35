"""Ingest: turn user inputs (paths, ``-``) into raw articles, one reader per format.

Sits first in the pipeline: ``ingest -> clean -> nlp -> analyses -> brief``.
Readers return :class:`~newsweave.model.Article` objects whose ``text`` is
still raw (the cleaner runs next). Nothing is dropped silently:
:func:`read_inputs` returns what it accepted and, for each rejected input,
why (``accepted + rejected`` covers every input).
"""

from __future__ import annotations

from newsweave.ingest.common import IngestResult, Rejected, article_id, decode_bytes
from newsweave.ingest.dispatch import read_inputs, read_path, reader_for
from newsweave.ingest.records import article_from_record, read_jsonl_lines

__all__ = [
    "IngestResult",
    "Rejected",
    "article_from_record",
    "article_id",
    "decode_bytes",
    "read_inputs",
    "read_jsonl_lines",
    "read_path",
    "reader_for",
]
