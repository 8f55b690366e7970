"""The registry app in-process on a migrated database (SQLite and PostgreSQL), no broker."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from registry_factories import Registry

from registry.main import MIGRATIONS, build_app
from registry.settings import RegistrySettings
from service_kit.testing.plugin import migrated


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[Registry]:
    db = await migrated(db_url, MIGRATIONS)
    await db.dispose()
    settings = RegistrySettings(database_url=db_url, amqp_url="amqp://guest:guest@127.0.0.1:1/")  # type: ignore[arg-type]
    app = build_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://registry") as client:
        yield Registry(client, app.state.runtime)
    await app.state.runtime.db.dispose()
