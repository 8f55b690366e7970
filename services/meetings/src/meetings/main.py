"""App factory of the meetings service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from meetings.context import meetings_context
from meetings.dryrun.router import router as dry_run_router
from meetings.meetings.drafts import router as drafts_router
from meetings.meetings.router import branches as branches_router
from meetings.meetings.router import router as meetings_router
from meetings.observers.router import router as observers_router
from meetings.observers.scheduled import overdue_report_sweeper
from meetings.permissions import PERMISSIONS
from meetings.requests.router import router as requests_router
from meetings.requests.scheduled import request_sweeper
from meetings.schedules.scheduled import missed_meeting_sweeper
from meetings.scope import RESOLVERS
from meetings.settings import MeetingsSettings
from meetings.subscriptions import SUBSCRIPTIONS
from org_tree.scope import ReplicaScopeTree
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings
from service_kit.web.app import create_app

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or MeetingsSettings()
    runtime = ServiceRuntime(
        settings,
        migrations_dir=MIGRATIONS,
        subscriptions=SUBSCRIPTIONS,
        background=[request_sweeper, missed_meeting_sweeper, overdue_report_sweeper],
        context=meetings_context(settings),
    )
    app = create_app(
        runtime,
        title="chibo meetings",
        description="Biên bản sinh hoạt chi bộ, báo cáo của cấp ủy viên dự họp và kiến nghị.",
        routers=[
            meetings_router,
            drafts_router,
            branches_router,
            requests_router,
            observers_router,
            dry_run_router,
        ],
        scope_tree=ReplicaScopeTree(),
        permissions=PERMISSIONS,
        scope_resolvers=RESOLVERS,
    )
    return app
