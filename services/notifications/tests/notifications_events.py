"""Factories of the events notifications consumes: a small organisation tree, requests, misses."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from notifications_servers import Service

from event_contracts import CloudEvent, EventData, make_event, parse_envelope
from event_contracts.events import meetings as mt
from event_contracts.events import registry as rg
from notifications.subscriptions import SUBSCRIPTIONS

TREE = [
    ("tinh-ht", "Tỉnh Hà Tĩnh", "province", None, None),
    ("xa-binh-phu", "Đảng ủy xã Bình Phú", "commune", "tinh-ht", None),
    ("xa-thach-ha", "Đảng ủy xã Thạch Hà", "commune", "tinh-ht", None),
    ("cb-thon-1", "Chi bộ Thôn 1", "affiliated_branch", "xa-binh-phu", (3, 5)),
    ("cb-thon-9", "Chi bộ Thôn 9", "affiliated_branch", "xa-thach-ha", (1, 3)),
]


def event(data: EventData, subject: str = "x") -> CloudEvent:
    return make_event(data, source="/test", subject=subject)


async def apply_registry(svc: Service, data: EventData) -> None:
    """What the consumer does with a registry fact: the handler its routing key is bound to."""
    ev = event(data)
    _, parsed = parse_envelope(ev.to_json())
    (handler,) = [s.handlers[ev.routing_key] for s in SUBSCRIPTIONS if ev.routing_key in s.handlers]
    async with svc.runtime.uow(causation=ev) as uow:
        await handler(svc.runtime.context, uow, ev, parsed)
        await uow.commit()


async def register_tree(svc: Service) -> None:
    for oid, name, kind, parent, window in TREE:
        await apply_registry(
            svc,
            rg.OrganisationRegistered(
                organisation_id=oid,
                aggregate_version=1,
                code=oid,
                name=name,
                kind=kind,
                parent_id=parent,
                valid_from=date(2025, 1, 1),
                meeting_day_from=window[0] if window else None,
                meeting_day_to=window[1] if window else None,
            ),
        )


def request(cls: type[mt.RequestFacts], **overrides: Any) -> mt.RequestFacts:
    fields: dict[str, Any] = {
        "request_id": "req-1",
        "aggregate_version": 1,
        "branch_id": "cb-thon-1",
        "meeting_id": "meeting-1",
        "subject": "Sửa đường liên thôn",
        "addressee_id": "xa-binh-phu",
        "status": "submitted",
        "level": 0,
        "level_organisation_id": "xa-binh-phu",
    }
    fields.update(overrides)
    return cls(**fields)


def escalated(**overrides: Any) -> mt.RequestFacts:
    fields: dict[str, Any] = {
        "status": "submitted",
        "level": 1,
        "level_organisation_id": "tinh-ht",
        "addressee_id": "xa-binh-phu",
        "from_level_organisation_id": "xa-binh-phu",
        "breached_stage": "acknowledge",
        "breached_due_at": datetime(2026, 11, 20, 10, tzinfo=UTC),
    }
    fields.update(overrides)
    return request(mt.RequestEscalated, **fields)


def missed(period: str = "2026-11", branch_id: str = "cb-thon-1") -> mt.MeetingMissed:
    return mt.MeetingMissed(
        branch_id=branch_id,
        aggregate_version=1,
        period=period,
        window_from_day=3,
        window_to_day=5,
        due_at=datetime(2026, 11, 10, 17, tzinfo=UTC),
    )
