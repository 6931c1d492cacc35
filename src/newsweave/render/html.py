"""The brief as one self-contained HTML page whose citations light up their passages.

Last stage of the pipeline (``... -> brief -> render``). This module builds a
view of the brief (every cited item gets an id such as ``it-7``; every source
text is cut into segments at all span boundaries, so overlapping spans need no
nesting) and hands it to ``templates/brief.html.j2``. Each segment covered by
spans becomes ``<mark data-items="it-3 it-7">``; a little inline script
toggles classes on the marks whose items the reader hovers or clicks. The page
loads nothing from outside: CSS and script are inline. Autoescaping is on, so
every text from a source reaches the page escaped.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import jinja2

from newsweave.model import Article, Brief, BriefItem, Quote, Span
from newsweave.render.markdown import (
    SOFT_CONFLICT_NOTE,
    cited_numbers,
    published_label,
    quote_layout,
    source_label,
    source_numbers,
    story_title,
)

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "brief.html.j2"
ENTITY_HEADINGS = (("PERSON", "People"), ("ORG", "Organisations"), ("PLACE", "Places"))
SAFE_URL_SCHEMES = ("http://", "https://")


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of a source's text and the ids of the items whose spans cover all of it."""

    text: str
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cite:
    label: str  # the source number, or the raw id of a source the brief lacks
    anchor: str | None  # element id of the source in the sources panel


@dataclass(frozen=True, slots=True)
class ViewItem:
    """One cited item of the brief as the template shows it."""

    id: str
    text: str
    cites: tuple[Cite, ...]
    extra: str = ""  # evidence of a conflict value, a quote's channel, a timeline date


@dataclass(frozen=True, slots=True)
class SourceView:
    number: int
    anchor: str
    article: Article
    label: str  # the title, else the opening words
    published: str
    url: str | None
    segments: tuple[Segment, ...]


def split_at_spans(text: str, marks: Sequence[tuple[int, int, str]]) -> tuple[Segment, ...]:
    """Cut ``text`` at every boundary of ``marks`` (``(start, end, item_id)``).

    Each segment lists, in the order the marks were given, the ids of the marks
    that cover it entirely; joining the segments' text gives back ``text``.
    Marks that do not fit inside ``text`` (or are empty) are ignored: rendering
    shows what resolves rather than failing on a page a reader asked for.
    """
    valid = [(s, e, i) for s, e, i in marks if 0 <= s < e <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _ in valid), *(e for _, e, _ in valid)})
    segments = []
    for left, right in zip(cuts, cuts[1:]):
        ids = tuple(dict.fromkeys(i for s, e, i in valid if s <= left and right <= e))
        segments.append(Segment(text[left:right], ids))
    return tuple(segments)


class _ItemRegistry:
    """Hands out item ids and remembers which spans each item cites, per source."""

    def __init__(self, numbers: dict[str, int]) -> None:
        self.numbers = numbers
        self.marks: dict[str, list[tuple[int, int, str]]] = {}
        self._count = 0

    def add(
        self, text: str, sources: Sequence[str], spans: Sequence[Span], extra: str = ""
    ) -> ViewItem:
        item_id = f"it-{self._count}"
        self._count += 1
        for span in spans:
            self.marks.setdefault(span.source, []).append((span.start, span.end, item_id))
        # Cite every source the item names, and any a span points to as well.
        cited = list(dict.fromkeys([*sources, *(s.source for s in spans)]))
        cites = tuple(
            Cite(str(label), f"src-{label}" if isinstance(label, int) else None)
            for label in cited_numbers(cited, self.numbers)
        )
        return ViewItem(item_id, text, cites, extra)

    def add_item(self, item: BriefItem) -> ViewItem:
        return self.add(item.text, item.sources, item.spans)


def _safe_url(url: str | None) -> str | None:
    # Autoescaping does not stop a `javascript:` link; only web links are shown as links.
    if url and url.strip().lower().startswith(SAFE_URL_SCHEMES):
        return url.strip()
    return None


def _quote_variants(registry: _ItemRegistry, quote: Quote, apart: bool) -> list[ViewItem]:
    if apart:
        return [registry.add(v.text, v.sources, v.spans) for v in quote.variants]
    # Same words in every source: one item citing them all, lighting all their spans.
    sources = [s for v in quote.variants for s in v.sources]
    spans = [span for v in quote.variants for span in v.spans]
    return [registry.add(quote.variants[0].text, sources, spans)] if quote.variants else []


def _view(brief: Brief) -> dict[str, object]:
    numbers = source_numbers(brief)
    registry = _ItemRegistry(numbers)
    summary = [registry.add_item(i) for i in brief.summary]
    consensus = [registry.add_item(i) for i in brief.consensus]
    exclusive = [registry.add_item(i) for i in brief.exclusive]
    conflicts = [
        {
            "about": c.about,
            "note": SOFT_CONFLICT_NOTE if c.soft else "",
            "values": [
                registry.add(
                    f"{v.qualifier} {v.text}"
                    if v.qualifier and v.qualifier.lower() not in v.text.lower()
                    else v.text,
                    v.sources,
                    v.spans,
                    v.evidence,
                )
                for v in c.values
            ],
        }
        for c in brief.conflicts
    ]
    speakers: dict[str, list[dict[str, object]]] = {}
    for quote in brief.quotes:
        layout = quote_layout(quote)
        speakers.setdefault(quote.speaker or "Unattributed", []).append(
            {
                "variants": _quote_variants(registry, quote, apart=layout != "one"),
                "differs": layout == "side by side",
                "channel": quote.channel or "",
                "paraphrased": [
                    Cite(str(n), f"src-{n}" if isinstance(n, int) else None)
                    for n in cited_numbers(quote.paraphrased_in, numbers)
                ],
            }
        )
    timeline = [
        registry.add(t.text, t.sources, t.spans, t.date + (f" {t.time}" if t.time else ""))
        for t in brief.timeline
    ]
    entities = [
        (heading, [e for e in brief.entities if e.type == kind])
        for kind, heading in ENTITY_HEADINGS
    ]
    known = {kind for kind, _ in ENTITY_HEADINGS}
    entities.append(("Other", [e for e in brief.entities if e.type not in known]))
    sources = [
        SourceView(
            number=n,
            anchor=f"src-{n}",
            article=article,
            label=source_label(article),
            published=published_label(article),
            url=_safe_url(article.url),
            segments=split_at_spans(article.text, registry.marks.get(article.id, ())),
        )
        for n, article in enumerate(brief.sources, start=1)
    ]
    return {
        "title": story_title(brief),
        "event_date": brief.event_date.isoformat() if brief.event_date else None,
        "summary": summary,
        "consensus": consensus,
        "exclusive": exclusive,
        "conflicts": conflicts,
        "speakers": speakers,
        "timeline": timeline,
        "entities": [(h, es) for h, es in entities if es],
        "sources": sources,
        "brief_id": brief.id,
    }


@functools.lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    # Compiling the template costs far more than rendering it: do it once.
    return _environment().get_template(TEMPLATE_NAME)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        # Always on, whatever the template's name: every text comes from the web.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(brief: Brief) -> str:
    """Return the brief as one self-contained HTML page (inline CSS and script)."""
    return _template().render(**_view(brief))
