"""The meeting form as plain data: its fields, the submission body they make, and where each
error of the API (a JSON Pointer into that body) is shown on the form. No I/O here."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from portal.formatting import ngay, parse_day, parse_time
from service_kit.clock import VIETNAM

# HD 42's order of business, and the preparation and follow-up the rubric also scores.
AGENDA_STEPS: list[tuple[str, str, str]] = [
    ("prep_meeting", "Chi ủy (bí thư) họp chuẩn bị nội dung", "Chuẩn bị"),
    ("notice_sent", "Thông báo cho đảng viên và cấp ủy viên dự họp", "Chuẩn bị"),
    ("documents_early", "Gửi tài liệu trước ít nhất 1 ngày", "Chuẩn bị"),
    ("draft_resolution", "Có dự thảo nghị quyết", "Chuẩn bị"),
    ("purpose_and_guests", "Nêu mục đích, giới thiệu đại biểu", "Mở đầu"),
    ("minute_taker", "Cử thư ký ghi biên bản", "Mở đầu"),
    ("attendance_announced", "Thông báo số đảng viên có mặt, vắng mặt", "Mở đầu"),
    ("agenda_approved", "Thông qua chương trình", "Mở đầu"),
    ("news_and_documents", "Thông tin thời sự, văn bản cấp trên", "Nội dung"),
    ("ideological_situation", "Tình hình tư tưởng của đảng viên", "Nội dung"),
    ("resolution_review", "Kiểm điểm từng việc của nghị quyết tháng trước", "Nội dung"),
    ("self_criticism", "Tự phê bình và phê bình", "Nội dung"),
    ("next_month_tasks", "Bàn nhiệm vụ tháng tới", "Nội dung"),
    ("chair_conclusion", "Chủ trì kết luận", "Kết thúc"),
    ("vote", "Biểu quyết thông qua nghị quyết", "Kết thúc"),
    ("tasks_assigned", "Giao việc có người phụ trách và thời hạn", "Kết thúc"),
    ("scoring", "Tự đánh giá, chấm điểm buổi sinh hoạt", "Kết thúc"),
    ("minutes_approved", "Đọc lại và thông qua biên bản", "Kết thúc"),
    ("documents_posted", "Gửi văn bản lên cấp trên trong 2 ngày", "Sau buổi họp"),
]
STEP_CODES = frozenset(code for code, _, _ in AGENDA_STEPS)
# The manual items of the HD 42 rubric a branch scores itself (key → label, max). The scoring
# API has no endpoint for the active rubric yet; the score sheet names the same keys.
SELF_SCORE_ITEMS: list[tuple[str, str, float]] = [
    ("C3", "Chất lượng nội dung chuẩn bị (C3)", 3),
    ("C4", "Điều hành của chủ trì (C4)", 20),
    ("C5", "Nguyên tắc tổ chức, sinh hoạt đảng (C5)", 5),
    ("C6", "Chất lượng chuyên đề (C6, chỉ sinh hoạt chuyên đề)", 30),
]
ATTENDANCE_CHOICES = ("present", "excused", "unexcused", "exempt")
ITEM_STATUSES = ("done_on_time", "done_late", "in_progress", "not_done")
MIN_ITEM_ROWS, MIN_REQUEST_ROWS = 3, 1
# Each list of the body and the prefix of its rows on the form.
LIST_PREFIX = {
    "roll": "roll",
    "action_items": "item",
    "requests_raised": "req",
    "previous_action_item_reports": "prev",
}
SCALAR_FIELDS = {
    "started_at": "started_time",
    "ended_at": "ended_time",
    "agenda_steps_completed": "agenda_steps",
    "chair_member_id": "chair_member_id",
    "minute_taker_member_id": "minute_taker_member_id",
}


class Values:
    """Posted fields, in order, with repeated names (checkboxes)."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self.pairs = [(k, v) for k, v in pairs]
        self._first: dict[str, str] = {}
        for k, v in self.pairs:
            self._first.setdefault(k, v)

    def get(self, name: str, default: str = "") -> str:
        return self._first.get(name, default)

    def getlist(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]

    def has(self, name: str) -> bool:
        return name in self._first

    def rows(self, prefix: str) -> int:
        """How many rows of a repeated group the form had."""
        pattern = re.compile(rf"^{prefix}-(\d+)-")
        found = [int(m.group(1)) for k, _ in self.pairs if (m := pattern.match(k))]
        return max(found) + 1 if found else 0


@dataclass
class FieldErrors:
    """Errors by field id, and the ordered list the error summary shows."""

    by_field: dict[str, list[str]] = field(default_factory=dict)
    summary: list[dict[str, str]] = field(default_factory=list)

    def add(self, field_id: str | None, text: str) -> None:
        self.summary.append({"field": field_id or "", "text": text})
        if field_id:
            self.by_field.setdefault(field_id, []).append(text)

    def __bool__(self) -> bool:
        return bool(self.summary)


@dataclass
class Built:
    """The submission body, and which form row each list entry came from."""

    body: dict[str, Any]
    rows: dict[str, list[int]]


def _time(values: Values, name: str, day: date | None, label: str, errors: FieldErrors) -> str:
    text = values.get(name).strip()
    if not text:
        errors.add(name, f"Nhập {label}.")
        return ""
    parsed = parse_time(text)
    if parsed is None:
        errors.add(name, f"{label.capitalize()} phải có dạng giờ:phút, ví dụ 19:30.")
        return ""
    if day is None:
        return ""
    return datetime.combine(day, parsed, VIETNAM).isoformat()


def _number(
    values: Values, name: str, label: str, errors: FieldErrors, *, maximum: float | None = None
) -> float | None:
    text = values.get(name).strip().replace(",", ".")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        errors.add(name, f"{label}: nhập một số.")
        return None
    if number < 0 or (maximum is not None and number > maximum):
        bound = f" từ 0 đến {maximum:g}" if maximum is not None else " không âm"
        errors.add(name, f"{label}: nhập số{bound}.")
        return None
    return number


def build_submission(values: Values, branch_id: str) -> tuple[Built, FieldErrors]:
    """The body of `POST /v1/meetings` from the form, and what the form itself can tell is
    wrong (missing times, numbers that are not numbers). Every other rule is the API's."""
    errors = FieldErrors()
    day: date | None = None
    held = values.get("held_on").strip()
    day = parse_day(held)
    if day is None:
        errors.add("held_on", "Nhập ngày họp dạng ngày/tháng/năm, ví dụ 04/12/2026.")
    started = _time(values, "started_time", day, "giờ bắt đầu", errors)
    ended = _time(values, "ended_time", day, "giờ kết thúc", errors)
    rows: dict[str, list[int]] = {name: [] for name in LIST_PREFIX}

    roll = []
    speakers = []
    for i in range(values.rows("roll")):
        member = values.get(f"roll-{i}-member_id")
        if not member:
            continue
        attendance = values.get(f"roll-{i}-attendance")
        entry: dict[str, Any] = {
            "member_id": member,
            "attendance": attendance if attendance in ATTENDANCE_CHOICES else "present",
            "probationary": values.get(f"roll-{i}-probationary") == "1",
        }
        reason = values.get(f"roll-{i}-reason").strip()
        if reason and entry["attendance"] == "excused":
            entry["reason"] = reason
        if values.get(f"roll-{i}-on_duty") == "1":
            entry["on_duty"] = True
        roll.append(entry)
        rows["roll"].append(i)
        if values.get(f"roll-{i}-spoke") == "1" and entry["attendance"] == "present":
            speakers.append(member)

    steps = [s for s in values.getlist("agenda_steps") if s in STEP_CODES]

    reports = []
    for i in range(values.rows("prev")):
        title = values.get(f"prev-{i}-title")
        if not title or not values.get(f"prev-{i}-status"):
            continue  # not reported on: the API names what is missing
        report: dict[str, Any] = {"title": title, "status": values.get(f"prev-{i}-status")}
        note = values.get(f"prev-{i}-note").strip()
        if note:
            report["note"] = note
        reports.append(report)
        rows["previous_action_item_reports"].append(i)

    items = []
    for i in range(values.rows("item")):
        title = values.get(f"item-{i}-title").strip()
        owner = values.get(f"item-{i}-owner")
        due = values.get(f"item-{i}-due_on").strip()
        if not (title or owner or due):
            continue  # an empty row of the form
        item: dict[str, Any] = {"title": title, "owner_member_id": owner or None}
        due_day = parse_day(due) if due else None
        if due and due_day is None:
            errors.add(f"item-{i}-due_on", "Thời hạn phải có dạng ngày/tháng/năm.")
        item["due_on"] = due_day.isoformat() if due_day else None
        items.append(item)
        rows["action_items"].append(i)

    raised = []
    for i in range(values.rows("req")):
        subject = values.get(f"req-{i}-subject").strip()
        text = values.get(f"req-{i}-text").strip()
        if not (subject or text):
            continue
        request: dict[str, Any] = {
            "subject": subject,
            "text": text,
            "addressee_id": values.get(f"req-{i}-addressee_id"),
        }
        category = values.get(f"req-{i}-category").strip()
        if category:
            request["category"] = category
        raised.append(request)
        rows["requests_raised"].append(i)

    self_score = {}
    for key, label, maximum in SELF_SCORE_ITEMS:
        number = _number(values, f"self-{key}", label, errors, maximum=maximum)
        if number is not None:
            self_score[key] = number

    votes: dict[str, Any] | None = None
    counts = {
        k: _number(values, f"votes-{k}", label, errors)
        for k, label in (
            ("in_favour", "Số tán thành"),
            ("against", "Số không tán thành"),
            ("abstain", "Số không biểu quyết"),
        )
    }
    if counts["in_favour"] is not None:
        votes = {k: int(v or 0) for k, v in counts.items()}

    body: dict[str, Any] = {
        "branch_id": branch_id,
        "meeting_type": values.get("meeting_type", "regular") or "regular",
        "held_on": day.isoformat() if day else held,
        "started_at": started,
        "ended_at": ended,
        "place": values.get("place").strip() or None,
        "chair_member_id": values.get("chair_member_id") or None,
        "minute_taker_member_id": values.get("minute_taker_member_id") or None,
        "roll": roll,
        "speaker_ids": speakers,
        "agenda_steps_completed": steps,
        "previous_action_item_reports": reports,
        "resolution_voted": values.get("resolution_voted") == "1",
        "votes": votes,
        "action_items": items,
        "requests_raised": raised,
        "self_score": self_score,
        "minutes": values.get("minutes").strip() or None,
    }
    return Built(body, rows), errors


def field_for(pointer: str, built: Built, known: set[str]) -> str | None:
    """The form field an API error names (`/roll/3/reason` → `roll-3-reason`), falling back
    to the row, then to the group; None when nothing on the form matches."""
    parts = [p for p in pointer.removeprefix("/body").split("/") if p]
    if not parts:
        return None
    head = parts[0]
    candidates: list[str] = []
    if head in LIST_PREFIX:
        prefix = LIST_PREFIX[head]
        if len(parts) > 1 and parts[1].isdigit():
            index = int(parts[1])
            form_rows = built.rows.get(head, [])
            row = form_rows[index] if index < len(form_rows) else index
            if len(parts) > 2:
                leaf = {"owner_member_id": "owner", "member_id": "attendance"}.get(
                    parts[2], parts[2]
                )
                candidates.append(f"{prefix}-{row}-{leaf}")
            candidates += [
                f"{prefix}-{row}-attendance",
                f"{prefix}-{row}-title",
                f"{prefix}-{row}-subject",
                f"{prefix}-{row}-status",
            ]
        candidates.append(prefix)
    elif head == "self_score" and len(parts) > 1:
        candidates.append(f"self-{parts[1]}")
    elif head == "votes":
        candidates += [f"votes-{parts[1]}" if len(parts) > 1 else "votes-in_favour"]
    else:
        candidates.append(SCALAR_FIELDS.get(head, head))
    return next((c for c in candidates if c in known), None)


def map_problem(
    errors: Sequence[Mapping[str, Any]], built: Built, known: set[str], names: Mapping[str, str]
) -> FieldErrors:
    """The API's field errors placed on the form; member ids in the text become names."""
    out = FieldErrors()
    for error in errors:
        text = str(error.get("detail", ""))
        for member_id, name in names.items():
            if member_id in text:
                text = text.replace(member_id, name)
        out.add(field_for(str(error.get("pointer", "")), built, known), text)
    return out


def values_from_body(body: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A saved draft back into form fields (the roll is matched to the roster by member)."""
    pairs: list[tuple[str, str]] = []
    if body.get("held_on"):
        pairs.append(("held_on", ngay(str(body["held_on"]))))
    for name in ("meeting_type", "place", "chair_member_id", "minutes", "minute_taker_member_id"):
        if body.get(name):
            pairs.append((name, str(body[name])))
    for name, target in (("started_at", "started_time"), ("ended_at", "ended_time")):
        if body.get(name):
            pairs.append((target, str(body[name])[11:16]))
    speakers = set(body.get("speaker_ids") or [])
    for i, entry in enumerate(body.get("roll") or []):
        pairs += [
            (f"roll-{i}-member_id", entry["member_id"]),
            (f"roll-{i}-attendance", entry.get("attendance", "present")),
            (f"roll-{i}-reason", entry.get("reason") or ""),
        ]
        if entry["member_id"] in speakers:
            pairs.append((f"roll-{i}-spoke", "1"))
    pairs += [("agenda_steps", s) for s in body.get("agenda_steps_completed") or []]
    for i, report in enumerate(body.get("previous_action_item_reports") or []):
        pairs += [
            (f"prev-{i}-title", report["title"]),
            (f"prev-{i}-status", report.get("status", "")),
            (f"prev-{i}-note", report.get("note") or ""),
        ]
    if body.get("resolution_voted"):
        pairs.append(("resolution_voted", "1"))
    for k, v in (body.get("votes") or {}).items():
        pairs.append((f"votes-{k}", str(v)))
    for i, item in enumerate(body.get("action_items") or []):
        pairs += [
            (f"item-{i}-title", item.get("title") or ""),
            (f"item-{i}-owner", item.get("owner_member_id") or ""),
            (f"item-{i}-due_on", ngay(item.get("due_on"))),
        ]
    for i, request in enumerate(body.get("requests_raised") or []):
        pairs += [
            (f"req-{i}-subject", request.get("subject") or ""),
            (f"req-{i}-text", request.get("text") or ""),
            (f"req-{i}-addressee_id", request.get("addressee_id") or ""),
            (f"req-{i}-category", request.get("category") or ""),
        ]
    for k, v in (body.get("self_score") or {}).items():
        pairs.append((f"self-{k}", f"{v:g}" if isinstance(v, float) else str(v)))
    return pairs
