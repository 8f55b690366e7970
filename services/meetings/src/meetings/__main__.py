"""`python -m meetings serve|migrate|dlq|openapi|replica-backfill`."""

from meetings.main import MIGRATIONS, build_app
from meetings.settings import MeetingsSettings
from service_kit.cli import ServiceCli, run
from service_kit.replica import backfill

run(
    ServiceCli(
        MeetingsSettings,
        build_app,
        MIGRATIONS,
        extra={"replica-backfill": backfill.command(build_app)},
    )
)
