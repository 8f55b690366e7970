"""App factory of the notifications service."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import cast

from fastapi import FastAPI

from notifications.agencies.router import router as agencies_router
from notifications.context import NotificationsContext
from notifications.contract.router import router as contract_router
from notifications.deliveries.router import router as deliveries_router
from notifications.deliveries.scheduled import deliver
from notifications.directory.registry import RegistryPeople, connect
from notifications.directory.router import router as directory_router
from notifications.directory.service import CONFIGURED, Directory, RegistryDirectory
from notifications.fatigue.scheduled import send_digests
from notifications.feed.router import router as feed_router
from notifications.feed.stream import declare_public_stream
from notifications.inbox.router import router as inbox_router
from notifications.permissions import PERMISSIONS
from notifications.reminders.router import router as reminders_router
from notifications.reminders.scheduled import send_reminders
from notifications.rules.router import router as rules_router
from notifications.scope import RESOLVERS
from notifications.settings import NotificationsSettings
from notifications.subscriptions import SUBSCRIPTIONS
from notifications.webhooks.router import router as webhooks_router
from notifications.webhooks.targets import Resolver, system_resolver
from org_tree.registry_client import RegistryClient
from org_tree.scope import ReplicaScopeTree
from service_kit.runtime import BackgroundTask, ServiceRuntime
from service_kit.settings import ServiceSettings
from service_kit.web.app import create_app

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def build_app(
    service_settings: ServiceSettings | None = None,
    *,
    registry: RegistryClient | None = None,
    resolver: Resolver = system_resolver,
) -> FastAPI:
    """`registry`: how to call the registry (tests pass one in process); by default this
    service's own client when it has client credentials, else none (configured contacts only).
    `resolver`: how webhook names are resolved (tests pass a fixed table)."""
    settings = cast(NotificationsSettings, service_settings or NotificationsSettings())
    background: list[BackgroundTask] = [deliver, send_digests, send_reminders, _stop_renderer]
    if registry is None:
        registry = connect(settings)
        if registry is not None:
            background.append(_closing(registry))
    directory: Directory = (
        RegistryDirectory(RegistryPeople.from_settings(registry, settings))
        if registry is not None
        else CONFIGURED
    )
    runtime = ServiceRuntime(
        settings,
        migrations_dir=MIGRATIONS,
        subscriptions=SUBSCRIPTIONS,
        background=background,
        context=lambda rt: NotificationsContext(
            rt, directory=directory, registry=registry, resolver=resolver
        ),
    )
    runtime.bus.on_connected(lambda connection: declare_public_stream(connection, settings))
    app = create_app(
        runtime,
        title="chibo notifications",
        description="Thông báo: thư điện tử, webhook có chữ ký và hộp thư trong ứng dụng.",
        routers=[
            inbox_router,
            rules_router,
            directory_router,
            webhooks_router,
            deliveries_router,
            agencies_router,
            feed_router,
            reminders_router,
        ],
        public_routers=[contract_router],
        scope_tree=ReplicaScopeTree(),
        permissions=PERMISSIONS,
        scope_resolvers=RESOLVERS,
    )
    return app


async def _stop_renderer(ctx: NotificationsContext) -> None:
    """Ends the template worker processes when the service stops."""
    try:
        await asyncio.Event().wait()
    finally:
        ctx.renderer.close()


def _closing(registry: RegistryClient) -> BackgroundTask:
    async def close_registry_client(_: NotificationsContext) -> None:
        """Keeps the registry client while the service runs; closes it when it stops."""
        try:
            await asyncio.Event().wait()
        finally:
            await registry.aclose()

    return close_registry_client
