"""Group commit (#12) on SQLite and PostgreSQL: concurrent units of work share one transaction,
each in its savepoint — a unit that fails is refused alone, the others of the same group are
kept, events included, and every caller is answered only once the group has committed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from kit_helpers import count, create_kit_tables, make_runtime, submitted

from service_kit.outbox import OutboxEvent
from service_kit.uow import UnitOfWork
from service_kit.web.idempotency import IdempotencyRecord

LATER = datetime(2099, 1, 1, tzinfo=UTC)


def record(key: str) -> IdempotencyRecord:
    return IdempotencyRecord(
        client_id="c", key=key, fingerprint="f", status_code=201, response_body="{}",
        expires_at=LATER,
    )  # fmt: skip


async def test_one_bad_unit_in_a_group_is_refused_alone(db_url: str) -> None:
    runtime = make_runtime("grouptest", "amqp://guest:guest@127.0.0.1:1/", db_url, {})
    await create_kit_tables(runtime)
    async with runtime.uow() as uow:
        uow.session.add(record("taken"))
        await uow.commit()
    nudged: list[int] = []
    runtime.relay.nudge = lambda: nudged.append(1)  # type: ignore[method-assign]

    def good(i: int):  # type: ignore[no-untyped-def]
        async def unit(uow: UnitOfWork) -> str:
            uow.session.add(record(f"good-{i}"))
            uow.emit(submitted(f"meeting-{i}"), subject=f"meetings/meeting-{i}")
            await uow.commit()
            # Answered after the group's commit: a fresh read session sees the row by then.
            return f"good-{i}"

        return unit

    async def duplicate_key(uow: UnitOfWork) -> str:
        uow.emit(submitted("meeting-dup"), subject="meetings/meeting-dup")
        uow.session.add(record("taken"))  # the primary key of a committed row
        await uow.commit()
        return "never"

    async def refused_after_writing(uow: UnitOfWork) -> str:
        uow.session.add(record("half-done"))
        uow.emit(submitted("meeting-bad"), subject="meetings/meeting-bad")
        await uow.session.flush()
        raise ValueError("refused by a rule")

    async def never_commits(uow: UnitOfWork) -> str:
        uow.session.add(record("uncommitted"))
        return "left without commit"

    units = [good(0), duplicate_key, good(1), refused_after_writing, good(2), never_commits]
    before = runtime.db.group.groups
    outcomes = await asyncio.gather(*(runtime.grouped(u) for u in units), return_exceptions=True)
    assert runtime.db.group.groups - before == 1, "the six units were one commit group"
    assert outcomes[0] == "good-0" and outcomes[2] == "good-1" and outcomes[4] == "good-2"
    assert type(outcomes[1]).__name__ == "IntegrityError"
    assert isinstance(outcomes[3], ValueError)
    assert outcomes[5] == "left without commit"
    keys = IdempotencyRecord.key
    assert await count(runtime, IdempotencyRecord, keys.in_(["good-0", "good-1", "good-2"])) == 3
    assert await count(runtime, IdempotencyRecord, keys.in_(["half-done", "uncommitted"])) == 0
    assert await count(runtime, IdempotencyRecord) == 4
    ids = OutboxEvent.routing_key  # events: only the three kept units'
    assert await count(runtime, OutboxEvent, ids.is_not(None)) == 3
    assert len(nudged) == 3, "the relay is nudged for kept units only, after the commit"
    await runtime.db.dispose()


async def test_group_commit_answers_after_durable_commit(db_url: str) -> None:
    runtime = make_runtime("grouptest", "amqp://guest:guest@127.0.0.1:1/", db_url, {})
    await create_kit_tables(runtime)
    seen: list[int] = []

    def unit(i: int):  # type: ignore[no-untyped-def]
        async def run(uow: UnitOfWork) -> int:
            uow.session.add(record(f"k-{i}"))
            await uow.commit()
            return i

        return run

    async def one(i: int) -> None:
        await runtime.grouped(unit(i))
        seen.append(await count(runtime, IdempotencyRecord, IdempotencyRecord.key == f"k-{i}"))

    await asyncio.gather(*(one(i) for i in range(40)))
    assert seen == [1] * 40
    assert runtime.db.group.units >= 40
    assert runtime.db.group.groups < 40, "concurrent units were gathered into fewer groups"
    await runtime.db.dispose()


async def test_a_unit_that_awaits_other_io_is_refused_alone_on_sqlite(sqlite_url: str) -> None:
    runtime = make_runtime("grouptest", "amqp://guest:guest@127.0.0.1:1/", sqlite_url, {})
    await create_kit_tables(runtime)

    async def sleeps(uow: UnitOfWork) -> None:
        await asyncio.sleep(0)

    async def fine(uow: UnitOfWork) -> str:
        uow.session.add(record("fine"))
        await uow.commit()
        return "ok"

    outcomes = await asyncio.gather(
        runtime.grouped(sleeps), runtime.grouped(fine), return_exceptions=True
    )
    assert isinstance(outcomes[0], RuntimeError)
    assert "awaited something other than its session" in str(outcomes[0])
    assert outcomes[1] == "ok"
    assert await count(runtime, IdempotencyRecord) == 1
    await runtime.db.dispose()


async def test_background_work_on_the_writer_falls_back_to_its_own_unit(db_url: str) -> None:
    """`on_writer`: a batch that awaits only its session commits (in a group on SQLite); one
    that awaits other I/O is rolled back in the group and run again in a unit of its own, so
    it is applied exactly once either way."""
    runtime = make_runtime("grouptest", "amqp://guest:guest@127.0.0.1:1/", db_url, {})
    await create_kit_tables(runtime)
    runs: list[str] = []

    async def session_only(uow: UnitOfWork) -> str:
        runs.append("session-only")
        uow.session.add(record("batch-1"))
        await uow.commit()
        return "one"

    async def awaits_io(uow: UnitOfWork) -> str:
        runs.append("awaits-io")
        uow.session.add(record("batch-2"))
        await asyncio.sleep(0)  # on SQLite's writer thread: Suspended, then alone
        await uow.commit()
        return "two"

    assert await runtime.on_writer(session_only) == "one"
    assert await runtime.on_writer(awaits_io) == "two"
    assert await count(runtime, IdempotencyRecord) == 2
    expected = 2 if runtime.db.is_sqlite else 1
    assert runs.count("awaits-io") == expected and runs.count("session-only") == 1
    await runtime.db.dispose()
