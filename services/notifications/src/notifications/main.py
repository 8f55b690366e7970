"""App factory of the notifications service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from notifications.agencies.router import router as agencies_router
from notifications.deliveries.router import router as deliveries_router
from notifications.deliveries.scheduled import deliver
from notifications.directory.router import router as directory_router
from notifications.fatigue.scheduled import send_digests
from notifications.inbox.router import router as inbox_router
from notifications.reminders.scheduled import send_reminders
from notifications.rules.router import router as rules_router
from notifications.scope import RESOLVERS
from notifications.settings import NotificationsSettings
from notifications.subscriptions import SUBSCRIPTIONS
from notifications.webhooks.router import router as webhooks_router
from service_kit.replica.scope import ReplicaScopeTree
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings
from service_kit.web.app import create_app

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or NotificationsSettings()
    runtime = ServiceRuntime(
        settings,
        migrations_dir=MIGRATIONS,
        subscriptions=SUBSCRIPTIONS,
        background=[deliver, send_digests, send_reminders],
    )
    return create_app(
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
        ],
        scope_tree=ReplicaScopeTree(),
        scope_resolvers=RESOLVERS,
    )
