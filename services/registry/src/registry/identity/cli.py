"""`python -m registry create-admin --username … [--password …] [--organisation CODE]`.

The bootstrap of identity: the first province admin, who then creates everyone else over HTTP.
Without `--password` the password is read from `REGISTRY_ADMIN_PASSWORD` or asked for.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from registry.identity.service import Identity
from service_kit import migrations
from service_kit.errors import DomainError
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings

HELP = "create the first province-level admin user (bootstrap of sign-in)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", help="default: $REGISTRY_ADMIN_PASSWORD, else a prompt")
    parser.add_argument(
        "--organisation", help="province code or id; default: the only province registered"
    )


def run(settings: ServiceSettings, args: argparse.Namespace) -> int:
    from registry.main import MIGRATIONS

    password = (
        args.password or os.environ.get("REGISTRY_ADMIN_PASSWORD") or getpass.getpass("Mật khẩu: ")
    )
    if settings.migrate_on_start:
        migrations.upgrade(MIGRATIONS, settings.database_url)

    async def go() -> str:
        runtime = ServiceRuntime(settings, migrations_dir=MIGRATIONS)
        try:
            identity = Identity(runtime)
            async with runtime.uow() as uow:
                user = await identity.bootstrap_admin(
                    uow, args.username, password, args.organisation
                )
                await uow.commit()
            return user.id
        finally:
            await runtime.db.dispose()

    try:
        user_id = asyncio.run(go())
    except DomainError as problem:
        print(problem.detail, file=sys.stderr)
        for error in problem.errors:
            print(f"  {error['pointer']}: {error['detail']}", file=sys.stderr)
        return 1
    print(f"Đã tạo tài khoản quản trị {args.username} ({user_id}).")
    return 0
