"""The dated classification rules, pure: the rule set chosen by the year, the quota counted as
the rule of that year counts it (the Bắc Mê 2018 figures within it), grassroots organisations
from their branches, a member's named inputs, percentages truncated as published."""

from __future__ import annotations

from datetime import date

import pytest

from scoring.classification.rules import (
    GRASSROOTS,
    SUB_BRANCH,
    BranchYear,
    MemberInputs,
    MemberYear,
    Proposal,
    apply_rule_quota,
    branch_proposal,
    grassroots_proposal,
    level_for,
    member_proposal,
    quota_cap,
    quota_limit,
)
from scoring.classification.table import percent
from scoring.policy import NoRules, load_classification

BOOK = load_classification()
Y2018, Y2023, Y2025 = BOOK.for_year(2018), BOOK.for_year(2023), BOOK.for_year(2025)


def test_the_rule_set_is_chosen_by_the_year_reviewed() -> None:
    assert [BOOK.for_year(y).id for y in (2018, 2019, 2022)] == ["qd132-2018"] * 3
    assert [BOOK.for_year(y).id for y in (2023, 2024)] == ["qd124-2023"] * 2
    assert [BOOK.for_year(y).id for y in (2025, 2026)] == ["qd366-2025"] * 2
    assert Y2025.effective_on == date(2025, 8, 30) and Y2018.effective_on == date(2018, 3, 8)
    with pytest.raises(NoRules, match="Không có quy định xếp loại cho năm 2017"):
        BOOK.for_year(2017)


def test_the_bac_me_2018_figures_are_within_the_quota_of_2018() -> None:
    """Bắc Mê 2018 (seed 003): 59 grassroots organisations, 14 excellent (23.7 %), 45 good;
    214 sub-branches under the grassroots committees; 3,643 members classified: 581 excellent,
    2,656 good, 396 fulfilled."""
    q = Y2018.quota
    assert (q.share, q.base, q.organisations, q.members) == (
        0.2,
        "good_or_above",
        ["group"],
        ["grassroots_organisation"],
    )
    # Counted over the 59 grassroots organisations alone, 14 excellent breaks any 20 % rule…
    assert quota_cap(59, 0.2, "good_or_above") == 11 and quota_limit(59, 0.2) == 9
    # …but the rule of 2018 counts the Party organisations together: 59 + 214 = 273 rated good
    # or above allow 54 excellent, so 14 grassroots organisations and up to 40 sub-branches.
    assert quota_cap(59 + 214, 0.2, "good_or_above") == 54
    # Members: 581 ≤ 20 % of the 3,237 rated good or above (17.9 %); the same 581 would break
    # the "20 % of those rated good" of QĐ 124 / QĐ 366 (at most 539 of 3,237).
    assert quota_cap(581 + 2656, 0.2, "good_or_above") == 647
    assert quota_cap(581 + 2656, 0.2, Y2025.quota.base) == 539
    assert percent(581, 581 + 2656) == 17.9


def test_the_published_percentages_are_truncated() -> None:
    assert (percent(14, 59), percent(45, 59)) == (23.7, 76.2)  # not 76.3: truncated
    assert [int(percent(n, 3643) or 0) for n in (581, 2656, 396)] == [15, 72, 10]
    # "3,643 classified, 95 %": truncation holds only for 3,795 to 3,834 members in all.
    assert int(percent(3643, 3834) or 0) == 95 and int(percent(3643, 3835) or 0) == 94
    assert percent(1, 0) is None


def _member(member_id: str, branch: str, grassroots: str, points: float) -> Proposal:
    return Proposal(
        "member",
        member_id,
        branch,
        "all",
        points,
        "excellent",
        "",
        1.0,
        1.0,
        tier="member",
        grassroots_id=grassroots,
    )


def test_members_are_pooled_per_grassroots_organisation_in_2018_and_per_group_in_2025() -> None:
    # Two grassroots organisations of 10 members each, all excellent on their own points.
    proposals = [_member(f"a{i}", "ba", "A", 99 - i) for i in range(10)]
    proposals += [_member(f"b{i}", "bb", "B", 50 + i) for i in range(10)]
    y2018 = apply_rule_quota(proposals, Y2018.quota, Y2018.quota.members)
    kept = sorted(p.subject_id for p in y2018 if p.level == "excellent")
    assert kept == ["a0", "a1", "b8", "b9"]  # 2 of 10 in each organisation
    assert {p.quota_pool for p in y2018} == {"A", "B"}
    y2025 = apply_rule_quota(proposals, Y2025.quota, Y2025.quota.members)
    kept = sorted(p.subject_id for p in y2025 if p.level == "excellent")
    assert kept == ["a0", "a1", "a2"]  # 3 ≤ 20 % of 17 good, the best of the whole group


def test_organisations_pooled_together_in_2018_by_tier_in_2025() -> None:
    def org(i: int, tier: str) -> Proposal:
        return Proposal("branch", f"o{i}", f"o{i}", "all", 99 - i, "excellent", "", 1, 1, tier=tier)

    proposals = [org(i, GRASSROOTS) for i in range(5)] + [org(i, SUB_BRANCH) for i in range(5, 15)]
    y2018 = apply_rule_quota(proposals, Y2018.quota, Y2018.quota.organisations)
    assert sum(p.level == "excellent" for p in y2018) == 3  # 20 % of all 15
    y2025 = apply_rule_quota(proposals, Y2025.quota, Y2025.quota.organisations)
    assert {p.quota_pool for p in y2025} == {"all/grassroots", "all/sub_branch"}
    assert sum(p.level == "excellent" for p in y2025) == 0 + 1  # 5 → 0, 10 → 1


def test_no_exceeding_condition_before_qd366() -> None:
    assert level_for(95, 1.0, 0.0, Y2018)[0] == "excellent"
    assert level_for(95, 1.0, 0.0, Y2025) == (
        "good",
        "95.0 điểm, 100% việc đúng hạn, 0% vượt yêu cầu (chưa đủ tỷ lệ vượt yêu cầu) "
        "→ Hoàn thành tốt nhiệm vụ",
    )
    assert "vượt yêu cầu" not in level_for(95, 1.0, 0.0, Y2018)[1]


def _branch(branch_id: str, points_each: float, months: int = 12) -> Proposal:
    year = BranchYear(branch_id, 12, 12 * points_each, 12, months, 4, 10, 10, date(2015, 1, 1))
    return branch_proposal(year, 2018, "all", Y2018)


def test_a_grassroots_organisation_from_its_branches() -> None:
    strong = [_branch(f"s{i}", 96) for i in range(3)]
    assert {p.level for p in strong} == {"excellent"}
    org = grassroots_proposal("dbx", "all", strong, Y2018)
    assert (org.subject_type, org.level, org.points, org.tier) == (
        "organisation",
        "excellent",
        96.0,
        GRASSROOTS,
    )
    assert org.reason.startswith("Từ 3 chi bộ trực thuộc: ")
    assert org.basis["branches_excellent"] == 3
    weak = _branch("w", 60)
    assert weak.level == "fulfilled"
    mixed = grassroots_proposal(
        "dbx", "all", [*strong, *[_branch(f"t{i}", 99) for i in range(6)], weak], Y2018
    )
    assert (
        mixed.level == "good"
        and "1 chi bộ trực thuộc dưới mức Hoàn thành tốt nhiệm vụ" in mixed.reason
    )
    empty = grassroots_proposal("dby", "all", [], Y2018)
    assert empty.level is None and empty.excluded_reason


def test_a_members_inputs_are_named_and_weigh_as_the_rule_of_the_year_says() -> None:
    m = MemberYear("m", "b", 12, 12, 0, 0, 8, "present", date(2015, 1, 1))
    points = {"b": 95.0}
    plain = member_proposal(m, 2018, "all", points, Y2018)
    assert plain.level == "excellent"
    assert plain.basis["inputs"] == {
        "attendance": {"present": 12, "excused": 0, "counted": 12},
        "branch_result": 95.0,
        "self_assessment": None,
        "residence_comment": None,
        "discipline": None,
    }
    disciplined = member_proposal(m, 2018, "all", points, Y2018, MemberInputs(disciplined=True))
    assert disciplined.level == "not_fulfilled" and "bị kỷ luật trong năm" in disciplined.reason
    residence = MemberInputs(self_assessment="excellent", residence_comment="not_good")
    recorded = member_proposal(m, 2018, "all", points, Y2018, residence)
    assert recorded.level == "excellent"  # 2018: recorded only (QĐ 213 came in 2020)
    assert recorded.basis["inputs"]["residence_comment"] == "not_good"
    capped = member_proposal(m, 2025, "all", points, Y2025, residence)
    assert capped.level == "fulfilled"
    assert "chi bộ nơi cư trú nhận xét chưa tốt" in capped.reason
    assert capped.reason.endswith("(tự đánh giá: Hoàn thành xuất sắc nhiệm vụ)")
