"""App factory of the scoring service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from org_tree.scope import ReplicaScopeTree
from scoring.classification.router import router as classification_router
from scoring.compliance.router import router as compliance_router
from scoring.compliance.scheduled import compliance_sweeper
from scoring.meeting_scores.router import router as scores_router
from scoring.policy import POLICY_FILE, install_policy, load_policy
from scoring.rankings.router import router as rankings_router
from scoring.reports.router import router as reports_router
from scoring.rescoring.router import router as rescoring_router
from scoring.rescoring.scheduled import rescoring_runner
from scoring.rollups.router import router as rollups_router
from scoring.rollups.router import subtree_router as subtree_rollups_router
from scoring.rubrics.active import install
from scoring.rubrics.book import RUBRICS_DIR, load_book
from scoring.scope import RESOLVERS
from scoring.settings import ScoringSettings
from scoring.subscriptions import SUBSCRIPTIONS
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings
from service_kit.web.app import create_app

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or ScoringSettings()
    rubrics_dir, rubric_id = RUBRICS_DIR, None
    if isinstance(settings, ScoringSettings):
        rubrics_dir, rubric_id = settings.rubrics_dir or RUBRICS_DIR, settings.rubric_id
    # A rubric file that does not validate stops the start-up, naming the file and the path.
    install(load_book(rubrics_dir), rubric_id)
    policy_file = POLICY_FILE
    if isinstance(settings, ScoringSettings) and settings.policy_file is not None:
        policy_file = settings.policy_file
    install_policy(load_policy(policy_file))
    runtime = ServiceRuntime(
        settings,
        migrations_dir=MIGRATIONS,
        subscriptions=SUBSCRIPTIONS,
        background=[compliance_sweeper, rescoring_runner],
    )
    return create_app(
        runtime,
        title="chibo scoring",
        description="Chấm điểm chất lượng sinh hoạt chi bộ, tổng hợp theo kỳ và xếp loại.",
        routers=[
            scores_router,
            rollups_router,
            subtree_rollups_router,
            rankings_router,
            compliance_router,
            classification_router,
            reports_router,
            rescoring_router,
        ],
        scope_tree=ReplicaScopeTree(),
        scope_resolvers=RESOLVERS,
    )
