"""Dry run of scoring "as of a date" (#14), on SQLite and PostgreSQL: the rubric in force on
1 January 2027 applied to November's scored meetings answers what the real scoring of the same
meetings held in January says, criterion by criterion, and writes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from scoring_factories import deliver_registry, envelope, facts, organisation, scoring_app

from chibo_testing.tokens import signed_client
from scoring.meeting_scores import handlers
from scoring.meeting_scores.models import MeetingCriterionScore, MeetingScore
from service_kit.outbox import OutboxEvent


def cases(held_on: date, prefix: str) -> list[Any]:
    return [
        # Thematic, called outside the window: 2027 drops C1's −1.
        facts(
            meeting_id=f"{prefix}-thematic",
            branch_id="b-1",
            held_on=held_on,
            meeting_type="thematic",
            within_scheduled_window=False,
        ),
        # Last month assigned no task: C6 30 → 10 in 2027.
        facts(
            meeting_id=f"{prefix}-no-tasks",
            branch_id="b-2",
            held_on=held_on,
            previous_action_items_total=0,
            previous_action_items_done_on_time=0,
            action_items_total=3,
            action_items_with_owner_and_due=3,
        ),
        # Tasks without owners: C7's tasks 2 → 1.
        facts(
            meeting_id=f"{prefix}-owners",
            branch_id="b-3",
            held_on=held_on,
            action_items_total=4,
            action_items_with_owner_and_due=2,
        ),
        # Nothing the corrections touch.
        facts(
            meeting_id=f"{prefix}-plain",
            branch_id="b-4",
            held_on=held_on,
            action_items_total=4,
            action_items_with_owner_and_due=4,
        ),
    ]


async def counts(runtime: Any) -> tuple[int, int, int]:
    out = []
    async with runtime.db.session() as session:
        for table in (MeetingScore, MeetingCriterionScore, OutboxEvent):
            query = sa.select(sa.func.count()).select_from(table)
            out.append(int((await session.execute(query)).scalar_one()))
    return out[0], out[1], out[2]


async def test_dry_run_answers_as_the_real_run_on_the_date_and_writes_nothing(
    db_url: str,
) -> None:
    app = await scoring_app(db_url)
    runtime = app.state.runtime
    await deliver_registry(
        runtime,
        organisation("tinh", None, kind="province"),
        organisation("xa", "tinh", kind="commune"),
        *(organisation(f"b-{i}", "xa") for i in range(1, 5)),
    )
    november = cases(date(2026, 11, 5), "nov")
    async with runtime.uow() as uow:
        for m in november:
            await handlers.on_meeting_submitted(runtime.context, uow, envelope(m), m)
        await uow.commit()
    before = await counts(runtime)
    async with signed_client(app, "http://scoring") as client:
        answer = await client.get(
            "/v1/organisations/xa/scoring-dry-run",
            params={"period": "2026-11", "as_of": "2027-01-01"},
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert await counts(runtime) == before  # nothing written
        assert body["written"] is False and body["period_label"] == "Tháng 11/2026"
        by_id = {m["meeting_id"]: m for m in body["meetings"]}
        assert {m["current"]["rubric_version"] for m in by_id.values()} == {"2025-10-28"}
        assert {m["dry_run"]["rubric_version"] for m in by_id.values()} == {"2027-01-01"}
        changed = {k: [c["label"] for c in m["changed_criteria"]] for k, m in by_id.items()}
        assert changed["nov-thematic"] == ["C1 – Chấp hành thời gian, thời lượng"]
        assert [c[:2] for c in changed["nov-no-tasks"]] == ["C6"]
        assert [c[:2] for c in changed["nov-owners"]] == ["C7"]
        assert changed["nov-plain"] == []
        assert body["meetings_changed"] == 3

        # The real run: the same meetings held in January 2027.
        january = cases(date(2027, 1, 6), "jan")
        async with runtime.uow() as uow:
            for m in january:
                await handlers.on_meeting_submitted(runtime.context, uow, envelope(m), m)
            await uow.commit()
        for real in january:
            score = (await client.get(f"/v1/meeting-scores/{real.meeting_id}")).json()
            dry = by_id[real.meeting_id.replace("jan", "nov")]["dry_run"]
            assert (score["rubric_version"], score["total_points"], score["grade"]) == (
                dry["rubric_version"],
                dry["total_points"],
                dry["grade"],
            ), real.meeting_id
    await runtime.db.dispose()
