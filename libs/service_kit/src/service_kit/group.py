"""Group commit: concurrent units of work gathered by one writer into one transaction.

A caller hands `GroupWriter.run` an `async def unit(uow)`; the writer takes every unit waiting
when it is free (up to `max_group`), runs them one after another inside one transaction, each
in its own SAVEPOINT (a unit that raises, or never commits, rolls back to its savepoint and
refuses only its own caller), commits once, and only then answers every caller: a unit's
return value still means its rows and outbox events are durable. If the group's commit itself
fails, every unit of the group gets that error (nothing of theirs was kept).

SQLite: one writer, running the whole group on one worker thread with SQLAlchemy's sync engine
and session over the stdlib `sqlite3` driver — one thread hop per group instead of one per
statement. The units are the same `async def` code as elsewhere; their session is a thin
awaitable facade over the sync session, so the coroutine never suspends and is driven to its end
on that thread. PostgreSQL: asyncpg has no thread hop to save, so the writer runs its groups on
the event loop, one group at a time (groups side by side deadlocked on each other's row locks);
the call sites use it there only when CHIBO_GROUP_COMMIT=1 (see ENABLED_ENV).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from service_kit.sync_session import Suspended, SyncSessionFacade, drive

log = logging.getLogger(__name__)

T = TypeVar("T")
# A unit: `async def unit(uow)` with a `service_kit.uow.UnitOfWork` (not imported: uow → db → here).
Unit = Callable[[Any], Awaitable[Any]]
# Builds the unit of work a grouped unit runs in, around the session the group gives it.
MakeUow = Callable[[Any], Any]

MAX_GROUP = 64
# One writer on PostgreSQL too: two groups committing side by side each hold row locks the other
# wants (two branches' slots taken in opposite orders) and PostgreSQL breaks the deadlock by
# failing a whole group; measured, the second and third writers gained nothing (docs/bench.md).
POSTGRES_WRITERS = 1
# CHIBO_GROUP_COMMIT: unset, group commit on SQLite only. On PostgreSQL a transaction each,
# side by side, measured 1.35× the intake and 1.7× the write path of one writer's groups (the
# server batches concurrent commits' WAL flushes itself; one writer serialised every round
# trip): docs/performance.md. 1: on PostgreSQL too. 0: off everywhere (a same-run baseline for
# the benchmarks; an escape hatch).
ENABLED_ENV = "CHIBO_GROUP_COMMIT"
_OFF, _ON = ("0", "false", "off"), ("1", "true", "on")


class _SessionUnit:
    """The least a grouped unit is (`GroupWriter.write`): a session of the group, committed (its
    savepoint released) or rolled back, with no events and no after-commit effects."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.committed = False
        self.defer_effects = True

    async def __aenter__(self) -> _SessionUnit:
        await self.session.begin()
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if not self.committed:
                await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()
        self.committed = True

    def run_effects(self) -> None:
        pass


@dataclass
class _Pending:
    unit: Unit
    make_uow: MakeUow
    future: asyncio.Future[Any]
    uow: Any = None
    outcome: Any = None
    error: BaseException | None = None
    done: bool = field(default=False)


async def _run_unit(item: _Pending, session: Any) -> None:
    uow = item.make_uow(session)
    uow.defer_effects = True
    item.uow = uow
    try:
        async with uow:
            item.outcome = await item.unit(uow)
    except Exception as exc:  # the unit's own refusal: its savepoint is rolled back
        item.error = exc


class GroupWriter:
    """One per `Database`: gathers units of work into commit groups (see the module's doc)."""

    def __init__(
        self, db: Any, sync_pragmas: Callable[[Engine], None], *, max_group: int = MAX_GROUP
    ) -> None:
        self.db = db  # service_kit.db.Database
        self.sync_pragmas = sync_pragmas
        self.max_group = max_group
        self._queue: list[_Pending] = []
        self._wake: asyncio.Event | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._sync_engine: Engine | None = None
        self._executor: ThreadPoolExecutor | None = None
        self.groups = 0  # committed groups (a test and the bench read it)
        self.units = 0
        self.last_group_size = 0
        self._held = False
        mode = os.environ.get(ENABLED_ENV, "").strip().lower()
        self.enabled = mode not in _OFF and (db.is_sqlite or mode in _ON)

    @property
    def writers(self) -> int:
        return 1 if self.db.is_sqlite else POSTGRES_WRITERS

    async def run(self, unit: Unit, make_uow: MakeUow) -> Any:
        """Run `unit` in the next commit group; its result once the group has committed."""
        loop = asyncio.get_running_loop()
        item = _Pending(unit, make_uow, loop.create_future())
        self._queue.append(item)
        if self._wake is None:
            self._wake = asyncio.Event()
        if not self._tasks:
            self._tasks = [
                asyncio.create_task(self._writer(), name=f"group-writer-{i}")
                for i in range(self.writers)
            ]
        self._wake.set()
        return await item.future

    async def write(self, fn: Callable[[Any], Awaitable[T]]) -> T:
        """`await fn(session)` in the next commit group, committed with it: for writes that need
        a session and nothing of a unit of work's (no events), e.g. the outbox relay's marks."""

        async def unit(plain: _SessionUnit) -> T:
            result = await fn(plain.session)
            await plain.commit()
            return result

        return await self.run(unit, _SessionUnit)

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """Queue units without running them until the block ends, then as one group (tests)."""
        self._held = True
        try:
            yield
        finally:
            self._held = False
            if self._wake is not None:
                self._wake.set()

    def waiting(self) -> int:
        return len(self._queue)

    async def _writer(self) -> None:
        assert self._wake is not None
        while True:
            if not self._queue or self._held:
                self._wake.clear()
                await self._wake.wait()
                continue
            group = self._queue[: self.max_group]
            del self._queue[: self.max_group]
            try:
                if self.db.is_sqlite:
                    loop = asyncio.get_running_loop()
                    await loop.run_in_executor(self._thread(), self._sync_group, group)
                else:
                    await self._async_group(group)
            except Exception as exc:  # the commit (or BEGIN) failed: nothing of the group kept
                log.warning("commit group failed", extra={"units": len(group)}, exc_info=True)
                for item in group:
                    item.error, item.outcome = exc, None
            else:
                self.groups += 1
                self.units += len(group)
                self.last_group_size = len(group)
                for item in group:
                    if item.error is None and item.uow is not None and item.uow.committed:
                        item.uow.run_effects()
            for item in group:
                if item.future.done():
                    continue
                if item.error is not None:
                    item.future.set_exception(item.error)
                else:
                    item.future.set_result(item.outcome)

    # SQLite: the whole group on one thread, sync engine and sessions.
    def _thread(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="group-writer")
        return self._executor

    def _engine(self) -> Engine:
        if self._sync_engine is None:
            url = self.db.engine.url.set(drivername="sqlite")
            self._sync_engine = create_engine(
                url,
                hide_parameters=True,
                connect_args={"timeout": 30, "check_same_thread": False},
                pool_size=1,
                max_overflow=0,
            )
            self.sync_pragmas(self._sync_engine)
        return self._sync_engine

    def _sync_group(self, group: list[_Pending]) -> None:
        with self._engine().connect() as conn, conn.begin():
            for item in group:
                session = Session(
                    bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
                )
                try:
                    drive(_run_unit(item, SyncSessionFacade(session)))
                except Suspended as exc:  # it awaited real I/O: refused, savepoint undone
                    item.error = exc
                    session.close()

    # PostgreSQL: on the loop, one connection per writer.
    async def _async_group(self, group: list[_Pending]) -> None:
        async with self.db.engine.connect() as conn, conn.begin():
            for item in group:
                session = AsyncSession(
                    bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
                )
                await _run_unit(item, session)

    async def dispose(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for item in self._queue:
            if not item.future.done():
                item.future.set_exception(RuntimeError("database closed"))
        self._queue.clear()
        if self._sync_engine is not None:
            self._sync_engine.dispose()
            self._sync_engine = None
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
