"""The intake's write path without HTTP: how many meetings with a 40-member roll per second the
store takes, against the building block's ceiling measured in the same run.

    .venv/bin/python services/meetings/bench/store_bench.py --meetings 2000

Baseline: one meeting row plus its 40 roll rows per transaction with SQLAlchemy Core (the
`research/perf-limits.md` figure of ~640/s). Then the real path, one unit of work per meeting:
the read-phase check (`check_submission`, on a read session), then `submit_meeting` (meeting row,
roll bulk insert, revision, expectation, outbox event) and the idempotency record — what a
POST /v1/meetings commits, minus HTTP, JSON parsing and the token check.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from meetings_factories import seed_tree, submission

from meetings.main import MIGRATIONS, build_app
from meetings.meetings import service
from meetings.meetings.models import AttendanceRecord, BranchMeeting
from meetings.meetings.schemas import MeetingSubmissionIn
from meetings.settings import MeetingsSettings
from service_kit import migrations
from service_kit.ids import new_id
from service_kit.web.idempotency import IdempotencyRecord

NOW = datetime(2026, 11, 20, 3, tzinfo=UTC)


def bodies(n: int, members: int) -> list[MeetingSubmissionIn]:
    roll = [{"member_id": f"m{i:03d}", "attendance": "present"} for i in range(members)]
    return [
        MeetingSubmissionIn.model_validate(
            submission(branch_id=f"b{i}", roll=roll, speaker_ids=["m001", "m002"])
        )
        for i in range(n)
    ]


async def baseline(runtime, subs: list[MeetingSubmissionIn]) -> float:  # type: ignore[no-untyped-def]
    meeting_t, roll_t = BranchMeeting.__table__, AttendanceRecord.__table__
    started = time.perf_counter()
    for sub in subs:
        async with runtime.db.transaction() as session:
            meeting_id = new_id()
            await session.execute(
                sa.insert(meeting_t).values(
                    id=meeting_id,
                    branch_id=sub.branch_id,
                    meeting_type=sub.meeting_type,
                    held_on=sub.held_on,
                    started_at=sub.started_at,
                    ended_at=sub.ended_at,
                    duration_minutes=100,
                    within_scheduled_window=True,
                    submitted_at=NOW,
                    version=1,
                    status="submitted",
                    record={},
                )
            )
            await session.execute(
                sa.insert(roll_t),
                [
                    {"meeting_id": meeting_id, **e.model_dump(include={"member_id", "attendance"})}
                    for e in sub.roll
                ],
            )
    return time.perf_counter() - started


async def real(runtime, rules, subs: list[MeetingSubmissionIn]) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for i, sub in enumerate(subs):
        async with runtime.db.session() as session:
            checked = await service.check_submission(
                session, sub, NOW, runtime.context.meeting_rules
            )
        async with runtime.uow() as uow:
            out = await service.submit_meeting(
                uow,
                sub,
                NOW,
                rules,
                runtime.context.meeting_rules,
                actor="user:bench",
                checked=checked,
            )
            uow.session.add(
                IdempotencyRecord(
                    client_id="bench",
                    key=f"{sub.branch_id}-{i}",
                    fingerprint="x",
                    status_code=201,
                    response_body=out.model_dump_json(),
                    location=None,
                    expires_at=NOW,
                )
            )
            await uow.commit()
    return time.perf_counter() - started


async def concurrent(runtime, rules, subs: list[MeetingSubmissionIn], grouped: bool) -> float:  # type: ignore[no-untyped-def]
    """16 callers at once, as the HTTP edge has them: each its own unit of work, or each a unit
    of a commit group (`runtime.grouped`)."""
    queue = list(enumerate(subs))

    async def one(i: int, sub: MeetingSubmissionIn) -> None:
        checked = await runtime.db.read(
            lambda s: service.check_submission(s, sub, NOW, runtime.context.meeting_rules)
        )

        async def unit(uow) -> None:  # type: ignore[no-untyped-def]
            out = await service.submit_meeting(
                uow,
                sub,
                NOW,
                rules,
                runtime.context.meeting_rules,
                actor="user:bench",
                checked=checked,
            )
            uow.session.add(
                IdempotencyRecord(
                    client_id="bench",
                    key=f"{sub.branch_id}-{i}",
                    fingerprint="x",
                    status_code=201,
                    response_body=out.model_dump_json(),
                    location=None,
                    expires_at=NOW,
                )
            )
            await uow.commit()

        if grouped:
            await runtime.grouped(unit)
        else:
            async with runtime.uow() as uow:
                await unit(uow)

    async def caller() -> None:
        while queue:
            await one(*queue.pop())

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(CALLERS)))
    return time.perf_counter() - started


CALLERS = 16
VARIANTS = ("baseline", "real", "concurrent", "grouped")


async def run(n: int, members: int, url_of) -> dict[str, float]:  # type: ignore[no-untyped-def]
    results: dict[str, float] = {}
    for name in VARIANTS:
        url = url_of(name)
        await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
        app = build_app(
            MeetingsSettings(database_url=url, amqp_url="amqp://guest:guest@127.0.0.1:1/")
        )  # type: ignore[arg-type]
        runtime = app.state.runtime
        async with runtime.uow() as uow:
            await seed_tree(uow)
            await uow.commit()
        subs = bodies(n, members)
        rules = runtime.context.request_rules
        if name == "baseline":
            results[name] = n / await baseline(runtime, subs)
        elif name == "real":
            results[name] = n / await real(runtime, rules, subs)
        else:
            results[name] = n / await concurrent(runtime, rules, subs, name == "grouped")
        await runtime.db.dispose()
    return results


async def main(n: int, members: int, database: str) -> dict[str, float]:
    if database == "postgres":
        from chibo_testing.servers import get_postgres

        pg = get_postgres()
        names = {v: f"bench_{uuid.uuid4().hex[:10]}" for v in VARIANTS}
        try:
            results = await run(n, members, lambda v: pg.new_database(names[v]))
        finally:
            for name in names.values():
                pg.drop_database(name)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            results = await run(n, members, lambda v: f"sqlite+aiosqlite:///{tmp}/{v}.db")
    base = results["baseline"]
    print(
        f"{database}: baseline (Core: meeting + {members} roll rows per transaction): {base:,.0f}/s"
    )
    for name, label in (
        ("real", "one caller, a transaction each"),
        ("concurrent", f"{CALLERS} callers, a transaction each"),
        ("grouped", f"{CALLERS} callers, group commit"),
    ):
        print(
            f"intake write path ({members}-member roll, check + store + outbox + key), {label}: "
            f"{results[name]:,.0f}/s ({results[name] / base:.2f}x baseline)"
        )
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=2000)
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--json", type=Path, default=None, help="write the rates here")
    args = parser.parse_args()
    rates = asyncio.run(main(args.meetings, args.members, args.database))
    if args.json is not None:
        args.json.write_text(json.dumps(rates))
