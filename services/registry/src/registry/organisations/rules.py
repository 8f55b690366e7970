"""Rules of the organisation tree as pure functions: which kind hangs under which, and plans."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from event_contracts.vocabulary import BRANCH_KINDS, OrganisationKind, is_branch
from service_kit.web.problems import FieldError

KINDS: tuple[str, ...] = tuple(OrganisationKind)

# Before 7/2025 communes sat under districts; QĐ 294 pilots grassroots organisations directly
# under the province and branches directly under a commune committee, so those are allowed too.
PARENT_KINDS: dict[str, frozenset[str]] = {
    "province": frozenset(),
    "commune": frozenset({"province", "legacy_district"}),
    "legacy_district": frozenset({"province"}),
    "sectoral": frozenset({"province"}),
    "grassroots_organisation": frozenset({"province", "commune", "legacy_district", "sectoral"}),
    "grassroots_branch": frozenset({"province", "commune", "legacy_district", "sectoral"}),
    "sub_organisation": frozenset({"grassroots_organisation"}),
    "affiliated_branch": frozenset({"commune", "grassroots_organisation", "sub_organisation"}),
    "party_group": BRANCH_KINDS,
}

KIND_NAMES_VI = {
    "province": "tỉnh ủy/thành ủy",
    "commune": "đảng bộ xã/phường/đặc khu",
    "legacy_district": "huyện ủy (trước 7/2025)",
    "sectoral": "đảng bộ trực thuộc",
    "grassroots_organisation": "đảng bộ cơ sở",
    "grassroots_branch": "chi bộ cơ sở",
    "sub_organisation": "đảng bộ bộ phận",
    "affiliated_branch": "chi bộ trực thuộc",
    "party_group": "tổ đảng",
}


def parent_errors(
    kind: str, parent_kind: str | None, pointer: str = "/parent_id"
) -> list[FieldError]:
    """Whether a node of `kind` may hang under a node of `parent_kind` (None: no parent)."""
    allowed = PARENT_KINDS[kind]
    if parent_kind is None:
        if allowed:
            return [FieldError(pointer, "Phải có tổ chức cấp trên.", "parent-required")]
        return []
    if not allowed:
        return [FieldError(pointer, "Tỉnh ủy không có tổ chức cấp trên.", "not-allowed")]
    if parent_kind not in allowed:
        return [
            FieldError(
                pointer,
                f"{KIND_NAMES_VI[kind].capitalize()} không thể trực thuộc "
                f"{KIND_NAMES_VI[parent_kind]}.",
                "parent-kind",
            )
        ]
    return []


def branch_detail_errors(
    kind: str, branch_kind: str | None, day_from: int | None, day_to: int | None
) -> list[FieldError]:
    """Sub-kind and meeting window belong to branches only; the window is 1–31, from ≤ to."""
    errors: list[FieldError] = []
    if not is_branch(kind):
        if branch_kind is not None:
            errors.append(FieldError("/branch_kind", "Chỉ chi bộ mới có loại hình.", "not-allowed"))
        if day_from is not None or day_to is not None:
            pointer = "/meeting_day_from" if day_from is not None else "/meeting_day_to"
            errors.append(FieldError(pointer, "Chỉ chi bộ mới có lịch sinh hoạt.", "not-allowed"))
        return errors
    if (day_from is None) != (day_to is None):
        pointer = "/meeting_day_to" if day_to is None else "/meeting_day_from"
        errors.append(FieldError(pointer, "Cần cả ngày bắt đầu và ngày kết thúc.", "missing"))
    elif day_from is not None and day_to is not None and day_from > day_to:
        errors.append(
            FieldError("/meeting_day_to", "Ngày kết thúc trước ngày bắt đầu.", "window-order")
        )
    return errors


def change_date_errors(
    on: date, valid_from: date, valid_to: date | None, pointer: str = "/on"
) -> list[FieldError]:
    """A change on `on` needs the node in force that day, after its first day."""
    if on <= valid_from:
        return [FieldError(pointer, f"Phải sau ngày thành lập ({valid_from}).", "before-start")]
    if valid_to is not None and on >= valid_to:
        return [FieldError(pointer, f"Tổ chức đã kết thúc từ {valid_to}.", "after-end")]
    return []


def merge_errors(source_ids: Sequence[str], into_id: str | None) -> list[FieldError]:
    errors: list[FieldError] = []
    if len(set(source_ids)) != len(source_ids):
        errors.append(FieldError("/source_ids", "Có tổ chức bị lặp.", "duplicate"))
    if into_id is not None and into_id in source_ids:
        errors.append(
            FieldError("/into_id", "Tổ chức nhận sáp nhập không được nằm trong danh sách.", "cycle")
        )
    if into_id is None and len(source_ids) < 2:
        errors.append(
            FieldError(
                "/source_ids", "Hợp nhất thành tổ chức mới cần ít nhất 2 tổ chức.", "too-few"
            )
        )
    return errors


def assignment_errors(
    existing: set[str], parts: Sequence[Sequence[str]], field: str, what: str
) -> list[FieldError]:
    """Every id in `existing` goes to exactly one part, and parts name nothing else."""
    errors: list[FieldError] = []
    seen: set[str] = set()
    for p, ids in enumerate(parts):
        for i, ident in enumerate(ids):
            pointer = f"/parts/{p}/{field}/{i}"
            if ident not in existing:
                errors.append(
                    FieldError(pointer, f"Không thuộc tổ chức bị chia ({what}).", "unknown")
                )
            elif ident in seen:
                errors.append(
                    FieldError(pointer, f"{what.capitalize()} được giao hai lần.", "duplicate")
                )
            seen.add(ident)
    missing = sorted(existing - seen)
    if missing:
        errors.append(
            FieldError(
                "/parts",
                f"Còn {len(missing)} {what} chưa được giao cho phần nào: {', '.join(missing[:5])}.",
                "unassigned",
            )
        )
    return errors
