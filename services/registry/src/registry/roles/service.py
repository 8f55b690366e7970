"""Assigning and ending roles and observer assignments, each with its event."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.events.registry import ObserverAssigned, ObserverEnded, RoleAssigned, RoleEnded
from registry.identity.revocations import revoke_member
from registry.members import service as members
from registry.members.models import MemberAffiliation, MemberStatusPeriod
from registry.organisations.queries import ancestor_ids, require_org
from registry.periods import in_force_sql
from registry.roles import rules
from registry.roles.models import ObserverAssignment, RoleAssignment
from registry.roles.schemas import EndIn, ObserverIn, ObserverOut, RoleIn, RoleOut
from service_kit.errors import NotFound, invalid
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork


async def full_members_on(session: AsyncSession, branch_id: str, on: date) -> int:
    aff, status = MemberAffiliation, MemberStatusPeriod
    count = await session.scalar(
        sa.select(sa.func.count())
        .select_from(aff)
        .join(status, status.member_id == aff.member_id)
        .where(
            aff.branch_id == branch_id,
            aff.kind == "home",
            in_force_sql(aff.valid_from, aff.valid_to, on),
            in_force_sql(status.valid_from, status.valid_to, on),
            status.status == "full",
        )
    )
    return int(count or 0)


async def assign_role(uow: UnitOfWork, body: RoleIn) -> RoleOut:
    session = uow.session
    await members.load(session, body.member_id, "/member_id")
    org = await require_org(
        session, body.organisation_id, pointer="/organisation_id", on=body.valid_from
    )
    status = await members.status_on(session, body.member_id, body.valid_from)
    home = await members.affiliation_on(session, body.member_id, body.valid_from)
    others = await session.execute(
        sa.select(RoleAssignment.valid_from, RoleAssignment.valid_to).where(
            RoleAssignment.organisation_id == org.id, RoleAssignment.role == body.role
        )
    )
    errors = rules.role_errors(
        body.role,
        org.kind,
        body.valid_from,
        body.valid_to,
        status.status if status else None,
        home.branch_id if home else None,
        org.id,
        await full_members_on(session, org.id, body.valid_from),
    ) + rules.single_holder_errors(
        body.role, body.valid_from, body.valid_to, [(f, t) for f, t in others]
    )
    if errors:
        raise invalid("Không phân công được chức vụ.", errors, "role-invalid")
    assignment = RoleAssignment(id=new_id(), **body.model_dump())
    session.add(assignment)
    uow.emit(
        RoleAssigned.produce(
            aggregate_version=assignment.version,
            role_assignment_id=assignment.id,
            **body.model_dump(),
        ),
        subject=f"roles/{assignment.id}",
    )
    await revoke_member(session, assignment.member_id, uow.now())
    return RoleOut.model_validate(assignment, from_attributes=True)


def _ended_role(uow: UnitOfWork, assignment: RoleAssignment, on: date) -> None:
    assignment.valid_to = on
    assignment.version += 1
    uow.emit(
        RoleEnded.produce(
            aggregate_version=assignment.version,
            role_assignment_id=assignment.id,
            member_id=assignment.member_id,
            organisation_id=assignment.organisation_id,
            role=assignment.role,
            on=on,
        ),
        subject=f"roles/{assignment.id}",
    )


def _ended_observer(uow: UnitOfWork, assignment: ObserverAssignment, on: date) -> None:
    assignment.valid_to = on
    assignment.version += 1
    uow.emit(
        ObserverEnded.produce(
            aggregate_version=assignment.version,
            observer_assignment_id=assignment.id,
            member_id=assignment.member_id,
            branch_id=assignment.branch_id,
            on=on,
        ),
        subject=f"observer-assignments/{assignment.id}",
    )


async def end_role(uow: UnitOfWork, assignment_id: str, body: EndIn) -> RoleOut:
    assignment = await uow.session.get(RoleAssignment, assignment_id)
    if assignment is None:
        raise NotFound("role-not-found", f"Không có phân công chức vụ {assignment_id}.")
    errors = rules.end_errors(assignment.valid_from, assignment.valid_to, body.on)
    if errors:
        raise invalid("Không kết thúc được chức vụ.", errors, "role-invalid")
    _ended_role(uow, assignment, body.on)
    await revoke_member(uow.session, assignment.member_id, uow.now())
    return RoleOut.model_validate(assignment, from_attributes=True)


async def roles_on(session: AsyncSession, organisation_id: str, on: date) -> list[RoleOut]:
    rows = await session.scalars(
        sa.select(RoleAssignment)
        .where(
            RoleAssignment.organisation_id == organisation_id,
            in_force_sql(RoleAssignment.valid_from, RoleAssignment.valid_to, on),
        )
        .order_by(RoleAssignment.role, RoleAssignment.id)
    )
    return [RoleOut.model_validate(r, from_attributes=True) for r in rows]


async def assign_observer(uow: UnitOfWork, body: ObserverIn) -> ObserverOut:
    session = uow.session
    await members.load(session, body.member_id, "/member_id")
    await require_org(
        session, body.branch_id, pointer="/branch_id", on=body.valid_from, branch=True
    )
    committees = await session.scalars(
        sa.select(RoleAssignment.organisation_id).where(
            RoleAssignment.member_id == body.member_id,
            RoleAssignment.role.in_(sorted(rules.UPPER_COMMITTEE_ROLES)),
            in_force_sql(RoleAssignment.valid_from, RoleAssignment.valid_to, body.valid_from),
        )
    )
    errors = rules.observer_errors(
        body.valid_from,
        body.valid_to,
        set(committees),
        await ancestor_ids(session, body.branch_id, body.valid_from),
        body.named_by_province,
    )
    if errors:
        raise invalid("Không phân công được người dự sinh hoạt.", errors, "observer-invalid")
    period = body.model_dump(exclude={"named_by_province"})
    assignment = ObserverAssignment(id=new_id(), **period)
    session.add(assignment)
    uow.emit(
        ObserverAssigned.produce(
            aggregate_version=assignment.version,
            observer_assignment_id=assignment.id,
            **period,
        ),
        subject=f"observer-assignments/{assignment.id}",
    )
    await revoke_member(session, assignment.member_id, uow.now())
    return ObserverOut.model_validate(assignment, from_attributes=True)


async def end_observer(uow: UnitOfWork, assignment_id: str, body: EndIn) -> ObserverOut:
    assignment = await uow.session.get(ObserverAssignment, assignment_id)
    if assignment is None:
        raise NotFound("observer-not-found", f"Không có phân công dự sinh hoạt {assignment_id}.")
    errors = rules.end_errors(assignment.valid_from, assignment.valid_to, body.on)
    if errors:
        raise invalid("Không kết thúc được phân công.", errors, "observer-invalid")
    _ended_observer(uow, assignment, body.on)
    await revoke_member(uow.session, assignment.member_id, uow.now())
    return ObserverOut.model_validate(assignment, from_attributes=True)


async def observers_on(session: AsyncSession, branch_id: str, on: date) -> list[ObserverOut]:
    rows = await session.scalars(
        sa.select(ObserverAssignment)
        .where(
            ObserverAssignment.branch_id == branch_id,
            in_force_sql(ObserverAssignment.valid_from, ObserverAssignment.valid_to, on),
        )
        .order_by(ObserverAssignment.id)
    )
    return [ObserverOut.model_validate(r, from_attributes=True) for r in rows]


async def end_all_at(uow: UnitOfWork, organisation_id: str, on: date) -> None:
    """An organisation that ceases on `on` takes its roles and observer assignments with it."""
    roles = await uow.session.scalars(
        sa.select(RoleAssignment).where(
            RoleAssignment.organisation_id == organisation_id,
            sa.or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to > on),
        )
    )
    for role in roles:
        _ended_role(uow, role, max(on, role.valid_from))
        await revoke_member(uow.session, role.member_id, uow.now())
    observers = await uow.session.scalars(
        sa.select(ObserverAssignment).where(
            ObserverAssignment.branch_id == organisation_id,
            sa.or_(ObserverAssignment.valid_to.is_(None), ObserverAssignment.valid_to > on),
        )
    )
    for observer in observers:
        _ended_observer(uow, observer, max(on, observer.valid_from))
        await revoke_member(uow.session, observer.member_id, uow.now())
