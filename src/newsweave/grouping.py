"""Greedy average-linkage grouping, shared by conflicts (facts about one
subject) and the timeline (reports of one happening).

Items arrive in order; each joins the existing group it resembles most on
average, provided it resembles every member at least ``floor`` and the
average reaches ``minimum``; otherwise it starts a group. ``apart`` says when
an item may never join a group (two values of one sentence measure two
things), whatever the similarity.
"""

from __future__ import annotations

from typing import Callable, Sequence, TypeVar

T = TypeVar("T")


def average_link_groups(
    items: Sequence[T],
    similarity: Callable[[T, T], float],
    floor: Callable[[T], float] | float,
    minimum: float,
    apart: Callable[[T, T], bool] = lambda a, b: False,
) -> list[list[T]]:
    """Group ``items`` greedily; see the module docstring."""
    groups: list[list[T]] = []
    for item in items:
        item_floor = floor(item) if callable(floor) else floor
        best: list[T] | None = None
        best_score = 0.0
        for group in groups:
            if any(apart(item, member) for member in group):
                continue
            scores = [similarity(item, member) for member in group]
            if min(scores) < item_floor:
                continue
            score = sum(scores) / len(scores)
            if score > best_score:
                best, best_score = group, score
        if best is not None and best_score >= minimum:
            best.append(item)
        else:
            groups.append([item])
    return groups
