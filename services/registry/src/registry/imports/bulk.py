"""Bulk writes for imports and the demo: multi-row INSERTs for the rows and for their outbox
events, in the caller's unit of work (so rows and events commit together)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from event_contracts.events.registry import MemberAdmitted, OrganisationRegistered
from registry.imports.rules import NewMember
from registry.members.models import Member, MemberAffiliation, MemberStatusPeriod
from registry.organisations.models import Organisation, OrganisationLink, OrganisationName
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork

# Both drivers cap a statement at 32,767 parameters.
MAX_PARAMETERS = 30_000
Progress = Callable[[int], None]


@dataclass(frozen=True)
class NewOrganisation:
    code: str
    name: str
    kind: str
    parent_id: str | None
    valid_from: date
    branch_kind: str | None = None
    meeting_day_from: int | None = None
    meeting_day_to: int | None = None
    id: str = ""


async def insert_rows(uow: UnitOfWork, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """One compiled INSERT, executed for the whole list: SQLAlchemy's "insertmanyvalues" sends
    it as multi-row INSERT batches, without compiling a statement per chunk."""
    if not rows:
        return
    per_chunk = max(1, MAX_PARAMETERS // len(rows[0]))
    statement = sa.insert(table)
    for start in range(0, len(rows), per_chunk):
        await uow.session.execute(statement, list(rows[start : start + per_chunk]))


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def insert_organisations(
    uow: UnitOfWork,
    orgs: Sequence[NewOrganisation],
    *,
    progress: Progress | None = None,
    chunk: int = 5_000,
) -> list[str]:
    """Nodes in parent-first order (a node's `parent_id` already stored or earlier in `orgs`),
    each with its first name, its link and `OrganisationRegistered`. Returns the new ids."""
    now = uow.now()
    ids: list[str] = []
    for part in _chunks(orgs, chunk):
        nodes, names, links, events = [], [], [], []
        for org in part:
            org_id = org.id or new_id()
            ids.append(org_id)
            nodes.append(
                {
                    "id": org_id,
                    "code": org.code,
                    "name": org.name,
                    "kind": org.kind,
                    "branch_kind": org.branch_kind,
                    "meeting_day_from": org.meeting_day_from,
                    "meeting_day_to": org.meeting_day_to,
                    "valid_from": org.valid_from,
                    "valid_to": None,
                    "end_reason": None,
                    "version": 1,
                    "created_at": now,
                }
            )
            names.append(
                {
                    "organisation_id": org_id,
                    "name": org.name,
                    "valid_from": org.valid_from,
                    "valid_to": None,
                }
            )
            if org.parent_id is not None:
                links.append(
                    {
                        "child_id": org_id,
                        "parent_id": org.parent_id,
                        "valid_from": org.valid_from,
                        "valid_to": None,
                        "reason": "register",
                    }
                )
            events.append(
                (
                    OrganisationRegistered.produce(
                        aggregate_version=1,
                        organisation_id=org_id,
                        code=org.code,
                        name=org.name,
                        kind=org.kind,
                        parent_id=org.parent_id,
                        valid_from=org.valid_from,
                        branch_kind=org.branch_kind,
                        meeting_day_from=org.meeting_day_from,
                        meeting_day_to=org.meeting_day_to,
                    ),
                    f"organisations/{org_id}",
                )
            )
        await insert_rows(uow, Organisation.__table__, nodes)
        await insert_rows(uow, OrganisationName.__table__, names)
        await insert_rows(uow, OrganisationLink.__table__, links)
        await uow.emit_many(events)
        if progress is not None:
            progress(len(part))
    return ids


async def insert_members(
    uow: UnitOfWork,
    members: Sequence[NewMember],
    *,
    progress: Progress | None = None,
    chunk: int = 5_000,
) -> list[str]:
    """Admit checked members: member row, first status period, home link, `MemberAdmitted`."""
    now = uow.now()
    ids: list[str] = []
    for part in _chunks(members, chunk):
        people, statuses, links, events = [], [], [], []
        for m in part:
            member_id = new_id()
            ids.append(member_id)
            people.append(
                {
                    "id": member_id,
                    "full_name": m.full_name,
                    "party_card_number": m.party_card_number,
                    "date_of_birth": m.date_of_birth,
                    "phone": m.phone,
                    "email": m.email,
                    "citizen_id": m.citizen_id,
                    "admitted_on": m.admitted_on,
                    "full_member_on": m.full_member_on,
                    "version": 1,
                    "created_at": now,
                }
            )
            statuses.append(
                {
                    "member_id": member_id,
                    "status": m.status,
                    "valid_from": m.joined_on,
                    "valid_to": None,
                    "reason": None,
                }
            )
            links.append(
                {
                    "member_id": member_id,
                    "branch_id": m.branch_id,
                    "kind": "home",
                    "valid_from": m.joined_on,
                    "valid_to": None,
                    "reason": "admission",
                }
            )
            events.append(
                (
                    MemberAdmitted.produce(
                        aggregate_version=1,
                        member_id=member_id,
                        branch_id=m.branch_id,
                        residence_branch_id=None,
                        status=m.status,
                        admitted_on=m.admitted_on,
                        full_member_on=m.full_member_on,
                        on=m.joined_on,
                    ),
                    f"members/{member_id}",
                )
            )
        await insert_rows(uow, Member.__table__, people)
        await insert_rows(uow, MemberStatusPeriod.__table__, statuses)
        await insert_rows(uow, MemberAffiliation.__table__, links)
        await uow.emit_many(events)
        if progress is not None:
            progress(len(part))
    return ids
