"""`python -m notifications serve|migrate|dlq|openapi|smtp-sink|provision-agency|…`."""

import argparse
import asyncio
import secrets
from pathlib import Path
from typing import cast

from notifications.agencies import service as agencies
from notifications.agencies.provisioning import provision, vhost_of
from notifications.agencies.rules import AmqpGrant
from notifications.email.sink import serve
from notifications.main import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings
from org_tree import backfill
from service_kit.cli import ServiceCli, run
from service_kit.clock import today_in_vietnam
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings


def _sink_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=None, help="default: NOTIFICATIONS_SMTP_PORT")
    parser.add_argument("--dir", type=Path, default=None, help="also write each mail as .eml")


def _sink(settings: ServiceSettings, args: argparse.Namespace) -> int:
    port = args.port if args.port is not None else getattr(settings, "smtp_port", 8025)
    asyncio.run(serve(args.host, port, args.dir))
    return 0


def _agency_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="a registered AMQP agency: user ext.<name>, ext.<name>.stream")
    parser.add_argument("--password", default=None, help="default: a new random one, printed")


def _provision_agency(settings: ServiceSettings, args: argparse.Namespace) -> int:
    """What the agency's registration says (patterns, granted organisations), placed in the
    replica's tree today, becomes its user, its stream and the stream's bindings."""
    s = cast(NotificationsSettings, settings)

    async def grant_of() -> AmqpGrant | str:
        runtime: ServiceRuntime = build_app(s).state.runtime
        try:
            async with runtime.db.session() as session:
                return await agencies.amqp_grant_of(
                    session,
                    args.name,
                    s,
                    vhost_of(s.amqp_url.get_secret_value()),
                    today_in_vietnam(runtime.clock),
                )
        finally:
            await runtime.db.dispose()

    grant = asyncio.run(grant_of())
    if isinstance(grant, str):
        print(grant)
        return 2
    password = args.password or secrets.token_urlsafe(24)
    provision(s.rabbitmq_api_url.get_secret_value(), grant, password)
    print(f"user {grant.user} (vhost {grant.vhost}) reads {grant.stream}")
    print(f"bound to events.public with: {' '.join(grant.binding_keys)}")
    if not args.password:
        print(f"password (shown once): {password}")
    return 0


run(
    ServiceCli(
        NotificationsSettings,
        build_app,
        MIGRATIONS,
        extra={
            "smtp-sink": ("a local SMTP sink to read the mails sent", _sink_arguments, _sink),
            "replica-backfill": backfill.command(build_app),
            "provision-agency": (
                "create or update an AMQP agency's RabbitMQ user and stream (management HTTP API)",
                _agency_arguments,
                _provision_agency,
            ),
        },
    )
)
