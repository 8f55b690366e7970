"""`python -m notifications serve|migrate|dlq|openapi`."""

from notifications.main import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings
from service_kit.cli import ServiceCli, run

run(ServiceCli(NotificationsSettings, build_app, MIGRATIONS))
