"""`Database.read` (#12): a hot-path read runs in one piece — on SQLite on a reader thread with
the sync driver, seeing what was committed, never what is still being written; a read that awaits
more than its session is run again on the loop, so it stays correct; PostgreSQL reads on the
loop."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

import sqlalchemy as sa
from kit_helpers import create_kit_tables, make_runtime

from service_kit.web.idempotency import IdempotencyRecord

LATER = datetime(2099, 1, 1, tzinfo=UTC)


def record(key: str) -> IdempotencyRecord:
    return IdempotencyRecord(
        client_id="c", key=key, fingerprint="f", status_code=201, response_body="{}",
        expires_at=LATER,
    )  # fmt: skip


async def test_a_read_sees_committed_rows_in_one_hop(db_url: str) -> None:
    runtime = make_runtime("readtest", "amqp://guest:guest@127.0.0.1:1/", db_url, {})
    await create_kit_tables(runtime)
    async with runtime.uow() as uow:
        uow.session.add(record("k1"))
        await uow.commit()
    threads: list[str] = []

    async def keys(session) -> list[str]:  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        rows = await session.execute(sa.select(IdempotencyRecord.key).order_by("key"))
        found = await session.get(IdempotencyRecord, ("c", "k1"))
        assert found is not None and found.status_code == 201
        return list(rows.scalars())

    try:
        assert await runtime.db.read(keys) == ["k1"]
        # Concurrent reads share the reader pool; each sees the committed state.
        results = await asyncio.gather(*(runtime.db.read(keys) for _ in range(8)))
        assert results == [["k1"]] * 8
        if runtime.db.is_sqlite:
            assert {t.split("_")[0] for t in threads} == {"sqlite-reader"}
        else:
            assert set(threads) == {threading.main_thread().name}
    finally:
        await runtime.db.dispose()


async def test_a_read_that_awaits_more_than_its_session_still_answers(db_url: str) -> None:
    runtime = make_runtime("readtest", "amqp://guest:guest@127.0.0.1:1/", db_url, {})
    await create_kit_tables(runtime)
    runs: list[int] = []

    async def slow(session) -> int:  # type: ignore[no-untyped-def]
        runs.append(1)
        await asyncio.sleep(0)  # not the session's: suspends
        return int((await session.execute(sa.text("SELECT 41 + 1"))).scalar_one())

    try:
        assert await runtime.db.read(slow) == 42
        assert len(runs) == (2 if runtime.db.is_sqlite else 1)
    finally:
        await runtime.db.dispose()
