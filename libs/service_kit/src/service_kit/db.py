"""Async database access: one engine per service, SQLite (WAL, synchronous=FULL) or PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.types import DateTime, TypeDecorator

from service_kit.group import GroupWriter
from service_kit.reads import Read, SyncReader, read_once


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on SQLite (which stores naive text) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# SQLite's fsync level: FULL unless this names another (the test suite sets OFF outside its
# durability tests; a killed process loses nothing either way, only a power cut would).
SYNCHRONOUS_ENV = "CHIBO_SQLITE_SYNCHRONOUS"
_SYNCHRONOUS_LEVELS = ("OFF", "NORMAL", "FULL", "EXTRA")


def sqlite_synchronous() -> str:
    level = os.environ.get(SYNCHRONOUS_ENV, "FULL").upper()
    if level not in _SYNCHRONOUS_LEVELS:
        raise ValueError(f"{SYNCHRONOUS_ENV}={level!r}: expected one of {_SYNCHRONOUS_LEVELS}")
    return level


T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


# Connections each process keeps to PostgreSQL (plus up to 10 more under bursts): two
# processes per service × four services stay well under the server's max_connections (300).
POSTGRES_POOL_SIZE = 24


class Database:
    """Engines and sessions. On SQLite every write transaction starts with BEGIN IMMEDIATE so
    writers queue on the lock instead of failing half-way; on PostgreSQL rows are claimed with
    FOR UPDATE SKIP LOCKED so any number of replicas can share the work. Errors never carry the
    statement's parameters (`hide_parameters`): a failed insert of a member must not put a citizen
    id into the logs."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            # One writer connection: in-process writers queue on the pool (an asyncio wait)
            # instead of sleeping in SQLite's busy handler; readers use their own connections
            # and never block on WAL.
            self.engine: AsyncEngine = create_async_engine(
                url,
                echo=echo,
                hide_parameters=True,
                connect_args={"timeout": 30},
                pool_size=1,
                max_overflow=0,
                pool_timeout=120,
            )
            _sqlite_pragmas(self.engine, immediate=True)
            self.read_engine: AsyncEngine = create_async_engine(
                url, echo=echo, hide_parameters=True, connect_args={"timeout": 30}
            )
            _sqlite_pragmas(self.read_engine, immediate=False)
        else:
            self.engine = create_async_engine(
                url,
                echo=echo,
                hide_parameters=True,
                # Kept open: a connection opened under load and closed when handed back (an
                # overflow one) costs a TLS attempt, a handshake and every prepared statement
                # again; at 16 concurrent submissions that churn was a tenth of the CPU.
                pool_size=POSTGRES_POOL_SIZE,
                max_overflow=10,
                pool_pre_ping=True,
            )
            self.read_engine = self.engine
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)
        # Group commit for the call sites that opt in (`ServiceRuntime.grouped`).
        self.group = GroupWriter(self, sqlite_sync_pragmas)
        # Hot-path reads in one thread hop on SQLite (`read`).
        self.reader = (
            SyncReader(self.engine.url, sqlite_sync_read_pragmas) if self.is_sqlite else None
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session for reading. Write through `transaction()` or a unit of work."""
        async with self.read_sessions() as session:
            yield session

    async def read(self, fn: Read[T]) -> T:
        """Run `async def fn(session)` — awaiting nothing but its session — as one read: on
        SQLite on a reader thread with the sync driver (`service_kit.reads`)."""
        return await read_once(self, fn)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def ping(self) -> None:
        async with self.read_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.group.dispose()
        if self.reader is not None:
            self.reader.dispose()
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


def _sqlite_pragmas(engine: AsyncEngine, *, immediate: bool) -> None:
    _pragmas(engine.sync_engine, immediate=immediate)


def sqlite_sync_pragmas(engine: Engine) -> None:
    """The writer's settings on a sync engine (the group writer's `sqlite3` connection)."""
    _pragmas(engine, immediate=True)


def sqlite_sync_read_pragmas(engine: Engine) -> None:
    """The readers' settings on a sync engine (`service_kit.reads`)."""
    _pragmas(engine, immediate=False)


def _pragmas(engine: Engine, *, immediate: bool) -> None:
    synchronous = sqlite_synchronous()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit transactions defer the write lock).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            f"synchronous={synchronous}",
            "foreign_keys=ON",
            "busy_timeout=30000",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
