"""The brief as Markdown: prose with numbered citations, then one section per analysis.

Last stage of the pipeline (``... -> brief -> render``). Sources are numbered
by their order in ``Brief.sources``; every sentence or row cites them as
``[1,3]``. Sections without content are left out. The small helpers for
numbering sources and shortening a title are shared with the HTML renderer.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from newsweave.model import (
    Article,
    Brief,
    BriefItem,
    Conflict,
    Entity,
    Quote,
    TimelineEntry,
)

TITLE_MAX_CHARS = 90
ENTITY_HEADINGS = (
    ("PERSON", "People"),
    ("ORG", "Organisations"),
    ("PLACE", "Places"),
    ("OTHER", "Other"),
)
SOFT_CONFLICT_NOTE = "(compatible: qualifier/rounding)"

# Characters that Markdown could read as markup inside running text. Every
# ASCII punctuation character may be backslash-escaped in CommonMark, so
# escaping these is always safe; `|` matters inside tables.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_WHITESPACE = re.compile(r"\s+")
_BLANK_RUNS = re.compile(r"\n{3,}")


# --- helpers shared with the HTML renderer ---------------------------------


def source_numbers(brief: Brief) -> dict[str, int]:
    """Map each source id to its 1-based number, by order in ``brief.sources``."""
    return {article.id: n for n, article in enumerate(brief.sources, start=1)}


def cited_numbers(source_ids: Iterable[str], numbers: dict[str, int]) -> list[int | str]:
    """Sorted citation labels: known sources as numbers, unknown ids as themselves."""
    known = sorted({numbers[s] for s in source_ids if s in numbers})
    unknown = sorted({s for s in source_ids if s not in numbers})
    return [*known, *unknown]


def shorten(text: str, limit: int = TITLE_MAX_CHARS) -> str:
    """Collapse whitespace and cut at a word boundary, marking the cut with an ellipsis."""
    text = _WHITESPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:-")
    return (cut or text[:limit]) + "…"


def source_label(article: Article) -> str:
    """How a source is named in a list: its title, else its opening words."""
    if article.title and article.title.strip():
        return article.title.strip()
    return shorten(article.text, 70) if article.text.strip() else article.id


def story_title(brief: Brief) -> str:
    """A title for the story: the first source title, else the first summary sentence."""
    for article in brief.sources:
        if article.title and article.title.strip():
            return shorten(article.title)
    if brief.summary:
        return shorten(brief.summary[0].text)
    return "Untitled story"


def published_label(article: Article) -> str:
    """``2023-06-19``, ``2023-06-19 (inferred)`` or ``date unknown``."""
    if article.published is None:
        return "date unknown"
    inferred = " (inferred)" if article.published_inferred else ""
    return article.published.isoformat() + inferred


# --- Markdown pieces --------------------------------------------------------


def escape_markdown(text: str) -> str:
    """Escape Markdown markup and fold line breaks so text stays one inline run."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _WHITESPACE.sub(" ", text).strip())


def _cite(source_ids: Iterable[str], numbers: dict[str, int]) -> str:
    labels = cited_numbers(source_ids, numbers)
    if not labels:
        return ""
    return "[" + ",".join(escape_markdown(str(label)) for label in labels) + "]"


def _with_cite(text: str, source_ids: Iterable[str], numbers: dict[str, int]) -> str:
    cite = _cite(source_ids, numbers)
    return f"{escape_markdown(text)} {cite}".rstrip()


def _summary_section(items: Sequence[BriefItem], numbers: dict[str, int]) -> list[str]:
    if not items:
        return []
    return [" ".join(_with_cite(i.text, i.sources, numbers) for i in items), ""]


def _items_section(
    heading: str, items: Sequence[BriefItem], numbers: dict[str, int]
) -> list[str]:
    if not items:
        return []
    lines = [f"## {heading}", ""]
    lines += [f"- {_with_cite(i.text, i.sources, numbers)}" for i in items]
    return lines + [""]


def _conflict_block(conflict: Conflict, numbers: dict[str, int]) -> list[str]:
    note = f" {SOFT_CONFLICT_NOTE}" if conflict.soft else ""
    lines = [f"**{escape_markdown(conflict.about)}**{note}", ""]
    lines += ["| Value | Sources | Evidence |", "| --- | --- | --- |"]
    for value in conflict.values:
        shown = value.text
        if value.qualifier and value.qualifier.lower() not in value.text.lower():
            shown = f"{value.qualifier} {value.text}"
        lines.append(
            f"| {escape_markdown(shown)} | {_cite(value.sources, numbers)} "
            f"| {escape_markdown(value.evidence)} |"
        )
    return lines + [""]


def _conflicts_section(conflicts: Sequence[Conflict], numbers: dict[str, int]) -> list[str]:
    if not conflicts:
        return []
    lines = ["## Where they disagree", ""]
    for conflict in conflicts:
        lines += _conflict_block(conflict, numbers)
    return lines


def _quoted(text: str) -> str:
    return f"“{escape_markdown(text)}”"


def quote_layout(quote: Quote) -> str:
    """How to show a quote group: "one" wording for all its sources, wordings "side by side"
    (sources printed it differently), or "each" of one source's renderings (a full quote and
    the fragment it repeats), which are not a difference between sources."""
    if len({" ".join(v.text.split()).casefold() for v in quote.variants}) <= 1:
        return "one"
    if len({s for v in quote.variants for s in v.sources}) <= 1:
        return "each"
    return "side by side"


def _quote_block(quote: Quote, numbers: dict[str, int]) -> list[str]:
    channel = f" ({escape_markdown(quote.channel)})" if quote.channel else ""
    layout = quote_layout(quote)
    if layout == "one":
        sources = [s for v in quote.variants for s in v.sources]
        text = quote.variants[0].text if quote.variants else ""
        lines = [f"- {_quoted(text)} {_cite(sources, numbers)}{channel}".rstrip()]
    elif layout == "each":
        lines = [f"- {_quoted(v.text)} {_cite(v.sources, numbers)}{channel}".rstrip() for v in quote.variants]
    else:
        # Wording differs between sources: show the variants side by side,
        # one column each, headed by the sources that printed it.
        header = " | ".join(_cite(v.sources, numbers) or "?" for v in quote.variants)
        rule = " | ".join("---" for _ in quote.variants)
        row = " | ".join(_quoted(v.text) for v in quote.variants)
        lines = [f"- Wording differs{channel}:", "", f"  | {header} |", f"  | {rule} |",
                 f"  | {row} |", ""]
    if quote.paraphrased_in:
        lines.append(f"  - Paraphrased, not quoted, in {_cite(quote.paraphrased_in, numbers)}")
    return lines


def _quotes_section(quotes: Sequence[Quote], numbers: dict[str, int]) -> list[str]:
    if not quotes:
        return []
    by_speaker: dict[str, list[Quote]] = {}
    for quote in quotes:
        by_speaker.setdefault(quote.speaker or "Unattributed", []).append(quote)
    lines = ["## Who said what", ""]
    for speaker, group in by_speaker.items():
        lines += [f"### {escape_markdown(speaker)}", ""]
        for quote in group:
            lines += _quote_block(quote, numbers)
        lines.append("")
    return lines


def _timeline_line(entry: TimelineEntry, numbers: dict[str, int]) -> str:
    when = entry.date + (f" {entry.time}" if entry.time else "")
    return f"- **{escape_markdown(when)}** — {_with_cite(entry.text, entry.sources, numbers)}"


def _timeline_section(entries: Sequence[TimelineEntry], numbers: dict[str, int]) -> list[str]:
    if not entries:
        return []
    return ["## Timeline", "", *(_timeline_line(e, numbers) for e in entries), ""]


def _entity_label(entity: Entity) -> str:
    role = f" ({escape_markdown(entity.role)})" if entity.role else ""
    return escape_markdown(entity.name) + role


def _entities_section(entities: Sequence[Entity]) -> list[str]:
    if not entities:
        return []
    lines = ["## People, organisations and places", ""]
    for entity_type, heading in ENTITY_HEADINGS:
        names = [_entity_label(e) for e in entities if e.type == entity_type]
        if names:
            lines.append(f"- **{heading}:** " + ", ".join(names))
    known = {t for t, _ in ENTITY_HEADINGS}
    stray = [_entity_label(e) for e in entities if e.type not in known]
    if stray:
        lines.append("- **Other:** " + ", ".join(stray))
    return lines + [""]


def _sources_section(brief: Brief) -> list[str]:
    if not brief.sources:
        return []
    lines = ["## Sources", ""]
    for n, article in enumerate(brief.sources, start=1):
        title = escape_markdown(source_label(article)) if article.title else f"*{escape_markdown(source_label(article))}*"
        outlet = escape_markdown(article.outlet) if article.outlet else "unknown outlet"
        when = published_label(article)
        # `[n]` stays literal: with no link definition Markdown prints it as is.
        # Two trailing spaces: a hard line break, so each source keeps its own line.
        lines.append(f"[{n}] {title} — {outlet}, {when} — `{article.id}`  ")
    return lines + [""]


def render_markdown(brief: Brief) -> str:
    """Return the brief as a Markdown document; empty sections are left out."""
    numbers = source_numbers(brief)
    lines = [f"# {escape_markdown(story_title(brief))}", ""]
    if brief.event_date is not None:
        lines += [f"*Event date: {brief.event_date.isoformat()}*", ""]
    lines += _summary_section(brief.summary, numbers)
    lines += _items_section("Where the sources agree", brief.consensus, numbers)
    lines += _items_section("Only in one source", brief.exclusive, numbers)
    lines += _conflicts_section(brief.conflicts, numbers)
    lines += _quotes_section(brief.quotes, numbers)
    lines += _timeline_section(brief.timeline, numbers)
    lines += _entities_section(brief.entities)
    lines += _sources_section(brief)
    text = "\n".join(lines)
    # Blocks end with a blank line each; where two meet, one is enough.
    return _BLANK_RUNS.sub("\n\n", text).rstrip() + "\n"
