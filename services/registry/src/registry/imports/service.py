"""Importing a file: read, check every row against the registry, then write all of it in one
unit of work with bulk statements (or nothing, when any row is bad and `partial` is off).

Rows are matched on their codes (`Mã tổ chức`, `Mã đảng viên`): a row already stored with the
same data is skipped, so importing the same file twice changes nothing and emits no events.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit import record as audit
from registry.golive import service as golive
from registry.imports import bulk, reader, rules
from registry.imports.reader import Limits, UnreadableFile, read_table
from registry.imports.schemas import ImportKind, ImportReport, RowErrorOut
from registry.members.models import Member, MemberAffiliation, MemberStatusPeriod
from registry.organisations.models import Organisation, OrganisationLink
from service_kit.errors import TooLarge
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork

LOOKUP_CHUNK = 5_000


class Reporter(Protocol):
    """Told how far each phase is: `phase` is a short Vietnamese label."""

    def __call__(self, phase: str, done: int, total: int) -> None: ...


def _quiet(phase: str, done: int, total: int) -> None:
    return None


async def _organisations(session: AsyncSession) -> dict[str, rules.ExistingOrganisation]:
    org = Organisation.__table__
    link = OrganisationLink.__table__
    parents: dict[str, str] = dict(
        (
            await session.execute(
                sa.select(link.c.child_id, link.c.parent_id).where(link.c.valid_to.is_(None))
            )
        ).all()
    )
    rows = (
        await session.execute(
            sa.select(
                org.c.id,
                org.c.code,
                org.c.name,
                org.c.kind,
                org.c.valid_from,
                org.c.valid_to,
                org.c.branch_kind,
                org.c.meeting_day_from,
                org.c.meeting_day_to,
                org.c.go_live_on,
            )
        )
    ).all()
    codes = {r.id: r.code for r in rows}
    return {
        r.code: rules.ExistingOrganisation(
            id=r.id,
            code=r.code,
            name=r.name,
            kind=r.kind,
            parent_code=codes.get(parents.get(r.id, "")),
            valid_from=r.valid_from,
            valid_to=r.valid_to,
            branch_kind=r.branch_kind,
            meeting_day_from=r.meeting_day_from,
            meeting_day_to=r.meeting_day_to,
            go_live_on=r.go_live_on,
        )
        for r in rows
    }


async def _members(
    session: AsyncSession, cards: Sequence[str], branch_codes: dict[str, str]
) -> dict[str, rules.ExistingMember]:
    """Stored members among `cards`, with their current status and home branch code."""
    found: dict[str, rules.ExistingMember] = {}
    for start in range(0, len(cards), LOOKUP_CHUNK):
        chunk = cards[start : start + LOOKUP_CHUNK]
        people = (
            await session.scalars(sa.select(Member).where(Member.party_card_number.in_(chunk)))
        ).all()
        if not people:
            continue
        ids = [p.id for p in people]
        statuses: dict[str, str] = dict(
            (
                await session.execute(
                    sa.select(MemberStatusPeriod.member_id, MemberStatusPeriod.status).where(
                        MemberStatusPeriod.member_id.in_(ids),
                        MemberStatusPeriod.valid_to.is_(None),
                    )
                )
            ).all()
        )
        homes: dict[str, str] = dict(
            (
                await session.execute(
                    sa.select(MemberAffiliation.member_id, MemberAffiliation.branch_id).where(
                        MemberAffiliation.member_id.in_(ids),
                        MemberAffiliation.kind == "home",
                        MemberAffiliation.valid_to.is_(None),
                    )
                )
            ).all()
        )
        for p in people:
            assert p.party_card_number is not None
            found[p.party_card_number] = rules.ExistingMember(
                full_name=p.full_name,
                date_of_birth=p.date_of_birth,
                admitted_on=p.admitted_on,
                full_member_on=p.full_member_on,
                branch_code=branch_codes.get(homes.get(p.id, "")),
                status=statuses.get(p.id),
                phone=p.phone,
                email=p.email,
                citizen_id=p.citizen_id,
            )
    return found


def _errors_out(errors: Sequence[rules.RowError]) -> list[RowErrorOut]:
    return [
        RowErrorOut(row=e.row, column=e.column, detail=e.detail, code=e.code, message=e.message)
        for e in sorted(errors, key=lambda e: e.row)
    ]


Checked = tuple[
    rules.Header, list[rules.OrganisationRow | rules.MemberRow], list[rules.RowError], int
]


def _check(kind: ImportKind, data: bytes, limits: Limits, report: Reporter) -> Checked:
    """Read the file and each row against the rules (no database): off the event loop."""
    table = read_table(data, limits)
    columns = rules.ORGANISATION_COLUMNS if kind == "organisations" else rules.MEMBER_COLUMNS
    header = rules.match_header(table.header, columns)
    if header.errors:
        return header, [], [], table.total
    read = rules.read_organisation if kind == "organisations" else rules.read_member
    parsed: list[rules.OrganisationRow | rules.MemberRow] = []
    errors: list[rules.RowError] = []
    count = 0
    for row_number, cells in table.rows:
        row, row_errors = read(row_number, cells, header)
        count += 1
        if row is not None:
            parsed.append(row)
        errors.extend(row_errors)
        if count % 2_000 == 0:
            report("Đọc và kiểm tra", count, table.total)
    report("Đọc và kiểm tra", count, count)
    return header, parsed, errors, count


async def import_file(
    uow_factory: Callable[[], UnitOfWork],
    kind: ImportKind,
    data: bytes,
    *,
    dry_run: bool = False,
    partial: bool = False,
    report: Reporter = _quiet,
    actor: str = "cli",
    at: datetime | None = None,
    limits: Limits = Limits(),
) -> ImportReport:
    """`actor`: who imports, for the audit log (one entry per written import, in its
    transaction: the kind, the counts and the codes created). Reading and checking the rows is
    CPU work: it runs in a thread, the event loop keeps answering. A file over `limits` is
    refused whole (`TooLarge`, 413)."""
    started = time.perf_counter()

    go_live_set = 0

    def finish(
        rows: int, created: int, unchanged: int, errors: Sequence[rules.RowError], events: int
    ) -> ImportReport:
        whole_file = any(e.row <= 1 for e in errors)
        return ImportReport(
            kind=kind,
            rows=rows,
            created=created,
            unchanged=unchanged,
            rejected=rows if whole_file else len({e.row for e in errors}),
            dry_run=dry_run,
            partial=partial,
            written=events > 0,
            events=events,
            go_live_set=go_live_set,
            seconds=round(time.perf_counter() - started, 3),
            ignored_columns=ignored,
            errors=_errors_out(errors),
        )

    ignored: list[str] = []
    try:
        checked = await asyncio.to_thread(_check, kind, data, limits, report)
    except UnreadableFile as exc:
        return finish(0, 0, 0, [rules.RowError(0, None, str(exc), "unreadable")], 0)
    except reader.TooLarge as exc:
        raise TooLarge("import-too-large", str(exc), limit=exc.limit, exceeded=exc.what) from exc
    header, parsed, errors, count = checked
    ignored = header.ignored
    if header.errors:
        return finish(count, 0, 0, header.errors, 0)
    async with uow_factory() as uow:
        existing = await _organisations(uow.session)
        if kind == "organisations":
            org_rows = [r for r in parsed if isinstance(r, rules.OrganisationRow)]
            plan = rules.plan_organisations(org_rows, existing, header)
        else:
            member_rows = [r for r in parsed if isinstance(r, rules.MemberRow)]
            branch_codes = {o.id: o.code for o in existing.values()}
            branches = {
                code: rules.Branch(o.id, o.name, o.kind, o.valid_from, o.valid_to)
                for code, o in existing.items()
            }
            stored = await _members(
                uow.session, [r.party_card_number for r in member_rows], branch_codes
            )
            plan = rules.plan_members(member_rows, branches, stored, header)
        errors += plan.errors
        go_live_rows = [r for r in plan.create if getattr(r, "go_live_on", None)]
        if dry_run or (errors and not partial) or not (plan.create or plan.go_live):
            writes = partial or not errors
            created = len(plan.create) if writes else 0
            go_live_set = len(go_live_rows) + len(plan.go_live) if writes else 0
            return finish(count, created, plan.unchanged, errors, 0)
        done = 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            report("Ghi", done, len(plan.create))

        if kind == "organisations":
            ids = {code: o.id for code, o in existing.items()}
            new_orgs = []
            for row in plan.create:
                ids[row.code] = new_id()
                new_orgs.append(
                    bulk.NewOrganisation(
                        id=ids[row.code],
                        code=row.code,
                        name=row.name,
                        kind=row.kind,
                        parent_id=ids[row.parent_code] if row.parent_code else None,
                        valid_from=row.valid_from,
                        branch_kind=row.branch_kind,
                        meeting_day_from=row.meeting_day_from,
                        meeting_day_to=row.meeting_day_to,
                    )
                )
            await bulk.insert_organisations(uow, new_orgs, progress=step)
            # Go-live dates of the file (new rows and stored ones): history and events.
            changes = await golive.set_go_live(
                uow,
                [(ids[r.code], r.go_live_on) for r in go_live_rows]
                + [(ids[code], day) for code, day in plan.go_live],
                set_by=actor,
                source="import",
            )
            go_live_set = sum(c.changed for c in changes)
        else:
            await bulk.insert_members(uow, plan.create, progress=step)
        events = len(uow.events)
        created_codes = [
            row.code if isinstance(row, rules.OrganisationRow) else row.party_card_number
            for row in plan.create
        ]
        await audit.record(
            uow.session,
            actor=actor,
            action=f"import {kind}",
            entity="import",
            entity_id=new_id(),
            at=at or uow.now(),
            after={
                "rows": count,
                "created": created_codes,
                "unchanged": plan.unchanged,
                **({"go_live_set": go_live_set} if go_live_set else {}),
            },
        )
        await uow.commit()
    return finish(count, len(plan.create), plan.unchanged, errors, events)
