"""Writing a demo province into the registry with the bulk paths of the import, every row
announced through the outbox so the other services' replicas fill up."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from event_contracts.events.registry import ObserverAssigned, RoleAssigned
from event_contracts.vocabulary import is_branch
from registry.demo.generator import DemoProvince
from registry.imports import bulk
from registry.imports.rules import NewMember
from registry.imports.service import Reporter
from registry.organisations.models import Organisation
from registry.roles.models import ObserverAssignment, RoleAssignment
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork

# Identity (users with demo passwords) lives elsewhere; it plugs in here with the ids written.
UsersHook = Callable[[UnitOfWork, DemoProvince, dict[str, str], dict[str, str]], Awaitable[None]]


@dataclass
class DemoSummary:
    scale: str
    created: bool
    organisations: int = 0
    branches: int = 0
    members: int = 0
    roles: int = 0
    observers: int = 0
    events: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def _quiet(phase: str, done: int, total: int) -> None:
    return None


async def load(
    uow: UnitOfWork,
    province: DemoProvince,
    *,
    report: Reporter = _quiet,
    users: UsersHook | None = None,
) -> DemoSummary:
    """Writes the province once: when its district (or commune) code is already there, nothing
    is written, so running the demo again is safe. A province node already present is reused."""
    session = uow.session
    summary = DemoSummary(province.scale.key, created=False)
    codes = [o.code for o in province.organisations]
    existing = dict(
        (
            await session.execute(
                sa.select(Organisation.code, Organisation.id).where(Organisation.code.in_(codes))
            )
        ).all()
    )
    if set(existing) - {codes[0]}:
        return summary
    org_ids: dict[str, str] = dict(existing)
    new_orgs = []
    for org in province.organisations:
        if org.code in org_ids:
            continue
        org_ids[org.code] = new_id()
        new_orgs.append(
            bulk.NewOrganisation(
                id=org_ids[org.code],
                code=org.code,
                name=org.name,
                kind=org.kind,
                parent_id=org_ids[org.parent_code] if org.parent_code else None,
                valid_from=province.valid_from,
                branch_kind=org.branch_kind,
                meeting_day_from=org.meeting_day_from,
                meeting_day_to=org.meeting_day_to,
            )
        )
        summary.by_kind[org.kind] = summary.by_kind.get(org.kind, 0) + 1
    done = 0

    def step(phase: str, total: int) -> Callable[[int], None]:
        def advance(n: int) -> None:
            nonlocal done
            done += n
            report(phase, done, total)

        return advance

    await bulk.insert_organisations(uow, new_orgs, progress=step("Tổ chức", len(new_orgs)))
    done = 0
    members = [
        NewMember(
            row=i,
            party_card_number=m.party_card_number,
            full_name=m.full_name,
            date_of_birth=m.date_of_birth,
            admitted_on=m.admitted_on,
            full_member_on=m.full_member_on,
            branch_id=org_ids[m.branch_code],
            status=m.status,
            phone=m.phone,
            email=None,
            citizen_id=m.citizen_id,
            joined_on=max(m.admitted_on, province.valid_from),
        )
        for i, m in enumerate(province.members)
    ]
    ids = await bulk.insert_members(uow, members, progress=step("Đảng viên", len(members)))
    member_ids = {m.party_card_number: i for m, i in zip(province.members, ids, strict=True)}
    on = province.roles_from
    roles = [
        {
            "id": new_id(),
            "member_id": member_ids[r.party_card_number],
            "organisation_id": org_ids[r.organisation_code],
            "role": r.role,
            "valid_from": on,
            "valid_to": None,
            "version": 1,
        }
        for r in province.roles
    ]
    observers = [
        {
            "id": new_id(),
            "member_id": member_ids[o.party_card_number],
            "branch_id": org_ids[o.branch_code],
            "valid_from": on,
            "valid_to": None,
            "version": 1,
        }
        for o in province.observers
    ]
    await bulk.insert_rows(uow, RoleAssignment.__table__, roles)
    await bulk.insert_rows(uow, ObserverAssignment.__table__, observers)
    await uow.emit_many(
        [
            (
                RoleAssigned.produce(
                    aggregate_version=1,
                    role_assignment_id=r["id"],
                    member_id=r["member_id"],
                    organisation_id=r["organisation_id"],
                    role=r["role"],
                    valid_from=on,
                ),
                f"roles/{r['id']}",
            )
            for r in roles
        ]
        + [
            (
                ObserverAssigned.produce(
                    aggregate_version=1,
                    observer_assignment_id=o["id"],
                    member_id=o["member_id"],
                    branch_id=o["branch_id"],
                    valid_from=on,
                ),
                f"observer-assignments/{o['id']}",
            )
            for o in observers
        ],
    )
    if users is not None:
        await users(uow, province, org_ids, member_ids)
    summary.created = True
    summary.organisations = len(new_orgs)
    summary.branches = sum(1 for o in new_orgs if is_branch(o.kind))
    summary.members = len(members)
    summary.roles = len(roles)
    summary.observers = len(observers)
    summary.events = len(uow.events)
    return summary
