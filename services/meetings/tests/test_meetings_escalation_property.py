"""Escalation against a real database, property-based: random ladders (some levels abolished),
random requests, answers, clock moves forward and back, and a sweeper restarted between passes.
Invariants: nothing before its time, each (request, level) at most once, nothing after an answer,
never past the top of the ladder."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chibo_testing import templates
from event_contracts.events.registry import OrganisationDissolved, OrganisationRegistered
from meetings.main import MIGRATIONS, build_app
from meetings.requests.calendar import vietnam_calendar
from meetings.requests.escalation import deadlines, load_policies, policy_for
from meetings.requests.models import Request, RequestTimelineEntry
from meetings.requests.scheduled import sweep_once
from meetings.requests.schemas import RequestActionIn, RequestIn
from meetings.requests.service import RequestRules, act, raise_requests
from meetings.settings import MeetingsSettings
from org_tree.replica import apply_ceased, apply_registered
from service_kit.clock import FrozenClock

pytestmark = pytest.mark.slow

START = datetime(2026, 1, 5, 2, tzinfo=UTC)
POLICY = policy_for(load_policies(), None, date(2026, 1, 5))
CAL = vietnam_calendar()


def app_for(url: str):  # type: ignore[no-untyped-def]
    """A fresh process, as after a restart: nothing in memory survives."""
    return build_app(MeetingsSettings(database_url=url, amqp_url="amqp://guest:guest@127.0.0.1:1/"))  # type: ignore[arg-type]


async def scenario(
    levels: list[bool], n_requests: int, moves: list[int], answers: dict[int, int]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/m.db"
        await asyncio.to_thread(templates.restore, url, MIGRATIONS)
        app = app_for(url)
        runtime = app.state.runtime
        # A chain: commune (level 0) under len(levels) upper levels; False = abolished in 2025.
        ids = ["commune", *(f"up{i}" for i in range(len(levels)))]
        async with runtime.uow() as uow:
            for i, org in enumerate(ids):
                parent = ids[i + 1] if i + 1 < len(ids) else None
                await apply_registered(
                    uow.session,
                    OrganisationRegistered.produce(
                        aggregate_version=1,
                        organisation_id=org,
                        code=org,
                        name=org,
                        kind="commune" if i == 0 else "province",
                        parent_id=parent,
                        valid_from=date(2020, 1, 1),
                    ),
                )
            for i, alive in enumerate(levels):
                if not alive:
                    await apply_ceased(
                        uow.session,
                        OrganisationDissolved.produce(
                            aggregate_version=2,
                            organisation_id=f"up{i}",
                            on=date(2025, 7, 1),
                            children_moved_to_id=None,
                        ),
                    )
            rows = await raise_requests(
                uow,
                meeting_id=None,
                branch_id="branch",
                requests=[
                    RequestIn(subject=f"r{i}", text="…", addressee_id="commune")
                    for i in range(n_requests)
                ],
                now=START,
                rules=RequestRules(),
            )
            request_ids = [r.id for r in rows]
            await uow.commit()
        await runtime.db.dispose()
        active_above = sum(levels)
        now, latest = START, START
        answered_at: dict[str, datetime] = {}
        for step, hours in enumerate(moves):
            now = now + timedelta(hours=hours)
            app = app_for(url)  # restart
            runtime = app.state.runtime
            runtime.clock = FrozenClock(now)
            before = await escalations(runtime)
            if step in answers and answers[step] < len(request_ids):
                rid = request_ids[answers[step]]
                if rid not in answered_at:
                    async with runtime.uow() as uow:
                        await act(
                            uow,
                            rid,
                            RequestActionIn(action="answer", text="Đã xử lý."),
                            now,
                            RequestRules(),
                        )
                        await uow.commit()
                    answered_at[rid] = now
            await sweep_once(runtime.context)
            after = await escalations(runtime)
            if now <= latest:
                assert after == before, "moving the clock back must not act"
            latest = max(latest, now)
            await check(runtime, active_above)
            await runtime.db.dispose()


async def escalations(runtime) -> int:  # type: ignore[no-untyped-def]
    async with runtime.db.session() as session:
        return int(
            await session.scalar(
                sa.select(sa.func.count()).where(RequestTimelineEntry.kind == "escalated")
            )
            or 0
        )


async def check(runtime, active_above: int) -> None:  # type: ignore[no-untyped-def]
    async with runtime.db.session() as session:
        requests = {r.id: r for r in (await session.execute(sa.select(Request))).scalars()}
        entries = (
            (
                await session.execute(
                    sa.select(RequestTimelineEntry).order_by(RequestTimelineEntry.id)
                )
            )
            .scalars()
            .all()
        )
    by_request: dict[str, list[RequestTimelineEntry]] = {}
    for entry in entries:
        by_request.setdefault(entry.request_id, []).append(entry)
    for rid, timeline in by_request.items():
        level_start = timeline[0].at
        seen_levels: set[int] = set()
        for entry in timeline:
            if entry.kind != "escalated":
                continue
            from_level = entry.level - 1
            assert from_level not in seen_levels, "a level escalated twice"
            seen_levels.add(from_level)
            ack_due, _ = deadlines("commune", level_start, POLICY, CAL)
            assert entry.at >= ack_due.due_at, "escalated before its deadline"
            answers_before = [e for e in timeline if e.kind == "answer" and e.id < entry.id]
            assert not answers_before, "escalated after the answer"
            level_start = entry.at
        assert requests[rid].level <= active_above, "climbed past the top"


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    levels=st.lists(st.booleans(), min_size=1, max_size=4),
    n_requests=st.integers(min_value=1, max_value=3),
    moves=st.lists(st.integers(min_value=-20 * 24, max_value=25 * 24), min_size=2, max_size=10),
    answers=st.dictionaries(st.integers(0, 9), st.integers(0, 2), max_size=2),
)
def test_escalation_invariants_hold_across_restarts_and_clock_jumps(
    levels: list[bool], n_requests: int, moves: list[int], answers: dict[int, int]
) -> None:
    asyncio.run(scenario(levels, n_requests, moves, answers))
