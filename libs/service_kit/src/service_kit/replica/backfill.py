"""Building the organisation replica from the registry's paged history feed, from scratch if
asked: `python -m <service> replica-backfill [--from-scratch]`.

The events keep the replica current; the backfill is for a new service, a lost database, or a
replica that must be rebuilt. It is safe while consumers run: facts carry versions and links are
keyed by their start, so snapshot and events may be applied in any order. The whole feed is read
first and applied in one transaction, so a failure leaves the replica as it was.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI

from service_kit.replica.models import OrgLink, OrgNode
from service_kit.replica.org_tree import apply_snapshot
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings
from service_kit.web.pagination import MAX_LIMIT

FEED = "/v1/organisation-history"
PAGE = MAX_LIMIT

TokenSource = Callable[[httpx.AsyncClient], Awaitable[str]]


def client_credentials(settings: ServiceSettings) -> TokenSource:
    """This service's token from the registry (client_credentials grant)."""

    async def token(client: httpx.AsyncClient) -> str:
        if not settings.client_id or settings.client_secret is None:
            raise SystemExit(
                f"Cần {settings.service_name.upper()}_CLIENT_ID và "
                f"{settings.service_name.upper()}_CLIENT_SECRET (ứng dụng loại service ở registry)."
            )
        r = await client.post(
            "/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": settings.client_id,
                "client_secret": settings.client_secret.get_secret_value(),
            },
        )
        if r.status_code != 200:
            raise SystemExit(f"registry từ chối cấp mã truy cập: {r.status_code} {r.text[:300]}")
        return str(r.json()["access_token"])

    return token


async def fetch_history(client: httpx.AsyncClient, token: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": PAGE}
    while True:
        r = await client.get(FEED, params=params, headers={"Authorization": f"Bearer {token}"})
        r.raise_for_status()
        body = r.json()
        items += body["items"]
        if not body["next_cursor"]:
            return items
        params = {"limit": PAGE, "cursor": body["next_cursor"]}


async def backfill(
    runtime: ServiceRuntime,
    client: httpx.AsyncClient,
    token: TokenSource,
    *,
    from_scratch: bool = False,
) -> int:
    """Applies the registry's whole history to the replica; returns the organisations applied."""
    items = await fetch_history(client, await token(client))
    async with runtime.uow() as uow:
        if from_scratch:
            await uow.session.execute(sa.delete(OrgLink))
            await uow.session.execute(sa.delete(OrgNode))
        for item in items:
            await apply_snapshot(uow.session, item)
        await uow.commit()
    return len(items)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from-scratch", action="store_true", help="empty the replica first (a full rebuild)"
    )


def command(
    app_factory: Callable[[ServiceSettings], FastAPI],
) -> tuple[str, Callable[[argparse.ArgumentParser], None], Callable[..., int]]:
    """The `replica-backfill` CLI command of a service that keeps the organisation replica."""

    def run(settings: ServiceSettings, args: argparse.Namespace) -> int:
        async def go() -> int:
            runtime: ServiceRuntime = app_factory(settings).state.runtime
            try:
                async with httpx.AsyncClient(base_url=settings.registry_url, timeout=60) as client:
                    return await backfill(
                        runtime,
                        client,
                        client_credentials(settings),
                        from_scratch=args.from_scratch,
                    )
            finally:
                await runtime.db.dispose()

        started = time.perf_counter()
        count = asyncio.run(go())
        print(f"Đã nạp {count} tổ chức vào bản sao trong {time.perf_counter() - started:.1f} giây.")
        return 0

    return (
        "build the organisation replica from the registry's history feed (paged HTTP)",
        configure,
        run,
    )
