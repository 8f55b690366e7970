"""Factories for meeting submissions as a branch would send them."""

from __future__ import annotations

from typing import Any


def submission(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "branch_id": "branch-dong-ha",
        "meeting_type": "regular",
        "held_on": "2026-11-03",
        "started_at": "2026-11-03T19:30:00+07:00",
        "ended_at": "2026-11-03T21:10:00+07:00",
        "place": "Nhà văn hóa thôn Đông Hà",
        "roll": [{"member_id": f"m{i:02d}", "attendance": "present"} for i in range(1, 21)]
        + [
            {"member_id": "m21", "attendance": "excused", "reason": "Đi công tác"},
            {"member_id": "m22", "attendance": "exempt"},
        ],
        "speaker_ids": [f"m{i:02d}" for i in range(1, 13)],
        "agenda_steps_completed": ["purpose_and_guests", "attendance_announced", "vote"],
        "previous_action_items_total": 4,
        "previous_action_items_done_on_time": 4,
        "resolution_voted": True,
        "requests_raised": [
            {"subject": "Đường liên thôn", "text": "Đề nghị sửa đường", "addressee_id": "commune-1"}
        ],
        "self_score": {"C5": 4},
    }
    body.update(overrides)
    return body
