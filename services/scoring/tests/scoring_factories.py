"""Factories for what scoring reads: meeting records as `meetings.meeting.submitted.v1` data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from event_contracts.events.meetings import MeetingSubmitted, RollEntry
from scoring.policy import load_classification, load_policy
from scoring.rubrics.active import ActiveRubrics
from scoring.rubrics.book import load_book
from scoring.rubrics.format import Rubric

BOOK = load_book()
RUBRICS = ActiveRubrics.of(BOOK)  # what a service started with the shipped files scores with
POLICY = load_policy()
CLASSIFICATION = load_classification()
HD42 = BOOK.select(held_on=date(2026, 1, 1))
NGHE_AN = BOOK.select(held_on=date(2026, 1, 1), province="nghe-an")
PREP_STEPS = ["prep_meeting", "notice_sent", "documents_early", "draft_resolution"]
ALL_STEPS = [*HD42.settings.agenda_steps, *PREP_STEPS, "documents_posted"]


def roll(present: int, excused: int = 0, unexcused: int = 0, exempt: int = 0) -> list[RollEntry]:
    entries = [
        ("present", present),
        ("excused", excused),
        ("unexcused", unexcused),
        ("exempt", exempt),
    ]
    out: list[RollEntry] = []
    for attendance, n in entries:
        out += [
            RollEntry(member_id=f"{attendance}{i}", attendance=attendance)  # type: ignore[arg-type]
            for i in range(n)
        ]
    return out


def facts(**overrides: Any) -> MeetingSubmitted:
    """A full-marks regular meeting of 20 present members, unless told otherwise."""
    held_on = overrides.get("held_on", date(2026, 11, 3))
    start = datetime(held_on.year, held_on.month, held_on.day, 12, 30, tzinfo=UTC)
    members = [RollEntry(member_id=f"m{i}", attendance="present") for i in range(20)]
    fields: dict[str, Any] = {
        "aggregate_version": 1,
        "meeting_id": "mt",
        "branch_id": "b",
        "meeting_type": "regular",
        "held_on": held_on,
        "started_at": start,
        "ended_at": start + timedelta(minutes=100),
        "duration_minutes": 100,
        "within_scheduled_window": True,
        "roll": members,
        "speaker_ids": [f"m{i}" for i in range(11)],
        "agenda_steps_completed": ALL_STEPS,
        "previous_action_items_total": 10,
        "previous_action_items_done_on_time": 10,
        "resolution_voted": True,
        "self_score": {"C3": 3, "C4": 20, "C5": 5},
    }
    fields.update(overrides)
    return MeetingSubmitted.produce(**fields)


def rubric_named(rubric_id: str) -> Rubric:
    return next(r for r in BOOK.rubrics if r.id == rubric_id)


async def scoring_app(db_url: str) -> Any:
    """The scoring app in-process on a migrated database, with no broker at all."""
    from chibo_testing.plugin import migrated
    from scoring.main import MIGRATIONS, build_app
    from scoring.settings import ScoringSettings

    db = await migrated(db_url, MIGRATIONS)
    await db.dispose()
    settings = ScoringSettings(database_url=db_url, amqp_url="amqp://guest:guest@127.0.0.1:1/")  # type: ignore[arg-type]
    return build_app(settings)


def envelope(data: MeetingSubmitted, event_id: str | None = None) -> Any:
    """The CloudEvent meetings would publish for this record."""
    from event_contracts import make_event

    event = make_event(data, source="/meetings", subject=f"meetings/{data.meeting_id}")
    return event.model_copy(update={"id": event_id}) if event_id else event


def organisation(
    org_id: str,
    parent_id: str | None,
    *,
    kind: str = "grassroots_branch",
    branch_kind: str | None = None,
    valid_from: date = date(2020, 1, 1),
) -> Any:
    """`registry.organisation.registered.v1` data for one node of the tree."""
    from event_contracts.events.registry import OrganisationRegistered

    return OrganisationRegistered.produce(
        aggregate_version=1,
        organisation_id=org_id,
        code=org_id,
        name=f"Tên {org_id}",
        kind=kind,
        parent_id=parent_id,
        valid_from=valid_from,
        branch_kind=branch_kind,
    )


async def deliver_registry(runtime: Any, *facts: Any) -> None:
    """Registry facts through the handler the `scoring.registry-events` queue runs."""
    from event_contracts import make_event
    from org_tree.handlers import on_organisation_event

    async with runtime.uow() as uow:
        for data in facts:
            event = make_event(
                data, source="/registry", subject=f"organisations/{data.organisation_id}"
            )
            await on_organisation_event(runtime.context, uow, event, data)
        await uow.commit()
