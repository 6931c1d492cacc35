"""Shared fixtures: paths, the bundled example, and a brief of it built once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "blinken-beijing"
EXAMPLE_GOLD = ROOT / "examples" / "blinken-beijing.gold.json"
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; the test skips when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (../shared is not beside the project)")
    return path


@pytest.fixture(scope="session")
def example_brief():
    """The Brief of the bundled example (built once per test session)."""
    from newsweave.brief import brief_articles
    from newsweave.ingest import read_inputs

    result = read_inputs([str(EXAMPLE)])
    outcome = brief_articles(result.articles, rejected=result.rejected)
    assert outcome.brief is not None
    return outcome.brief


@pytest.fixture(scope="session")
def example_brief_dict(example_brief):
    from newsweave.render.json import brief_to_dict

    return json.loads(json.dumps(brief_to_dict(example_brief)))


@pytest.fixture(scope="session")
def example_gold():
    return json.loads(EXAMPLE_GOLD.read_text(encoding="utf-8"))
