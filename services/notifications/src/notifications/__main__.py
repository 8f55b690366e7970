"""`python -m notifications serve|migrate|dlq|openapi|smtp-sink`."""

import argparse
import asyncio
from pathlib import Path

from notifications.email.sink import serve
from notifications.main import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings
from service_kit.cli import ServiceCli, run
from service_kit.settings import ServiceSettings


def _sink_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=None, help="default: NOTIFICATIONS_SMTP_PORT")
    parser.add_argument("--dir", type=Path, default=None, help="also write each mail as .eml")


def _sink(settings: ServiceSettings, args: argparse.Namespace) -> int:
    port = args.port if args.port is not None else getattr(settings, "smtp_port", 8025)
    asyncio.run(serve(args.host, port, args.dir))
    return 0


run(
    ServiceCli(
        NotificationsSettings,
        build_app,
        MIGRATIONS,
        extra={"smtp-sink": ("a local SMTP sink to read the mails sent", _sink_arguments, _sink)},
    )
)
