"""`python -m meetings serve|migrate|dlq|openapi|replica-backfill`."""

from meetings.main import MIGRATIONS, build_app
from meetings.settings import MeetingsSettings
from org_tree import backfill
from service_kit.cli import ServiceCli, run

run(
    ServiceCli(
        MeetingsSettings,
        build_app,
        MIGRATIONS,
        extra={"replica-backfill": backfill.command(build_app)},
    )
)
