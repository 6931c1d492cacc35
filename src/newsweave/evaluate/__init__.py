"""Evaluation against hand annotations (outside the pipeline; reads briefs as JSON).

``gold``: the scorer of /work/shared/docs/gold-format.md.
"""

from __future__ import annotations

from newsweave.evaluate.gold import (
    DateCheck,
    GoldScore,
    SectionScore,
    fold,
    score_brief,
)

__all__ = ["DateCheck", "GoldScore", "SectionScore", "fold", "score_brief"]
