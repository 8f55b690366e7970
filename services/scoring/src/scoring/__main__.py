"""`python -m scoring serve|migrate|dlq|openapi`."""

from scoring.main import MIGRATIONS, build_app
from scoring.settings import ScoringSettings
from service_kit.cli import ServiceCli, run

run(ServiceCli(ScoringSettings, build_app, MIGRATIONS))
