"""App factory of the scoring service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from org_tree.scope import ReplicaScopeTree
from scoring.classification.router import router as classification_router
from scoring.compliance.router import router as compliance_router
from scoring.compliance.scheduled import compliance_sweeper
from scoring.context import scoring_context
from scoring.dryrun.router import router as dryrun_router
from scoring.formality.router import router as formality_router
from scoring.meeting_scores.router import router as scores_router
from scoring.permissions import PERMISSIONS
from scoring.rankings.router import router as rankings_router
from scoring.reports.router import router as reports_router
from scoring.rescoring.router import router as rescoring_router
from scoring.rescoring.scheduled import rescoring_runner
from scoring.rollout.router import router as rollout_router
from scoring.rollups.router import router as rollups_router
from scoring.rollups.router import subtree_router as subtree_rollups_router
from scoring.rubrics.router import router as rubrics_router
from scoring.scope import RESOLVERS
from scoring.settings import ScoringSettings
from scoring.subscriptions import SUBSCRIPTIONS
from service_kit.runtime import ServiceRuntime
from service_kit.settings import MiB, ServiceSettings
from service_kit.web.app import create_app

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    if settings is None:
        settings = ScoringSettings()
    elif not isinstance(settings, ScoringSettings):
        settings = ScoringSettings(**settings.model_dump())
    runtime = ServiceRuntime(
        settings,
        migrations_dir=MIGRATIONS,
        subscriptions=SUBSCRIPTIONS,
        background=[compliance_sweeper, rescoring_runner],
        context=scoring_context(settings),
    )
    return create_app(
        runtime,
        title="chibo scoring",
        description="Chấm điểm chất lượng sinh hoạt chi bộ, tổng hợp theo kỳ và xếp loại.",
        routers=[
            scores_router,
            rollups_router,
            subtree_rollups_router,
            rollout_router,
            formality_router,
            dryrun_router,
            rankings_router,
            compliance_router,
            classification_router,
            reports_router,
            rescoring_router,
            rubrics_router,
        ],
        scope_tree=ReplicaScopeTree(),
        permissions=PERMISSIONS,
        scope_resolvers=RESOLVERS,
        # A province-wide classification names its exclusions (up to 50,000 members).
        body_limits={"/v1/classifications/": 8 * MiB},
    )
