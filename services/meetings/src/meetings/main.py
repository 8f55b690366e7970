"""App factory of the meetings service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from meetings.meetings.router import router as meetings_router
from meetings.settings import MeetingsSettings
from meetings.subscriptions import SUBSCRIPTIONS
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings
from service_kit.web.app import create_app

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or MeetingsSettings()
    runtime = ServiceRuntime(settings, migrations_dir=MIGRATIONS, subscriptions=SUBSCRIPTIONS)
    return create_app(
        runtime,
        title="chibo meetings",
        description="Biên bản sinh hoạt chi bộ, báo cáo của cấp ủy viên dự họp và kiến nghị.",
        routers=[meetings_router],
    )
