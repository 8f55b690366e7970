"""Assigning households to members and listing who follows which household on a date.

No event: no other service needs it yet; reports on households stay in the registry.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.households import rules
from registry.households.models import HouseholdResponsibility
from registry.households.schemas import ResponsibilityIn, ResponsibilityOut
from registry.members import service as members
from registry.organisations.queries import require_org
from registry.periods import in_force_sql
from service_kit.errors import invalid
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork


async def assign(uow: UnitOfWork, body: ResponsibilityIn) -> list[ResponsibilityOut]:
    session = uow.session
    await members.load(session, body.member_id, "/member_id")
    branch = await require_org(
        session, body.branch_id, pointer="/branch_id", on=body.valid_from, branch=True
    )
    member_branches = {
        link.branch_id
        for kind in ("home", "residence")
        if (link := await members.affiliation_on(session, body.member_id, body.valid_from, kind))
    }
    r = HouseholdResponsibility
    overlap = sa.or_(r.valid_to.is_(None), r.valid_to > body.valid_from)
    if body.valid_to is not None:
        overlap = sa.and_(overlap, r.valid_from < body.valid_to)
    taken = await session.scalars(
        sa.select(r.household_code).where(
            r.branch_id == body.branch_id, r.household_code.in_(body.household_codes), overlap
        )
    )
    errors = rules.responsibility_errors(
        branch.branch_kind,
        member_branches,
        body.branch_id,
        body.household_codes,
        set(taken),
        body.valid_from,
        body.valid_to,
    )
    if errors:
        raise invalid("Không phân công được hộ.", errors, "household-invalid")
    rows = [
        HouseholdResponsibility(
            id=new_id(),
            member_id=body.member_id,
            branch_id=body.branch_id,
            household_code=code,
            valid_from=body.valid_from,
            valid_to=body.valid_to,
        )
        for code in body.household_codes
    ]
    session.add_all(rows)
    return [ResponsibilityOut.model_validate(row, from_attributes=True) for row in rows]


async def of_branch(session: AsyncSession, branch_id: str, on: date) -> list[ResponsibilityOut]:
    r = HouseholdResponsibility
    rows = await session.scalars(
        sa.select(r)
        .where(r.branch_id == branch_id, in_force_sql(r.valid_from, r.valid_to, on))
        .order_by(r.household_code)
    )
    return [ResponsibilityOut.model_validate(row, from_attributes=True) for row in rows]
