"""`python -m meetings serve|migrate|dlq|openapi`."""

from meetings.main import MIGRATIONS, build_app
from meetings.settings import MeetingsSettings
from service_kit.cli import ServiceCli, run

run(ServiceCli(MeetingsSettings, build_app, MIGRATIONS))
