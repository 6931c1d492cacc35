"""newsweave: read many reports of one news story as one.

The public API. Stages live in their own modules (``ingest``, ``clean``,
``nlp``, ``align``, ``summarize``, ``quotes``, ``facts``, ``conflicts``,
``timeline``, ``entities``, ``render``, ``store``, ``cluster``); this package
re-exports what a caller needs to brief a story (rendering stays in
``newsweave.render``: a function of that name here would hide the package)::

    from newsweave import brief_articles, read_inputs
    
    result = read_inputs(["examples/blinken-beijing"])
    outcome = brief_articles(result.articles, rejected=result.rejected)
    print(render(outcome.brief, "markdown"))
"""

from newsweave.brief import BriefConfig, BriefOutcome, brief_articles, brief_batch, read_batch
from newsweave.errors import ConfigError, InputError, NewsweaveError, ProvenanceError, StoreError
from newsweave.ingest import IngestResult, Rejected, read_inputs
from newsweave.model import (
    Article,
    Brief,
    BriefItem,
    Conflict,
    ConflictValue,
    Entity,
    Fact,
    Mention,
    Quote,
    QuoteVariant,
    Sentence,
    Span,
    Story,
    TimelineEntry,
    resolve_span,
)

__all__ = [
    "Article",
    "Brief",
    "BriefConfig",
    "BriefItem",
    "BriefOutcome",
    "ConfigError",
    "Conflict",
    "ConflictValue",
    "Entity",
    "Fact",
    "IngestResult",
    "InputError",
    "Mention",
    "NewsweaveError",
    "ProvenanceError",
    "Quote",
    "QuoteVariant",
    "Rejected",
    "Sentence",
    "Span",
    "StoreError",
    "Story",
    "TimelineEntry",
    "brief_articles",
    "brief_batch",
    "read_batch",
    "read_inputs",
    "resolve_span",
]
