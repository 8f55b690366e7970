"""The registry's bulk import of members: rows per second through `imports.service.import_file`
(what `POST /v1/imports/members` and `python -m registry import members` call), against a plain
Core bulk insert of the same member rows into the same table, measured in the same run.

    .venv/bin/python services/registry/bench/import_bench.py --members 50000
    .venv/bin/python services/registry/bench/import_bench.py --members 5000 --database postgres

A generated province (Vietnamese names, ~40 members per branch, 30 branches per commune) is
first imported as an organisations file (not timed), once per variant, each variant on its own
database. Then, timed:
- baseline: one transaction, `INSERT INTO member` executed for every row (Core, executemany),
  the rows built beforehand — the table's write speed on this machine;
- import: the CSV file as bytes → read and check every row (in a worker thread), look up the
  branches and stored cards, plan, then the multi-row INSERTs of members, status periods, home
  links, `MemberAdmitted` outbox events and the audit entry, in one unit of work.
Prints both rates, the ratio, where the import's time goes, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import io
import random
import resource
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from registry.audit import record as audit
from registry.demo import names
from registry.imports import bulk, rules, service
from registry.imports.reader import CLI_LIMITS
from registry.main import MIGRATIONS, build_app
from registry.members.models import Member
from registry.settings import RegistrySettings
from service_kit import migrations
from service_kit.ids import new_id
from service_kit.runtime import ServiceRuntime

PER_BRANCH = 40
BRANCHES_PER_COMMUNE = 30
ORG_HEADER = ["Mã tổ chức", "Tên", "Loại", "Mã cấp trên", "Ngày hiệu lực", "Loại hình"]
MEMBER_HEADER = [
    "STT",
    "Mã đảng viên",
    "Họ và tên",
    "Ngày sinh",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Mã chi bộ",
    "Trạng thái",
    "Số điện thoại",
    "Email",
    "CCCD",
]
VARIANTS = ("baseline", "import")


@dataclass(frozen=True)
class Person:
    card: str
    full_name: str
    born: date
    admitted: date
    full_on: date | None
    branch: str
    phone: str | None
    email: str | None
    citizen_id: str | None


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()  # as Excel saves «CSV UTF-8»


def show(day: date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def province(members: int, rng: random.Random) -> tuple[bytes, list[str]]:
    """The organisations file (province → communes → branches) and the branch codes."""
    branch_count = max(1, -(-members // PER_BRANCH))
    communes = max(1, -(-branch_count // BRANCHES_PER_COMMUNE))
    commune_names = names.place_names(
        rng, communes, names.LOWLAND_VILLAGE_FIRST, names.LOWLAND_VILLAGE_SECOND
    )
    rows = [ORG_HEADER, ["HT", "Tỉnh ủy Hà Tĩnh", "Tỉnh ủy", "", "01/01/1990", ""]]
    branches: list[str] = []
    for c in range(communes):
        commune = f"HT.X{c + 1:03d}"
        name = f"Đảng bộ xã {commune_names[c]}"
        rows.append([commune, name, "Đảng bộ xã", "HT", "01/01/1995", ""])
        count = min(BRANCHES_PER_COMMUNE, branch_count - len(branches))
        villages = names.place_names(
            rng, count, names.LOWLAND_VILLAGE_FIRST, names.LOWLAND_VILLAGE_SECOND
        )
        for b in range(count):
            code = f"{commune}.{b + 1:02d}"
            branches.append(code)
            name = f"Chi bộ thôn {villages[b]}"
            rows.append([code, name, "Chi bộ trực thuộc", commune, "01/01/1995", "thôn"])
    return csv_bytes(rows), branches


def people(n: int, branches: list[str], rng: random.Random) -> list[Person]:
    """Members as a commune office would list them: born 1945–2002, admitted at 18–45, full
    members a year and a bit later, except those admitted within the last year (probationary);
    most with a phone and a citizen ID, some with an e-mail."""
    found: list[Person] = []
    for i in range(n):
        female = rng.random() < 0.4
        born = date(1945, 1, 1) + timedelta(days=rng.randrange(57 * 365))
        admitted = born + timedelta(days=365 * rng.randint(19, 45) + rng.randrange(300))
        admitted = min(admitted, date(2025, 6, 30) - timedelta(days=rng.randrange(120)))
        full_on = (
            admitted + timedelta(days=366 + rng.randrange(60))
            if admitted < date(2024, 5, 1)
            else None
        )
        found.append(
            Person(
                card=f"42.{i + 1:06d}",
                full_name=names.person_name(rng, female, names.FAMILY_NAMES),
                born=born,
                admitted=admitted,
                full_on=full_on,
                branch=branches[i // PER_BRANCH % len(branches)],
                phone=f"09{rng.randrange(10**8):08d}" if rng.random() < 0.8 else None,
                email=f"dv{i + 1}@example.vn" if rng.random() < 0.3 else None,
                citizen_id=f"0420{rng.randrange(10**8):08d}" if rng.random() < 0.85 else None,
            )
        )
    return found


def members_file(persons: list[Person]) -> bytes:
    rows = [MEMBER_HEADER]
    for i, p in enumerate(persons, start=1):
        rows.append(
            [
                str(i),
                p.card,
                p.full_name,
                show(p.born),
                show(p.admitted),
                show(p.full_on),
                p.branch,
                "Chính thức" if p.full_on else "Dự bị",
                p.phone or "",
                p.email or "",
                p.citizen_id or "",
            ]
        )
    return csv_bytes(rows)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def baseline(runtime: ServiceRuntime, persons: list[Person]) -> float:
    now = runtime.clock.now()
    rows = [
        {
            "id": new_id(),
            "full_name": p.full_name,
            "party_card_number": p.card,
            "date_of_birth": p.born,
            "phone": p.phone,
            "email": p.email,
            "citizen_id": p.citizen_id,
            "admitted_on": p.admitted,
            "full_member_on": p.full_on,
            "version": 1,
            "created_at": now,
        }
        for p in persons
    ]
    started = time.perf_counter()
    async with runtime.db.transaction() as session:
        await session.execute(sa.insert(Member.__table__), rows)
    return time.perf_counter() - started


PHASES = {
    "read and check": (service, "_check"),
    "stored organisations": (service, "_organisations"),
    "stored members": (service, "_members"),
    "plan": (rules, "plan_members"),
    "bulk writes": (bulk, "insert_members"),
    "audit entry": (audit, "record"),
}


@contextlib.contextmanager
def timing_phases() -> Iterator[dict[str, float]]:
    """Seconds spent in each step of `import_file` (its module-level callees, wrapped for the
    run; what is left is the session's flush and the commit)."""
    spent: dict[str, float] = dict.fromkeys(PHASES, 0.0)
    originals = {label: getattr(module, attr) for label, (module, attr) in PHASES.items()}

    def wrap(label: str, fn: Any) -> Any:
        if asyncio.iscoroutinefunction(fn):

            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return await fn(*args, **kwargs)
                finally:
                    spent[label] += time.perf_counter() - t0

            return timed_async

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - t0

        return timed

    for label, (module, attr) in PHASES.items():
        setattr(module, attr, wrap(label, originals[label]))
    try:
        yield spent
    finally:
        for label, (module, attr) in PHASES.items():
            setattr(module, attr, originals[label])


async def real(runtime: ServiceRuntime, data: bytes, n: int) -> tuple[float, dict[str, float]]:
    with timing_phases() as spent:
        started = time.perf_counter()
        report = await service.import_file(
            runtime.uow, "members", data, actor="bench", limits=CLI_LIMITS
        )
        elapsed = time.perf_counter() - started
    assert report.written and report.created == n and not report.errors, report.errors[:3]
    return elapsed, spent


async def run(n: int, url_of: Callable[[str], str]) -> None:
    rng = random.Random(12)
    org_file, branches = province(n, rng)
    persons = people(n, branches, rng)
    data = members_file(persons)
    results: dict[str, float] = {}
    rss: dict[str, float] = {}
    phases: dict[str, float] = {}
    for name in VARIANTS:
        url = url_of(name)
        await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
        settings = RegistrySettings(database_url=url, amqp_url="amqp://guest:guest@127.0.0.1:1/")
        runtime: ServiceRuntime = build_app(settings).state.runtime
        t0 = time.perf_counter()
        orgs = await service.import_file(runtime.uow, "organisations", org_file, actor="bench")
        assert orgs.written and not orgs.errors, orgs.errors[:3]
        seeded = time.perf_counter() - t0
        if name == "baseline":
            seconds = await baseline(runtime, persons)
        else:
            seconds, phases = await real(runtime, data, n)
        async with runtime.db.session() as session:
            stored = await session.scalar(sa.select(sa.func.count()).select_from(Member))
        assert stored == n, (name, stored)
        await runtime.db.dispose()
        results[name] = n / seconds
        rss[name] = peak_rss_mib()
        print(
            f"{name}: {orgs.created:,} organisations seeded in {seeded:.1f}s; "
            f"{n:,} members in {seconds:.2f}s",
            flush=True,
        )
    database = url_of("baseline").split(":")[0].split("+")[0]
    base, rate = results["baseline"], results["import"]
    print(
        f"{database}: {n:,} members ({len(branches):,} branches, CSV {len(data) / 2**20:.1f} MiB)"
    )
    print(f"baseline (Core INSERT of the member rows, one transaction): {base:,.0f} rows/s")
    print(
        f"import (file → check → plan → member + status + home link + event + audit): "
        f"{rate:,.0f} rows/s ({rate / base:.2f}x baseline)"
    )
    rest = n / rate - sum(phases.values())
    shown = ", ".join(f"{label} {s:.2f}s" for label, s in phases.items())
    print(f"import phases: {shown}, flush and commit {rest:.2f}s")
    print(f"peak RSS: {rss['import']:,.0f} MiB (after the baseline: {rss['baseline']:,.0f} MiB)")


def main(n: int, database: str) -> None:
    if database == "postgres":
        from chibo_testing.servers import get_postgres

        pg = get_postgres()
        db_names = {v: f"bench_{uuid.uuid4().hex[:10]}" for v in VARIANTS}
        try:
            asyncio.run(run(n, lambda v: pg.new_database(db_names[v])))
        finally:
            for db_name in db_names.values():
                pg.drop_database(db_name)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(run(n, lambda v: f"sqlite+aiosqlite:///{tmp}/{v}.db"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    main(args.members, args.database)
