"""Rendering: the last stage, turning a :class:`~newsweave.model.Brief` into text.

One module per format: ``markdown`` (prose with numbered citations),
``json`` (the ``newsweave.brief/1`` contract, and its inverse) and ``html``
(one self-contained page whose citations highlight their passages).
:func:`render` picks one by name for the shells.
"""

from __future__ import annotations

from typing import Callable

from newsweave.errors import ConfigError
from newsweave.model import Brief
from newsweave.render.html import render_html
from newsweave.render.json import brief_from_dict, brief_to_dict, render_json
from newsweave.render.markdown import render_markdown

RENDERERS: dict[str, Callable[[Brief], str]] = {
    "html": render_html,
    "json": render_json,
    "markdown": render_markdown,
}
FORMATS = tuple(sorted(RENDERERS))


def render(brief: Brief, fmt: str) -> str:
    """Render ``brief`` as ``"markdown"``, ``"json"`` or ``"html"``.

    Raises ConfigError (naming the format) for any other format.
    """
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise ConfigError(
            f"unknown output format {fmt!r}; choose one of: {', '.join(FORMATS)}", fmt
        )
    return renderer(brief)


__all__ = [
    "FORMATS",
    "brief_from_dict",
    "brief_to_dict",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
]
