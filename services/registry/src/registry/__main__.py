"""`python -m registry serve|migrate|dlq|openapi`."""

from registry.main import MIGRATIONS, build_app
from registry.settings import RegistrySettings
from service_kit.cli import ServiceCli, run

run(ServiceCli(RegistrySettings, build_app, MIGRATIONS))
