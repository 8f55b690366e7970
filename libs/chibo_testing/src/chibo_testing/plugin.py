"""pytest fixtures shared by every test suite: real broker, real PostgreSQL, fresh databases.

Loaded for the whole repository from the root pyproject (`-p chibo_testing.plugin`).
A missing server is an error with instructions, never a skip. Also here: SQLite without fsync
outside the `durability` tests, and the time each part of the suite took (`parts`).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from chibo_testing import parts, templates
from chibo_testing.servers import Broker, Postgres, get_broker, get_postgres
from service_kit.db import SYNCHRONOUS_ENV, Database


def pytest_configure(config: pytest.Config) -> None:
    # A killed process loses nothing committed even without fsync (the OS keeps its writes);
    # only the `durability` tests need the production setting.
    os.environ.setdefault(SYNCHRONOUS_ENV, "OFF")
    # Test services use the broker's guest user, demo passphrases and loopback HTTP: every
    # process the tests start (they inherit this) is in development mode. Production mode, the
    # default elsewhere, is tested by passing it explicitly (tests/security/test_edges.py).
    os.environ["CHIBO_MODE"] = "development"
    config.pluginmanager.register(parts.PartTimes(), "chibo-part-times")


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Carried in every report, so a pytest -n controller can add up each part's time.
    item.user_properties.append(("part", parts.part_of(item)))


@pytest.fixture(autouse=True)
def _durable_sqlite(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("durability") is not None:
        monkeypatch.setenv(SYNCHRONOUS_ENV, "FULL")


@pytest.fixture
def broker(request: pytest.FixtureRequest) -> Broker:
    """The shared broker; a test marked `broker_outage` (it stops its broker) gets its own."""
    outage = request.node.get_closest_marker("broker_outage") is not None
    return get_broker("outage" if outage else "shared")


@pytest.fixture
def amqp_url(broker: Broker) -> Iterator[str]:
    """A fresh vhost per test: queues and exchanges of one test never meet another's."""
    name = f"t-{uuid.uuid4().hex[:12]}"
    url = broker.new_vhost(name)
    yield url
    broker.delete_vhost(name)


@pytest.fixture(scope="session")
def postgres() -> Postgres:
    return get_postgres()


@pytest.fixture
def pg_url(postgres: Postgres) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    url = postgres.new_database(name)
    yield url
    postgres.drop_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/test.db"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Runs the test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/test.db"
    return str(request.getfixturevalue("pg_url"))


async def migrated(url: str, migrations_dir: Path) -> Database:
    """A Database at head, copied from a template migrated once per set of migrations
    (`chibo_testing.templates`); the copy replaces whatever `url` held."""
    await asyncio.to_thread(templates.restore, url, migrations_dir)
    return Database(url)


@pytest.fixture
async def kit_db(db_url: str) -> AsyncIterator[Database]:
    """A database holding only service_kit's own tables (outbox, inbox, idempotency)."""
    from sqlmodel import SQLModel

    import service_kit.tables as tables

    db = Database(db_url)
    own = [t.__table__ for t in (tables.OutboxEvent, tables.InboxEvent, tables.IdempotencyRecord)]
    async with db.engine.begin() as conn:
        await conn.run_sync(lambda c: SQLModel.metadata.create_all(c, tables=own))
    yield db
    await db.dispose()
