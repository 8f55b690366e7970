"""Hot-path reads in one piece: `await db.read(fn)` runs `async def fn(session)` to its end.

On SQLite, `fn` runs on a small pool of reader threads with SQLAlchemy's sync engine over the
stdlib `sqlite3` driver (WAL: readers never wait for the writer): one thread hop for the whole
read instead of several per statement through aiosqlite. `fn` must await nothing but its
session (`service_kit.sync_session`); if it does, it is run again on an ordinary async session,
so a slow path stays correct. On PostgreSQL asyncpg has no hop to save: `fn` runs on the loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from service_kit.sync_session import Suspended, SyncSessionFacade, drive

log = logging.getLogger(__name__)

T = TypeVar("T")
# A read: `async def fn(session)` awaiting only its session.
Read = Callable[[Any], Awaitable[T]]

# Reader threads (and sqlite3 connections): two cores here; more only queue on the GIL.
READERS = 2


class SyncReader:
    """One per SQLite `Database` (see the module's doc)."""

    def __init__(self, url: Any, pragmas: Callable[[Engine], None]) -> None:
        self.url = url.set(drivername="sqlite")
        self.pragmas = pragmas
        self._engine: Engine | None = None
        self._executor: ThreadPoolExecutor | None = None

    def _ensure(self) -> tuple[Engine, ThreadPoolExecutor]:
        if self._engine is None or self._executor is None:
            self._engine = create_engine(
                self.url,
                hide_parameters=True,
                connect_args={"timeout": 30, "check_same_thread": False},
                pool_size=READERS,
                max_overflow=0,
            )
            self.pragmas(self._engine)
            self._executor = ThreadPoolExecutor(READERS, thread_name_prefix="sqlite-reader")
        return self._engine, self._executor

    def _run(self, engine: Engine, fn: Read[T]) -> T:
        # Closing the session returns its connection, whose read transaction the pool rolls
        # back (WAL checkpoints are not held); the rows read stay loaded, detached.
        with Session(engine, expire_on_commit=False) as session:
            return drive(fn(SyncSessionFacade(session)))

    async def read(self, fn: Read[T]) -> T:
        engine, executor = self._ensure()
        return await asyncio.get_running_loop().run_in_executor(executor, self._run, engine, fn)

    def dispose(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


async def read_once(db: Any, fn: Read[T]) -> T:
    """`db.read`'s body (service_kit.db.Database)."""
    reader: SyncReader | None = db.reader
    if reader is not None:
        try:
            return await reader.read(fn)
        except Suspended:
            log.warning("a hot-path read awaited more than its session; ran it on the loop")
    async with db.session() as session:
        return await fn(session)
