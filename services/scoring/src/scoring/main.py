"""App factory of the scoring service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from scoring.meeting_scores.router import router as scores_router
from scoring.settings import ScoringSettings
from scoring.subscriptions import SUBSCRIPTIONS
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings
from service_kit.web.app import create_app

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or ScoringSettings()
    runtime = ServiceRuntime(settings, migrations_dir=MIGRATIONS, subscriptions=SUBSCRIPTIONS)
    return create_app(
        runtime,
        title="chibo scoring",
        description="Chấm điểm chất lượng sinh hoạt chi bộ, tổng hợp theo kỳ và xếp loại.",
        routers=[scores_router],
    )
