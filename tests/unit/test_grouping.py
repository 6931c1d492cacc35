"""Greedy average-linkage grouping."""

from __future__ import annotations

from newsweave.grouping import average_link_groups


def test_groups_by_average_and_floor() -> None:
    values = [1.0, 1.1, 5.0, 1.05, 5.2, 9.0]

    def close(a: float, b: float) -> float:
        return max(0.0, 1.0 - abs(a - b))

    groups = average_link_groups(values, close, floor=0.5, minimum=0.7)
    assert groups == [[1.0, 1.1, 1.05], [5.0, 5.2], [9.0]]


def test_apart_items_never_share_a_group() -> None:
    groups = average_link_groups([1, 1, 1], lambda a, b: 1.0, floor=0.0, minimum=0.5, apart=lambda a, b: True)
    assert groups == [[1], [1], [1]]


def test_a_chain_does_not_pull_in_a_far_item() -> None:
    # 0 ~ 1 ~ 2 but 0 and 2 are too far apart: the floor keeps 2 out.
    sim = {frozenset({0, 1}): 0.9, frozenset({1, 2}): 0.9, frozenset({0, 2}): 0.1}
    groups = average_link_groups([0, 1, 2], lambda a, b: sim[frozenset({a, b})], floor=0.3, minimum=0.5)
    assert groups == [[0, 1], [2]]
