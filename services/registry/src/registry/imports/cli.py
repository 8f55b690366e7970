"""`python -m registry import organisations|members FILE [--dry-run] [--partial] [--json]`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from pathlib import Path

from registry.imports.progress import ProgressBar
from registry.imports.reader import CLI_LIMITS
from registry.imports.schemas import ImportReport
from registry.imports.service import import_file
from service_kit import migrations
from service_kit.errors import TooLarge
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings

HELP = "import organisations or members from a CSV/XLSX file (all-or-nothing)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=["organisations", "members"])
    parser.add_argument("file", type=Path, help="CSV (UTF-8) or XLSX")
    parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    parser.add_argument("--partial", action="store_true", help="write the good rows anyway")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def summary(report: ImportReport) -> str:
    if report.written:
        head = "Đã nhập"
    elif report.dry_run and not report.errors:
        head = "Kiểm tra xong (chưa ghi)"
    elif report.errors and not report.partial:
        head = "Không nhập: tệp có lỗi, chưa ghi dòng nào"
    else:
        head = "Không có gì mới"
    lines = [
        f"{head}. {report.rows:,} dòng: {report.created:,} mới, {report.unchanged:,} đã có, "
        f"{report.rejected:,} lỗi; {report.events:,} sự kiện; {report.seconds:.1f} giây."
    ]
    if report.ignored_columns:
        lines.append(f"Bỏ qua các cột: {', '.join(report.ignored_columns)}.")
    lines += [e.message for e in report.errors]
    return "\n".join(lines)


def run(settings: ServiceSettings, args: argparse.Namespace) -> int:
    from registry.main import MIGRATIONS

    if settings.migrate_on_start:
        migrations.upgrade(MIGRATIONS, settings.database_url)
    bar = ProgressBar()

    async def go() -> ImportReport:
        runtime = ServiceRuntime(settings, migrations_dir=MIGRATIONS)
        try:
            return await import_file(
                runtime.uow,
                args.kind,
                args.file.read_bytes(),
                dry_run=args.dry_run,
                partial=args.partial,
                report=bar,
                actor=f"cli:{getpass.getuser()}",
                limits=CLI_LIMITS,
            )
        finally:
            await runtime.db.dispose()

    try:
        report = asyncio.run(go())
    except TooLarge as exc:
        bar.close()
        print(exc.detail, file=sys.stderr)
        return 1
    bar.close()
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        print(summary(report), file=sys.stdout)
    return 1 if report.errors and not report.partial else 0
