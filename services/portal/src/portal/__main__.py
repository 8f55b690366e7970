"""`python -m portal serve|migrate`."""

from portal.main import MIGRATIONS, build_app
from portal.settings import PortalSettings
from service_kit.cli import ServiceCli, run

run(ServiceCli(PortalSettings, build_app, MIGRATIONS))
