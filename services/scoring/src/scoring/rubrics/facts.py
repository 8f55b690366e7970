"""The named facts a rubric may score, computed from a submitted meeting record (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from event_contracts.events.meetings import MeetingSubmitted

FactValue = bool | int | float | str | None

# Name → (description, a sample value used to check templates at load). `step.<name>` is a
# family: True when the meeting ticked that agenda step.
CATALOG: dict[str, tuple[str, FactValue]] = {
    "meeting_type": ("loại cuộc họp", "regular"),
    "duration_minutes": ("thời lượng họp (phút)", 100),
    "minimum_minutes": ("thời lượng tối thiểu theo loại cuộc họp (phút)", 90),
    "duration_shortfall_minutes": ("số phút thiếu so với tối thiểu (âm nếu dư)", -10),
    "duration_share_of_minimum": ("thời lượng ÷ tối thiểu", 1.1),
    "within_scheduled_window": ("họp trong khung ngày sinh hoạt định kỳ", True),
    "counted_count": ("số đảng viên tính tỷ lệ (trừ miễn, trừ làm nhiệm vụ)", 20),
    "present_count": ("số có mặt", 19),
    "excused_count": ("số vắng có lý do", 1),
    "unexcused_count": ("số vắng không lý do", 0),
    "exempt_count": ("số được miễn sinh hoạt", 0),
    "attendance_rate": ("tỷ lệ dự họp = có mặt ÷ số tính tỷ lệ", 0.95),
    "no_long_excused_absence": (
        "không ai vắng có lý do quá 3 kỳ liên tiếp trong năm (chưa có dữ liệu: luôn trống)",
        None,
    ),
    "speaking_share": ("tỷ lệ người dự có phát biểu", 0.55),
    "agenda_steps_required": ("số bước trình tự theo bảng điểm", 14),
    "agenda_steps_done": ("số bước trình tự đã làm", 14),
    "agenda_completion": ("bước đã làm ÷ bước theo bảng điểm", 1.0),
    "previous_action_items_total": ("số việc của nghị quyết kỳ trước", 10),
    "previous_action_items_done_on_time": ("số việc hoàn thành đúng hạn", 9),
    "previous_action_items_share": (
        "tỷ lệ việc hoàn thành đúng hạn (trống nếu không có việc)",
        0.9,
    ),
    "resolution_voted": ("nghị quyết đã biểu quyết", True),
    "request_count": ("số kiến nghị nêu tại cuộc họp", 0),
}
STEP_FACT = re.compile(r"^step\.[a-z][a-z0-9_]*$")


def is_known(name: str) -> bool:
    return name in CATALOG or bool(STEP_FACT.match(name))


def sample_facts(step_names: set[str]) -> dict[str, FactValue]:
    """Plausible values of every fact, to check a rubric's templates without a meeting."""
    out = {name: sample for name, (_, sample) in CATALOG.items()}
    out.update({name: True for name in step_names})
    return out


def meeting_facts(
    meeting: MeetingSubmitted, *, minimum_minutes: int, agenda_steps: list[str]
) -> dict[str, FactValue]:
    """Every catalog fact of one meeting; `step.<name>` for each step ticked or asked about."""
    counted = [e for e in meeting.roll if e.attendance != "exempt" and not e.on_duty]
    present_ids = {e.member_id for e in meeting.roll if e.attendance == "present"}
    present = sum(e.attendance == "present" for e in counted)
    steps = set(meeting.agenda_steps_completed)
    done_steps = sum(step in steps for step in agenda_steps)
    total_items = meeting.previous_action_items_total
    facts: dict[str, FactValue] = {
        "meeting_type": meeting.meeting_type,
        "duration_minutes": meeting.duration_minutes,
        "minimum_minutes": minimum_minutes,
        "duration_shortfall_minutes": minimum_minutes - meeting.duration_minutes,
        "duration_share_of_minimum": meeting.duration_minutes / minimum_minutes,
        "within_scheduled_window": meeting.within_scheduled_window,
        "counted_count": len(counted),
        "present_count": present,
        "excused_count": sum(e.attendance == "excused" for e in counted),
        "unexcused_count": sum(e.attendance == "unexcused" for e in counted),
        "exempt_count": sum(e.attendance == "exempt" for e in meeting.roll),
        "attendance_rate": present / len(counted) if counted else 0.0,
        "no_long_excused_absence": None,
        "speaking_share": (
            len(present_ids & set(meeting.speaker_ids)) / len(present_ids) if present_ids else 0.0
        ),
        "agenda_steps_required": len(agenda_steps),
        "agenda_steps_done": done_steps,
        "agenda_completion": done_steps / len(agenda_steps) if agenda_steps else 1.0,
        "previous_action_items_total": total_items,
        "previous_action_items_done_on_time": meeting.previous_action_items_done_on_time,
        "previous_action_items_share": (
            meeting.previous_action_items_done_on_time / total_items if total_items else None
        ),
        "resolution_voted": meeting.resolution_voted,
        "request_count": meeting.request_count,
    }
    facts.update({f"step.{name}": True for name in steps if STEP_FACT.match(f"step.{name}")})
    return facts


def fact_value(facts: Mapping[str, Any], name: str) -> FactValue:
    """A fact's value; an unticked step is False, an unknown fact None."""
    if name in facts:
        value: FactValue = facts[name]
        return value
    return False if STEP_FACT.match(name) else None
