"""The named facts a rubric may score, computed from a submitted meeting record (pure).

Most facts come from the record alone; the absence-run facts also need the rolls of the
branch's earlier meetings that year (`RollRecord`), which the service reads back and passes in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
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
    "outside_regular_window": (
        "cuộc họp thường kỳ (kể cả kết hợp) họp ngoài khung ngày sinh hoạt định kỳ; chuyên đề, "
        "bất thường và các loại khác không có khung",
        False,
    ),
    "counted_count": ("số đảng viên tính tỷ lệ (trừ miễn, trừ làm nhiệm vụ)", 20),
    "present_count": ("số có mặt", 19),
    "excused_count": ("số vắng có lý do", 1),
    "unexcused_count": ("số vắng không lý do", 0),
    "exempt_count": ("số được miễn sinh hoạt", 0),
    "attendance_rate": ("tỷ lệ dự họp = có mặt ÷ số tính tỷ lệ", 0.95),
    "longest_absence_run": (
        "số kỳ liên tiếp dài nhất một đảng viên vắng (kể cả có lý do) từ đầu năm đến kỳ này "
        "(trống nếu không có danh sách các kỳ)",
        1,
    ),
    "no_long_excused_absence": (
        "không ai vắng (kể cả có lý do) quá 3 kỳ liên tiếp trong năm, tính đến kỳ này",
        True,
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
    "action_items_total": ("số việc nghị quyết kỳ này giao (trống nếu không rõ)", 5),
    "action_items_with_owner_and_due": (
        "số việc có cả người phụ trách và thời hạn (trống nếu không rõ)",
        5,
    ),
    "action_items_all_owned_and_due": (
        "có giao việc và mọi việc đều có người phụ trách và thời hạn (khi bản ghi không nói số "
        "việc: theo bước 'giao việc' của trình tự)",
        True,
    ),
    "request_count": ("số kiến nghị nêu tại cuộc họp", 0),
    "theme": ("chủ đề sinh hoạt chuyên đề (trống nếu không nêu)", "Tự soi, tự sửa"),
    "focal_issue": ("vấn đề trọng tâm của cuộc họp (trống nếu không nêu)", "Đường giao thông"),
}
STEP_FACT = re.compile(r"^step\.[a-z][a-z0-9_]*$")
# HD 12 (2018): a meeting is of quality only if no member was absent, even with a reason, "more
# than 3 consecutive times in the year".
LONG_ABSENCE_RUN = 3


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
    """Every catalog fact of one meeting; `step.<name>` for each step ticked or asked about.
    The absence-run facts are left empty (`absence_facts` fills them from the year's rolls)."""
    counted = [e for e in meeting.roll if e.attendance != "exempt" and not e.on_duty]
    present_ids = {e.member_id for e in meeting.roll if e.attendance == "present"}
    present = sum(e.attendance == "present" for e in counted)
    steps = set(meeting.agenda_steps_completed)
    total_items = meeting.previous_action_items_total
    facts: dict[str, FactValue] = {
        "meeting_type": meeting.meeting_type,
        "duration_minutes": meeting.duration_minutes,
        "within_scheduled_window": meeting.within_scheduled_window,
        "outside_regular_window": (
            meeting.meeting_type in WINDOWED_TYPES and not meeting.within_scheduled_window
        ),
        "counted_count": len(counted),
        "present_count": present,
        "excused_count": sum(e.attendance == "excused" for e in counted),
        "unexcused_count": sum(e.attendance == "unexcused" for e in counted),
        "exempt_count": sum(e.attendance == "exempt" for e in meeting.roll),
        "attendance_rate": present / len(counted) if counted else 0.0,
        **absence_facts(None),
        "speaking_share": (
            len(present_ids & set(meeting.speaker_ids)) / len(present_ids) if present_ids else 0.0
        ),
        "previous_action_items_total": total_items,
        "previous_action_items_done_on_time": meeting.previous_action_items_done_on_time,
        "previous_action_items_share": (
            meeting.previous_action_items_done_on_time / total_items if total_items else None
        ),
        "resolution_voted": meeting.resolution_voted,
        "request_count": meeting.request_count,
        **task_facts(meeting, steps),
        "theme": meeting.theme,
        "focal_issue": meeting.focal_issue,
    }
    facts.update({f"step.{name}": True for name in steps if STEP_FACT.match(f"step.{name}")})
    facts.update(settings_facts(facts, minimum_minutes=minimum_minutes, agenda_steps=agenda_steps))
    return facts


# Meeting types held in the branch's regular monthly window; the others have no window.
WINDOWED_TYPES = frozenset({"regular", "combined"})


def task_facts(meeting: MeetingSubmitted, steps: set[str]) -> dict[str, FactValue]:
    """C7's tasks: only tasks with both an owner and a due date count. A record that does not
    tell the counts (an older producer) falls back on the ticked agenda step."""
    total, complete = meeting.action_items_total, meeting.action_items_with_owner_and_due
    if total is None or complete is None:
        return {
            "action_items_total": None,
            "action_items_with_owner_and_due": None,
            "action_items_all_owned_and_due": "tasks_assigned" in steps,
        }
    return {
        "action_items_total": total,
        "action_items_with_owner_and_due": complete,
        "action_items_all_owned_and_due": total > 0 and complete >= total,
    }


def backfilled_facts(facts: Mapping[str, FactValue]) -> dict[str, FactValue]:
    """Facts added to the catalog after a score was stored, derived from the stored ones so a
    rubric reading them (re-scoring, dry run) judges an older score as it would a new one."""
    out: dict[str, FactValue] = {}
    if "outside_regular_window" not in facts and "within_scheduled_window" in facts:
        out["outside_regular_window"] = (
            facts.get("meeting_type") in WINDOWED_TYPES
            and facts["within_scheduled_window"] is False
        )
    if "action_items_all_owned_and_due" not in facts:
        out["action_items_all_owned_and_due"] = facts.get("step.tasks_assigned") is True
        out["action_items_total"] = None
        out["action_items_with_owner_and_due"] = None
    return out


def settings_facts(
    facts: Mapping[str, FactValue], *, minimum_minutes: int, agenda_steps: list[str]
) -> dict[str, FactValue]:
    """The facts that depend on the rubric's settings, from the meeting's own facts: a stored
    score can be re-scored under another rubric without the meeting record."""
    duration = int(facts["duration_minutes"] or 0)
    done_steps = sum(facts.get(f"step.{step}") is True for step in agenda_steps)
    return {
        "minimum_minutes": minimum_minutes,
        "duration_shortfall_minutes": minimum_minutes - duration,
        "duration_share_of_minimum": duration / minimum_minutes,
        "agenda_steps_required": len(agenda_steps),
        "agenda_steps_done": done_steps,
        "agenda_completion": done_steps / len(agenda_steps) if agenda_steps else 1.0,
    }


@dataclass(frozen=True)
class RollRecord:
    """One meeting's roll as the absence runs need it: who was counted present, who absent."""

    meeting_id: str
    held_on: date
    present: frozenset[str]
    absent: frozenset[str]


def roll_record(meeting: MeetingSubmitted) -> RollRecord:
    counted = [e for e in meeting.roll if e.attendance != "exempt" and not e.on_duty]
    return RollRecord(
        meeting.meeting_id,
        meeting.held_on,
        frozenset(e.member_id for e in counted if e.attendance == "present"),
        frozenset(e.member_id for e in counted if e.attendance in ("excused", "unexcused")),
    )


def longest_absence_runs(rolls: Iterable[RollRecord]) -> dict[str, int]:
    """Meeting id → the longest run of consecutive meetings any member had missed (with a
    reason or not), from the first meeting of its calendar year up to and including it.

    A meeting where the member was exempt, on duty or not on the roll neither breaks nor
    extends their run; meetings are in date order (same day: by id)."""
    out: dict[str, int] = {}
    runs: dict[str, int] = {}
    year, longest = 0, 0
    for roll in sorted(rolls, key=lambda r: (r.held_on, r.meeting_id)):
        if roll.held_on.year != year:
            year, runs, longest = roll.held_on.year, {}, 0
        for member_id in roll.present:
            runs.pop(member_id, None)
        for member_id in roll.absent:
            runs[member_id] = runs.get(member_id, 0) + 1
            longest = max(longest, runs[member_id])
        out[roll.meeting_id] = longest
    return out


def absence_facts(longest_run: int | None) -> dict[str, FactValue]:
    """None: the year's rolls were not looked at (or this meeting's is missing) — unknown."""
    return {
        "longest_absence_run": longest_run,
        "no_long_excused_absence": None if longest_run is None else longest_run <= LONG_ABSENCE_RUN,
    }


ABSENCE_FACTS = frozenset(absence_facts(None))


def fact_value(facts: Mapping[str, Any], name: str) -> FactValue:
    """A fact's value; an unticked step is False, an unknown fact None."""
    if name in facts:
        value: FactValue = facts[name]
        return value
    return False if STEP_FACT.match(name) else None
