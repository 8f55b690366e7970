"""`python -m notifications serve|migrate|dlq|openapi|smtp-sink|provision-agency|…`."""

import argparse
import asyncio
import secrets
from pathlib import Path
from typing import cast

from notifications.agencies.provisioning import provision, vhost_of
from notifications.agencies.rules import NAME, amqp_grant, pattern_problem
from notifications.email.sink import serve
from notifications.main import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings
from org_tree import backfill
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


def _agency_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="agency slug: user ext.<name>, queue ext.<name>.<queue>")
    parser.add_argument("--patterns", nargs="+", required=True, help="e.g. 'meetings.request.#'")
    parser.add_argument("--queue", default="events", help="queue suffix (default: events)")
    parser.add_argument("--password", default=None, help="default: a new random one, printed")


def _provision_agency(settings: ServiceSettings, args: argparse.Namespace) -> int:
    s = cast(NotificationsSettings, settings)
    problems = [p for p in map(pattern_problem, args.patterns) if p]
    if not NAME.match(args.name) or not NAME.match(args.queue):
        problems.append("name and queue: lower-case letters, digits and dashes")
    if problems:
        print("\n".join(problems))
        return 2
    grant = amqp_grant(
        args.name,
        args.patterns,
        vhost_of(s.amqp_url.get_secret_value()),
        queue_suffix=args.queue,
        max_length=s.agency_queue_max_length,
        max_length_bytes=s.agency_queue_max_length_bytes,
        delivery_limit=s.agency_queue_delivery_limit,
        max_connections=s.agency_max_connections,
        max_channels=s.agency_max_channels,
    )
    password = args.password or secrets.token_urlsafe(24)
    provision(s.rabbitmq_api_url.get_secret_value(), grant, password)
    print(f"user {grant.user} (vhost {grant.vhost}) consumes {grant.queue}")
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
                "create an agency's RabbitMQ user and queue (management HTTP API)",
                _agency_arguments,
                _provision_agency,
            ),
        },
    )
)
