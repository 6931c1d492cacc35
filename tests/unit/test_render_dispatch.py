"""render.render: picks a renderer by format name; unknown names are a ConfigError."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import newsweave.render as render_pkg
from newsweave.errors import ConfigError
from newsweave.model import Article, Brief, BriefItem, Span
from newsweave.render import render

BRIEF = Brief(
    event_date=dt.date(2024, 3, 1),
    sources=(Article(id="a", text="The bridge reopened on Friday.", title="Bridge reopens"),),
    summary=(BriefItem("The bridge reopened on Friday.", ("a",), (Span("a", 0, 30),)),),
)


def test_each_format_renders_its_own_way() -> None:
    assert render(BRIEF, "markdown").startswith("# Bridge reopens\n")
    assert json.loads(render(BRIEF, "json"))["summary"][0]["text"] == "The bridge reopened on Friday."
    assert render(BRIEF, "html").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("fmt", ["md", "JSON", "", "pdf"])
def test_unknown_format_is_a_config_error_naming_it(fmt: str) -> None:
    with pytest.raises(ConfigError) as caught:
        render(BRIEF, fmt)
    assert caught.value.subject == fmt
    assert "markdown" in str(caught.value)


def test_public_names_are_sorted_and_exist() -> None:
    assert render_pkg.__all__ == sorted(render_pkg.__all__)
    for name in render_pkg.__all__:
        assert hasattr(render_pkg, name)
