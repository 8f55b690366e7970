"""Household rules as pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from service_kit.web.problems import FieldError


def responsibility_errors(
    branch_kind: str | None,
    member_branch_ids: set[str],
    branch_id: str,
    household_codes: Sequence[str],
    taken: set[str],
    valid_from: date,
    valid_to: date | None,
) -> list[FieldError]:
    """`member_branch_ids`: the member's home and residence branches on `valid_from`;
    `taken`: households already followed by someone during an overlapping period."""
    errors: list[FieldError] = []
    if branch_kind != "residential":
        errors.append(
            FieldError(
                "/branch_id", "Chỉ chi bộ thôn, tổ dân phố mới phụ trách hộ.", "not-residential"
            )
        )
    if branch_id not in member_branch_ids:
        errors.append(
            FieldError(
                "/member_id",
                "Đảng viên không sinh hoạt hay cư trú ở chi bộ này.",
                "not-a-member",
            )
        )
    seen: set[str] = set()
    for i, code in enumerate(household_codes):
        if code in seen:
            errors.append(FieldError(f"/household_codes/{i}", "Hộ bị lặp.", "duplicate"))
        elif code in taken:
            errors.append(
                FieldError(f"/household_codes/{i}", "Hộ đã có đảng viên phụ trách.", "taken")
            )
        seen.add(code)
    if valid_to is not None and valid_to <= valid_from:
        errors.append(FieldError("/valid_to", "Phải sau ngày bắt đầu.", "period-order"))
    return errors
