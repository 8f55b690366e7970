"""A person's grants as of a day, read from the registry's own dated tables: what their account
is for (at its organisation), their party roles, their membership and their observer
assignments. A token carries them (`service_kit.grants`); a grant that ends later carries its
last day, so it stops working on that day even inside a token's lifetime."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from event_contracts.vocabulary import is_branch
from registry.members import service as members
from registry.organisations.models import Organisation
from registry.periods import in_force_sql
from registry.roles.models import ObserverAssignment, RoleAssignment
from registry.roles.rules import ON_ROLL
from service_kit.grants import AccessRole, Grant, account_grants

# A party role held in a branch, and held in an organisation above the branches.
_BRANCH_ROLES = {
    "secretary": AccessRole.SECRETARY,
    "deputy_secretary": AccessRole.DEPUTY_SECRETARY,
    "branch_committee_member": AccessRole.BRANCH_COMMITTEE,
}
_UPPER_ROLES = {"secretary", "deputy_secretary", "committee_member", "standing_committee_member"}


async def _kinds(session: AsyncSession, org_ids: set[str]) -> dict[str, str]:
    if not org_ids:
        return {}
    rows = await session.execute(
        sa.select(Organisation.id, Organisation.kind).where(col(Organisation.id).in_(org_ids))
    )
    return {oid: kind for oid, kind in rows.all()}


async def person_grants(
    session: AsyncSession, roles: list[str], organisation_id: str, member_id: str | None, on: date
) -> list[Grant]:
    """Everything a user holds on `on`: account roles at the account's organisation, then, for a
    member, their party roles, their branch and the branches they observe."""
    kinds = await _kinds(session, {organisation_id})
    found = account_grants(
        roles, organisation_id, province=kinds.get(organisation_id) == "province"
    )
    if member_id is None:
        return found
    held = list(
        await session.scalars(
            sa.select(RoleAssignment).where(
                RoleAssignment.member_id == member_id,
                in_force_sql(RoleAssignment.valid_from, RoleAssignment.valid_to, on),
            )
        )
    )
    observing = list(
        await session.scalars(
            sa.select(ObserverAssignment).where(
                ObserverAssignment.member_id == member_id,
                in_force_sql(ObserverAssignment.valid_from, ObserverAssignment.valid_to, on),
            )
        )
    )
    kinds = await _kinds(session, {r.organisation_id for r in held} | {organisation_id})
    for role in held:
        kind = kinds.get(role.organisation_id, "")
        province = kind == "province"
        if is_branch(kind) and role.role in _BRANCH_ROLES:
            found.append(Grant(_BRANCH_ROLES[role.role], role.organisation_id, until=role.valid_to))
        elif not is_branch(kind) and role.role in _UPPER_ROLES:
            found.append(
                Grant(AccessRole.COMMITTEE, role.organisation_id, province, until=role.valid_to)
            )
    status = await members.status_on(session, member_id, on)
    home = await members.home_branch(session, member_id, on)
    if home is not None and status is not None and status.status in ON_ROLL:
        found.append(Grant(AccessRole.MEMBER, home, until=status.valid_to))
    for assignment in observing:
        found.append(Grant(AccessRole.OBSERVER, assignment.branch_id, until=assignment.valid_to))
    return list(dict.fromkeys(found))


async def client_grants(
    session: AsyncSession, roles: list[str], organisation_id: str, kind: str
) -> list[Grant]:
    kinds = await _kinds(session, {organisation_id})
    return account_grants(
        roles, organisation_id, province=kinds.get(organisation_id) == "province", client_kind=kind
    )
