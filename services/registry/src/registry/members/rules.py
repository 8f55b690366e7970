"""Member rules as pure functions: admission, status transitions, who is on a roster."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from event_contracts.vocabulary import MemberStatus
from service_kit.web.problems import FieldError

STATUSES: tuple[str, ...] = tuple(MemberStatus)
# Leaving the province's roll or being struck off ends every branch link; nothing follows.
TERMINAL = frozenset({"transferred_out", "removed"})
PROBATION_MONTHS = 12
MIN_ADMISSION_AGE = 18
MAX_ADMISSION_AGE = 120  # a birth date further back is a typo (1889 for 1989), not a person

STATUS_NAMES_VI = {
    "full": "chính thức",
    "probationary": "dự bị",
    "exempt": "miễn sinh hoạt",
    "suspended": "đình chỉ sinh hoạt",
    "temporarily_attached": "sinh hoạt tạm thời nơi khác",
    "transferred_out": "đã chuyển sinh hoạt đi",
    "removed": "đã xóa tên",
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (29/2 → 28/2)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def current_home(homes: Sequence[tuple[str, date]], on: date) -> str | None:
    """The member's home branch on `on`, from their home links `(branch_id, valid_from)` in
    date order: the last one started by then (for a member off the roll, the one they left);
    before the first, the first one."""
    started = [branch_id for branch_id, valid_from in homes if valid_from <= on]
    if started:
        return started[-1]
    return homes[0][0] if homes else None


def years_between(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def admission_errors(
    status: str,
    admitted_on: date,
    full_member_on: date | None,
    joined_on: date,
    date_of_birth: date | None,
) -> list[FieldError]:
    errors: list[FieldError] = []
    if status not in ("full", "probationary"):
        errors.append(
            FieldError("/status", "Khi ghi nhận chỉ là dự bị hoặc chính thức.", "not-allowed")
        )
    if status == "full" and full_member_on is None:
        errors.append(
            FieldError("/full_member_on", "Đảng viên chính thức cần ngày công nhận.", "missing")
        )
    if status == "probationary" and full_member_on is not None:
        errors.append(
            FieldError("/full_member_on", "Đảng viên dự bị chưa có ngày chính thức.", "not-allowed")
        )
    if full_member_on is not None and full_member_on < add_months(admitted_on, PROBATION_MONTHS):
        errors.append(
            FieldError(
                "/full_member_on",
                f"Phải sau ít nhất {PROBATION_MONTHS} tháng dự bị kể từ ngày kết nạp.",
                "probation-too-short",
            )
        )
    if joined_on < admitted_on:
        errors.append(FieldError("/joined_on", "Không thể trước ngày kết nạp.", "before-admission"))
    age = years_between(date_of_birth, admitted_on) if date_of_birth is not None else None
    if age is not None and age < MIN_ADMISSION_AGE:
        errors.append(
            FieldError(
                "/date_of_birth",
                f"Khi kết nạp phải đủ {MIN_ADMISSION_AGE} tuổi.",
                "too-young",
            )
        )
    if age is not None and age > MAX_ADMISSION_AGE:
        errors.append(
            FieldError(
                "/date_of_birth",
                f"Ngày sinh không hợp lý: khi kết nạp đã hơn {MAX_ADMISSION_AGE} tuổi.",
                "too-old",
            )
        )
    return errors


def status_change_errors(
    current: str,
    new: str,
    on: date,
    current_since: date,
    admitted_on: date,
    full_member_on: date | None,
    attached_branch_id: str | None,
) -> list[FieldError]:
    if current in TERMINAL:
        return [
            FieldError(
                "/status",
                f"Đảng viên {STATUS_NAMES_VI[current]}; không đổi trạng thái được nữa.",
                "terminal",
            )
        ]
    if new == current:
        return [FieldError("/status", "Đảng viên đang ở trạng thái này.", "unchanged")]
    errors: list[FieldError] = []
    if on <= current_since:
        errors.append(
            FieldError("/on", f"Phải sau lần đổi trạng thái trước ({current_since}).", "too-early")
        )
    if new == "probationary" and full_member_on is not None:
        errors.append(
            FieldError("/status", "Đảng viên đã chính thức không trở lại dự bị.", "not-allowed")
        )
    if new == "full" and full_member_on is None and on < add_months(admitted_on, PROBATION_MONTHS):
        errors.append(
            FieldError(
                "/on",
                f"Chỉ công nhận chính thức sau {PROBATION_MONTHS} tháng dự bị.",
                "probation-too-short",
            )
        )
    if new == "temporarily_attached" and attached_branch_id is None:
        errors.append(
            FieldError("/attached_branch_id", "Cần chi bộ nơi sinh hoạt tạm thời.", "missing")
        )
    if new != "temporarily_attached" and attached_branch_id is not None:
        errors.append(
            FieldError("/attached_branch_id", "Chỉ dùng khi sinh hoạt tạm thời.", "not-allowed")
        )
    return errors
