"""`python -m scoring serve|migrate|dlq|openapi|replica-backfill|rescore`."""

from org_tree import backfill
from scoring.main import MIGRATIONS, build_app
from scoring.rescoring import cli as rescoring
from scoring.settings import ScoringSettings
from service_kit.cli import ServiceCli, run

run(
    ServiceCli(
        ScoringSettings,
        build_app,
        MIGRATIONS,
        extra={
            "replica-backfill": backfill.command(build_app),
            "rescore": rescoring.command(build_app),
        },
    )
)
