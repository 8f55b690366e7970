"""Who hears about what, and the Vietnamese text they read (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass

from event_contracts.events.scoring import MeetingScored

GRADE_VI = {"tot": "Tốt", "kha": "Khá", "trung_binh": "Trung bình", "kem": "Kém"}


@dataclass(frozen=True)
class Message:
    recipient: str
    channel: str
    subject: str
    body: str
    urgent: bool = False


def meeting_scored(data: MeetingScored) -> list[Message]:
    grade = GRADE_VI.get(data.grade, data.grade)
    lost = [
        f"{c.code}: {c.points:g}/{c.max_points:g}" for c in data.criteria if c.points < c.max_points
    ]
    body = (
        f"Buổi sinh hoạt {data.meeting_id} của chi bộ {data.branch_id} được chấm "
        f"{data.total_points:g}/{data.max_points:g} điểm, xếp loại {grade}."
    )
    if lost:
        body += " Các tiêu chí chưa đạt tối đa: " + ", ".join(lost) + "."
    return [
        Message(
            recipient=f"branch-secretary:{data.branch_id}",
            channel="inbox",
            subject=f"Kết quả chấm điểm sinh hoạt chi bộ: {grade}",
            body=body,
        )
    ]
