"""The command line every service has: `python -m <service> serve|migrate|dlq|openapi`."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

from service_kit import migrations, production, serving
from service_kit.dlq import format_dead_letters, list_dead_letters, replay_dead_letters
from service_kit.rulesets import RuleSetError
from service_kit.settings import ServiceSettings


@dataclass
class ServiceCli:
    settings_factory: Callable[[], ServiceSettings]
    app_factory: Callable[[ServiceSettings], FastAPI]
    migrations_dir: Any
    extra: dict[
        str,
        tuple[
            str,
            Callable[[argparse.ArgumentParser], None],
            Callable[[ServiceSettings, argparse.Namespace], int],
        ],
    ] = field(default_factory=dict)

    def main(self, argv: Sequence[str] | None = None) -> int:
        parser = argparse.ArgumentParser(prog=f"python -m {self.settings_factory().service_name}")
        sub = parser.add_subparsers(dest="command", required=True)
        serve = sub.add_parser("serve", help="migrate (unless disabled) and serve HTTP + consumers")
        serve.add_argument("--port", type=int, default=None)
        sub.add_parser("migrate", help="upgrade the database to the latest migration")
        sub.add_parser("openapi", help="print the OpenAPI document")
        rev = sub.add_parser("makemigration", help="autogenerate the next Alembic revision")
        rev.add_argument("message")
        dlq = sub.add_parser("dlq", help="dead letters of one of this service's queues")
        dlq.add_argument("action", choices=["list", "replay"])
        dlq.add_argument("queue", help="queue name, e.g. scoring.meeting-events")
        dlq.add_argument("--limit", type=int, default=100)
        for name, (help_text, configure, _) in self.extra.items():
            configure(sub.add_parser(name, help=help_text))
        args = parser.parse_args(argv)
        settings = self.settings_factory()
        serving.log_as(settings)
        if args.command == "migrate":
            migrations.upgrade(self.migrations_dir, settings.database_url)
            return 0
        if args.command == "serve":
            if args.port:
                settings.http_port = args.port
            if settings.http_workers > 1 and settings.is_sqlite:
                env = str(settings.model_config.get("env_prefix", ""))
                print(
                    f"{settings.service_name}: không khởi động: {env}HTTP_WORKERS="
                    f"{settings.http_workers} cần PostgreSQL (SQLite chỉ có một tiến trình "
                    f"ghi); đặt {env}DATABASE_URL tới PostgreSQL hoặc {env}HTTP_WORKERS=1",
                    file=sys.stderr,
                )
                return 2
            refused = settings.production_refusals() if settings.mode == "production" else []
            if refused:
                print(production.explain(settings.service_name, refused), file=sys.stderr)
                return 2
            app = self._app(settings)  # before migrating: bad rule files touch nothing
            if app is None:
                return 2
            if settings.migrate_on_start:
                migrations.upgrade(self.migrations_dir, settings.database_url)
            serving.serve(settings, app, self.settings_factory, self.app_factory)
            return 0
        if args.command == "makemigration":
            migrations.make_revision(self.migrations_dir, args.message)
            return 0
        if args.command == "openapi":
            app = self._app(settings)
            if app is None:
                return 2
            print(json.dumps(app.openapi(), ensure_ascii=False, indent=2))
            return 0
        if args.command == "dlq":
            url = settings.amqp_url.get_secret_value()
            if args.action == "list":
                letters = asyncio.run(list_dead_letters(url, args.queue, args.limit))
                print(format_dead_letters(letters) or f"{args.queue}.dlq is empty")
            else:
                count = asyncio.run(replay_dead_letters(url, args.queue, args.limit))
                print(f"replayed {count} message(s) from {args.queue}.dlq into {args.queue}")
            return 0
        _, _, run = self.extra[args.command]
        return run(settings, args)

    def _app(self, settings: ServiceSettings) -> FastAPI | None:
        """The app, or None after saying which rule files stop it (`service_kit.rulesets`)."""
        try:
            return self.app_factory(settings)
        except RuleSetError as exc:
            print(
                f"{settings.service_name}: không khởi động: tệp quy định không hợp lệ\n{exc}",
                file=sys.stderr,
            )
            return None


def run(cli: ServiceCli) -> None:
    sys.exit(cli.main())
