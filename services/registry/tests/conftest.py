"""The registry app in-process on a migrated database (SQLite and PostgreSQL), no broker.

These tests are about the tree and its people, not sign-in: the client sends a province
officer's test token (`signed_client`). Sign-in and the registry's own tokens are exercised
with real logins in test_registry_identity_api.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from registry_factories import Registry

from chibo_testing.plugin import migrated
from chibo_testing.tokens import signed_client
from registry.main import MIGRATIONS, build_app
from registry.settings import RegistrySettings


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[Registry]:
    db = await migrated(db_url, MIGRATIONS)
    await db.dispose()
    settings = RegistrySettings(database_url=db_url, amqp_url="amqp://guest:guest@127.0.0.1:1/")  # type: ignore[arg-type]
    app = build_app(settings)
    async with signed_client(app, "http://registry") as client:
        yield Registry(client, app.state.runtime)
    await app.state.runtime.db.dispose()
