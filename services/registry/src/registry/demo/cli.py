"""`python -m registry demo --seed 1 [--scale thach-ha|bac-me|province-20000|…]`."""

from __future__ import annotations

import argparse
import asyncio
import time

from registry.demo.generator import SCALES, build
from registry.demo.service import DemoSummary, load
from registry.imports.progress import ProgressBar
from registry.organisations.rules import KIND_NAMES_VI
from service_kit import migrations
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings

HELP = "write a deterministic demo province (organisations, members, roles, observers)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", choices=sorted(SCALES), default="thach-ha")
    parser.add_argument(
        "--members-per-branch",
        type=float,
        default=None,
        help="override the source district's member count (load tests)",
    )


def describe(summary: DemoSummary, seconds: float) -> str:
    if not summary.created:
        return f"Dữ liệu mẫu «{summary.scale}» đã có; không ghi thêm."
    kinds = ", ".join(f"{n:,} {KIND_NAMES_VI[k]}" for k, n in summary.by_kind.items())
    return (
        f"Đã tạo dữ liệu mẫu «{summary.scale}» trong {seconds:.1f} giây: {kinds}; "
        f"{summary.branches:,} chi bộ, {summary.members:,} đảng viên, {summary.roles:,} chức vụ, "
        f"{summary.observers:,} phân công dự sinh hoạt; {summary.events:,} sự kiện vào outbox."
    )


def run(settings: ServiceSettings, args: argparse.Namespace) -> int:
    from registry.main import MIGRATIONS

    if settings.migrate_on_start:
        migrations.upgrade(MIGRATIONS, settings.database_url)
    started = time.perf_counter()
    province = build(args.scale, args.seed, args.members_per_branch)
    bar = ProgressBar()

    async def go() -> DemoSummary:
        runtime = ServiceRuntime(settings, migrations_dir=MIGRATIONS)
        try:
            async with runtime.uow() as uow:
                summary = await load(uow, province, report=bar)
                await uow.commit()
            return summary
        finally:
            await runtime.db.dispose()

    summary = asyncio.run(go())
    bar.close()
    print(describe(summary, time.perf_counter() - started))
    return 0
