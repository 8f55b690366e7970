"""Role rules as pure functions: where each role exists, who may hold it, overlaps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from event_contracts.vocabulary import is_branch
from registry.periods import overlaps
from service_kit.web.problems import FieldError

Role = Literal[
    "secretary",
    "deputy_secretary",
    "branch_committee_member",
    "committee_member",
    "standing_committee_member",
]
BRANCH_COMMITTEE_MIN_FULL_MEMBERS = 9
UPPER_COMMITTEE_ROLES = frozenset({"committee_member", "standing_committee_member"})
# One holder at a time; deputies and committee members may be several.
SINGLE_HOLDER = frozenset({"secretary"})
ON_ROLL = frozenset({"full", "probationary", "exempt", "temporarily_attached"})


def role_errors(
    role: str,
    organisation_kind: str,
    valid_from: date,
    valid_to: date | None,
    holder_status: str | None,
    holder_branch_id: str | None,
    organisation_id: str,
    full_members: int,
) -> list[FieldError]:
    """`holder_status`/`holder_branch_id`: the member's status and home branch on `valid_from`;
    `full_members`: full members of the organisation then (used for branch committees)."""
    errors: list[FieldError] = []
    if valid_to is not None and valid_to <= valid_from:
        errors.append(FieldError("/valid_to", "Phải sau ngày bắt đầu.", "period-order"))
    if holder_status is None or holder_status not in ON_ROLL:
        errors.append(
            FieldError("/member_id", "Đảng viên không còn sinh hoạt vào ngày này.", "not-on-roll")
        )
    if holder_status == "probationary" and role != "branch_committee_member":
        errors.append(
            FieldError("/member_id", "Đảng viên dự bị không giữ chức vụ này.", "probationary")
        )
    if role in UPPER_COMMITTEE_ROLES:
        if is_branch(organisation_kind):
            errors.append(
                FieldError(
                    "/role",
                    "Chi bộ không có cấp ủy viên cấp trên; dùng chi ủy viên.",
                    "wrong-level",
                )
            )
        return errors
    if is_branch(organisation_kind) and holder_branch_id != organisation_id:
        errors.append(
            FieldError("/member_id", "Đảng viên không sinh hoạt ở chi bộ này.", "not-a-member")
        )
    if role == "branch_committee_member":
        if not is_branch(organisation_kind):
            errors.append(FieldError("/role", "Chi ủy chỉ có ở chi bộ.", "wrong-level"))
        elif full_members < BRANCH_COMMITTEE_MIN_FULL_MEMBERS:
            errors.append(
                FieldError(
                    "/role",
                    f"Chi bộ có {full_members} đảng viên chính thức; chi ủy chỉ lập khi có từ "
                    f"{BRANCH_COMMITTEE_MIN_FULL_MEMBERS} trở lên.",
                    "no-branch-committee",
                )
            )
    return errors


def single_holder_errors(
    role: str, valid_from: date, valid_to: date | None, others: Sequence[tuple[date, date | None]]
) -> list[FieldError]:
    if role not in SINGLE_HOLDER:
        return []
    if any(overlaps(valid_from, valid_to, f, t) for f, t in others):
        return [FieldError("/valid_from", "Tổ chức đã có bí thư trong thời gian này.", "overlap")]
    return []


def observer_errors(
    valid_from: date,
    valid_to: date | None,
    committee_organisation_ids: set[str],
    branch_ancestor_ids: Sequence[str],
    named_by_province: bool = False,
) -> list[FieldError]:
    """The observer sits on the committee of an organisation above the branch on `valid_from`,
    or is a person the province names (Ninh Bình assigns heads of provincial departments)."""
    errors: list[FieldError] = []
    if valid_to is not None and valid_to <= valid_from:
        errors.append(FieldError("/valid_to", "Phải sau ngày bắt đầu.", "period-order"))
    if not named_by_province and not committee_organisation_ids & set(branch_ancestor_ids):
        errors.append(
            FieldError(
                "/member_id",
                "Người được phân công phải là cấp ủy viên của tổ chức cấp trên chi bộ, "
                "hoặc do tỉnh cử (named_by_province).",
                "not-upper-committee",
            )
        )
    return errors


def end_errors(valid_from: date, valid_to: date | None, on: date) -> list[FieldError]:
    if valid_to is not None and valid_to <= on:
        return [FieldError("/on", f"Đã kết thúc từ {valid_to}.", "already-ended")]
    if on <= valid_from:
        return [FieldError("/on", f"Phải sau ngày bắt đầu ({valid_from}).", "before-start")]
    return []
