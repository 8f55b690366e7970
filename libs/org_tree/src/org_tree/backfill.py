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
import sys
import time
from collections.abc import Callable

import sqlalchemy as sa
from fastapi import FastAPI

from org_tree.models import OrgLink, OrgNode
from org_tree.registry_client import RegistryClient, RegistryUnavailable
from org_tree.replica import apply_snapshot
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings

FEED = "/v1/organisation-history"


async def backfill(
    runtime: ServiceRuntime, registry: RegistryClient, *, from_scratch: bool = False
) -> int:
    """Applies the registry's whole history to the replica; returns the organisations applied."""
    items = [item async for item in registry.pages(FEED)]
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
            registry = RegistryClient.from_settings(settings, timeout=60)
            try:
                return await backfill(runtime, registry, from_scratch=args.from_scratch)
            finally:
                await registry.aclose()
                await runtime.db.dispose()

        started = time.perf_counter()
        try:
            count = asyncio.run(go())
        except RegistryUnavailable as exc:
            print(f"Không nạp được bản sao: {exc}", file=sys.stderr)
            return 1
        print(f"Đã nạp {count} tổ chức vào bản sao trong {time.perf_counter() - started:.1f} giây.")
        return 0

    return (
        "build the organisation replica from the registry's history feed (paged HTTP)",
        configure,
        run,
    )
