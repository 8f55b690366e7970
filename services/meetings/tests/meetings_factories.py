"""Factories for meeting submissions as a branch would send them, and a replica tree to match."""

from __future__ import annotations

from datetime import date
from typing import Any

from event_contracts.events.registry import OrganisationRegistered
from org_tree.replica import apply_registered
from service_kit.uow import UnitOfWork

# (id, kind, parent, valid_from): Hà Tĩnh before and after the 2025 reform.
TREE = [
    ("tinh-ha-tinh", "province", None, date(2020, 1, 1)),
    ("huyen-thach-ha", "legacy_district", "tinh-ha-tinh", date(2020, 1, 1)),
    ("xa-thach-ngoc", "commune", "huyen-thach-ha", date(2020, 1, 1)),
    ("branch-dong-ha", "grassroots_branch", "xa-thach-ngoc", date(2020, 1, 1)),
]


async def seed_tree(uow: UnitOfWork, tree: list[tuple[str, str, str | None, date]] = TREE) -> None:
    """Put organisations into the replica the way registry events do."""
    for org_id, kind, parent, valid_from in tree:
        await apply_registered(
            uow.session,
            OrganisationRegistered.produce(
                aggregate_version=1,
                organisation_id=org_id,
                code=org_id,
                name=org_id,
                kind=kind,
                parent_id=parent,
                valid_from=valid_from,
            ),
        )


def request(addressee_id: str = "xa-thach-ngoc", **overrides: Any) -> dict[str, Any]:
    body = {
        "subject": "Đường liên thôn xuống cấp",
        "text": "Đề nghị xã sửa đoạn đường 2 km.",
        "addressee_id": addressee_id,
    }
    body.update(overrides)
    return body


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
        "requests_raised": [],
        "self_score": {"C5": 4},
    }
    body.update(overrides)
    return body
