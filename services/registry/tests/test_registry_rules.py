"""Pure rules of the registry: no database, no broker."""

from __future__ import annotations

from datetime import date

from registry.members.rules import (
    add_months,
    admission_errors,
    current_home,
    status_change_errors,
)
from registry.organisations.rules import assignment_errors, branch_detail_errors, parent_errors
from registry.periods import in_force, overlaps
from registry.roles.rules import role_errors


def pointers(errors: list) -> list[str]:  # type: ignore[type-arg]
    return [e["pointer"] for e in errors]


def test_periods_are_half_open() -> None:
    assert in_force(date(2020, 1, 1), date(2025, 7, 1), date(2025, 6, 30))
    assert not in_force(date(2020, 1, 1), date(2025, 7, 1), date(2025, 7, 1))
    assert overlaps(date(2020, 1, 1), None, date(2024, 1, 1), date(2024, 2, 1))
    assert not overlaps(date(2020, 1, 1), date(2024, 1, 1), date(2024, 1, 1), None)


def test_which_kind_hangs_under_which() -> None:
    assert parent_errors("commune", "legacy_district") == []
    assert parent_errors("commune", "province") == []
    assert pointers(parent_errors("commune", "grassroots_branch")) == ["/parent_id"]
    assert parent_errors("province", "province")[0]["code"] == "not-allowed"
    assert parent_errors("party_group", None)[0]["code"] == "parent-required"


def test_branch_details_belong_to_branches() -> None:
    assert branch_detail_errors("affiliated_branch", "school", 1, 3) == []
    assert pointers(branch_detail_errors("commune", "school", None, None)) == ["/branch_kind"]
    assert pointers(branch_detail_errors("grassroots_branch", None, 1, None)) == ["/meeting_day_to"]


def test_split_plan_must_place_everything_once() -> None:
    errors = assignment_errors({"a", "b", "c"}, [["a", "x"], ["a"]], "child_ids", "tổ chức")
    assert pointers(errors) == ["/parts/0/child_ids/1", "/parts/1/child_ids/0", "/parts"]


def test_probation_lasts_twelve_months() -> None:
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    admitted = date(2024, 3, 1)
    early = status_change_errors(
        "probationary", "full", date(2025, 2, 28), admitted, admitted, None, None
    )
    assert early[0]["code"] == "probation-too-short"
    assert (
        status_change_errors(
            "probationary", "full", date(2025, 3, 1), admitted, admitted, None, None
        )
        == []
    )
    assert admission_errors("full", admitted, date(2024, 9, 1), admitted, None)[0]["code"] == (
        "probation-too-short"
    )


def test_branch_committee_needs_nine_full_members() -> None:
    args = ("affiliated_branch", date(2025, 1, 1), None, "full", "b1", "b1")
    assert role_errors("branch_committee_member", *args, 8)[0]["code"] == "no-branch-committee"
    assert role_errors("branch_committee_member", *args, 9) == []
    assert role_errors("committee_member", *args, 20)[0]["code"] == "wrong-level"


def test_the_home_branch_of_the_day_decides_a_members_scope() -> None:
    homes = [("dong-ha", date(2020, 1, 1)), ("bac-son", date(2026, 6, 1))]
    assert current_home(homes, date(2026, 3, 2)) == "dong-ha"  # the transfer is still to come
    assert current_home(homes, date(2026, 6, 1)) == "bac-son"
    assert current_home(homes, date(2019, 1, 1)) == "dong-ha"  # not on a roll yet: the first
    assert current_home([], date(2026, 3, 2)) is None
