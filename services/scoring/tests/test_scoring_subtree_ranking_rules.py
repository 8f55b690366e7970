"""Ranking rules without a database: like with like, ties share a rank, no meeting no rank."""

from __future__ import annotations

from scoring.rankings.rules import BranchAverage, rank_by_kind


def test_unlike_branches_are_not_compared_and_ties_share_a_rank() -> None:
    groups = rank_by_kind(
        [
            BranchAverage("a", "residential", 2, 90.0),
            BranchAverage("b", "residential", 1, 95.0),
            BranchAverage("c", "residential", 3, 90.0),
            BranchAverage("d", "residential", 0, None),
            BranchAverage("e", "residential", 1, 80.0),
            BranchAverage("s", "school", 1, 70.0),
            BranchAverage("x", None, 1, 99.0),
            BranchAverage("y", "cooperative", 1, 60.0),
        ]
    )
    ranked = {g.branch_kind: [(r.rank, r.branch_id) for r in g.branches] for g in groups}
    assert ranked == {
        "residential": [(1, "b"), (2, "a"), (2, "c"), (4, "e"), (None, "d")],
        "school": [(1, "s")],  # 70 is first among schools, whatever residential branches scored
        "unknown": [(1, "x"), (2, "y")],
    }
    assert [g.branch_kind for g in groups] == ["residential", "school", "unknown"]


def test_no_branches_no_groups() -> None:
    assert rank_by_kind([]) == []
