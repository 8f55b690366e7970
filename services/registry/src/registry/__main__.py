"""`python -m registry serve|migrate|dlq|openapi|import|demo|create-admin`."""

from registry.demo import cli as demo_cli
from registry.identity import cli as identity_cli
from registry.imports import cli as import_cli
from registry.main import MIGRATIONS, build_app
from registry.settings import RegistrySettings
from service_kit.cli import ServiceCli, run

run(
    ServiceCli(
        RegistrySettings,
        build_app,
        MIGRATIONS,
        extra={
            "import": (import_cli.HELP, import_cli.configure, import_cli.run),
            "demo": (demo_cli.HELP, demo_cli.configure, demo_cli.run),
            "create-admin": (identity_cli.HELP, identity_cli.configure, identity_cli.run),
        },
    )
)
