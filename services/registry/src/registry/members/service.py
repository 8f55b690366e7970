"""Members: admission, status changes, transfers and the roster, each a dated change with events."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.events.registry import MemberAdmitted, MemberStatusChanged, MemberTransferred
from registry.identity.revocations import revoke_member
from registry.members import rules
from registry.members.models import Member, MemberAffiliation, MemberStatusPeriod
from registry.members.schemas import (
    AffiliationOut,
    MemberIn,
    MemberOut,
    RosterEntryOut,
    StatusChangeIn,
    StatusPeriodOut,
    TransferIn,
)
from registry.organisations.queries import require_org
from registry.periods import in_force_sql
from service_kit.errors import Conflict, FieldError, NotFound, invalid
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork


async def load(session: AsyncSession, member_id: str, pointer: str | None = None) -> Member:
    member = await session.get(Member, member_id)
    if member is None:
        if pointer is None:
            raise NotFound("member-not-found", f"Không có đảng viên {member_id}.")
        detail = f"Không có đảng viên {member_id}."
        raise invalid(detail, [FieldError(pointer, detail, "unknown")], "member-unknown")
    return member


async def affiliation_on(
    session: AsyncSession, member_id: str, on: date, kind: str = "home"
) -> MemberAffiliation | None:
    return await session.scalar(
        sa.select(MemberAffiliation).where(
            MemberAffiliation.member_id == member_id,
            MemberAffiliation.kind == kind,
            in_force_sql(MemberAffiliation.valid_from, MemberAffiliation.valid_to, on),
        )
    )


async def home_branch(session: AsyncSession, member_id: str, on: date) -> str | None:
    """The branch whose roll the member is on on `on` (see `rules.current_home`)."""
    homes = await session.execute(
        sa.select(MemberAffiliation.branch_id, MemberAffiliation.valid_from)
        .where(MemberAffiliation.member_id == member_id, MemberAffiliation.kind == "home")
        .order_by(MemberAffiliation.valid_from)
    )
    return rules.current_home([(b, f) for b, f in homes], on)


async def status_on(session: AsyncSession, member_id: str, on: date) -> MemberStatusPeriod | None:
    return await session.scalar(
        sa.select(MemberStatusPeriod).where(
            MemberStatusPeriod.member_id == member_id,
            in_force_sql(MemberStatusPeriod.valid_from, MemberStatusPeriod.valid_to, on),
        )
    )


async def latest_status(session: AsyncSession, member_id: str) -> MemberStatusPeriod:
    period = await session.scalar(
        sa.select(MemberStatusPeriod)
        .where(MemberStatusPeriod.member_id == member_id)
        .order_by(MemberStatusPeriod.valid_from.desc())
        .limit(1)
    )
    if period is None:
        raise RuntimeError(f"member {member_id} has no status history")
    return period


async def home_affiliations_on(
    session: AsyncSession, branch_id: str, on: date
) -> list[MemberAffiliation]:
    rows = await session.scalars(
        sa.select(MemberAffiliation)
        .where(
            MemberAffiliation.branch_id == branch_id,
            MemberAffiliation.kind == "home",
            in_force_sql(MemberAffiliation.valid_from, MemberAffiliation.valid_to, on),
        )
        .order_by(MemberAffiliation.member_id)
    )
    return list(rows)


async def move_home(
    uow: UnitOfWork,
    member: Member,
    current: MemberAffiliation,
    to_branch_id: str,
    on: date,
    reason: str,
) -> None:
    """Close the home link on `on` and open one at `to_branch_id`; used by transfers and by
    merges, splits and dissolutions of the branch."""
    later = await uow.session.scalar(
        sa.select(sa.func.count())
        .select_from(MemberAffiliation)
        .where(
            MemberAffiliation.member_id == member.id,
            MemberAffiliation.kind == "home",
            MemberAffiliation.valid_from > on,
        )
    )
    if later or on <= current.valid_from:
        detail = (
            f"Đảng viên {member.full_name} đã có thay đổi chi bộ từ {current.valid_from} trở đi."
        )
        raise invalid(detail, [FieldError("/on", detail, "too-early")], "member-history-conflict")
    current.valid_to = on
    uow.session.add(
        MemberAffiliation(
            member_id=member.id, branch_id=to_branch_id, kind="home", valid_from=on, reason=reason
        )
    )
    member.version += 1
    uow.emit(
        MemberTransferred.produce(
            aggregate_version=member.version,
            member_id=member.id,
            from_branch_id=current.branch_id,
            branch_id=to_branch_id,
            on=on,
            reason=reason,
        ),
        subject=f"members/{member.id}",
    )


async def admit(uow: UnitOfWork, body: MemberIn) -> MemberOut:
    session = uow.session
    joined_on = body.joined_on or body.admitted_on
    errors = rules.admission_errors(
        body.status, body.admitted_on, body.full_member_on, joined_on, body.date_of_birth
    )
    if errors:
        raise invalid("Thông tin đảng viên không hợp lệ.", errors, "member-invalid")
    await require_org(session, body.branch_id, pointer="/branch_id", on=joined_on, branch=True)
    if body.residence_branch_id:
        await require_org(
            session,
            body.residence_branch_id,
            pointer="/residence_branch_id",
            on=joined_on,
            branch=True,
        )
    if body.party_card_number and await session.scalar(
        sa.select(Member.id).where(Member.party_card_number == body.party_card_number)
    ):
        raise Conflict(
            "party-card-number-taken",
            f"Số thẻ {body.party_card_number} đã có.",
            errors=[FieldError("/party_card_number", "Số thẻ đảng viên đã tồn tại.", "duplicate")],
        )
    member = Member(
        id=new_id(),
        full_name=body.full_name,
        party_card_number=body.party_card_number,
        date_of_birth=body.date_of_birth,
        phone=body.phone,
        email=body.email,
        citizen_id=body.citizen_id,
        admitted_on=body.admitted_on,
        full_member_on=body.full_member_on,
    )
    session.add(member)
    await session.flush()
    session.add(MemberStatusPeriod(member_id=member.id, status=body.status, valid_from=joined_on))
    session.add(
        MemberAffiliation(
            member_id=member.id, branch_id=body.branch_id, kind="home", valid_from=joined_on
        )
    )
    if body.residence_branch_id and body.residence_branch_id != body.branch_id:
        session.add(
            MemberAffiliation(
                member_id=member.id,
                branch_id=body.residence_branch_id,
                kind="residence",
                valid_from=joined_on,
            )
        )
    uow.emit(
        MemberAdmitted.produce(
            aggregate_version=member.version,
            member_id=member.id,
            branch_id=body.branch_id,
            residence_branch_id=body.residence_branch_id,
            status=body.status,
            admitted_on=body.admitted_on,
            full_member_on=body.full_member_on,
            on=joined_on,
        ),
        subject=f"members/{member.id}",
    )
    return await out(session, member)


async def change_status(uow: UnitOfWork, member_id: str, body: StatusChangeIn) -> MemberOut:
    session = uow.session
    member = await load(session, member_id)
    current = await latest_status(session, member_id)
    errors = rules.status_change_errors(
        current.status,
        body.status,
        body.on,
        current.valid_from,
        member.admitted_on,
        member.full_member_on,
        body.attached_branch_id,
    )
    if errors:
        raise invalid("Không đổi được trạng thái đảng viên.", errors, "member-status-invalid")
    home = await affiliation_on(session, member_id, body.on)
    if body.attached_branch_id:
        await require_org(
            session, body.attached_branch_id, pointer="/attached_branch_id", on=body.on, branch=True
        )
        if home is not None and home.branch_id == body.attached_branch_id:
            detail = "Chi bộ sinh hoạt tạm thời phải khác chi bộ chính thức."
            raise invalid(detail, [FieldError("/attached_branch_id", detail, "same-branch")])
    current.valid_to = body.on
    session.add(
        MemberStatusPeriod(
            member_id=member_id, status=body.status, valid_from=body.on, reason=body.reason
        )
    )
    if body.status == "full" and member.full_member_on is None:
        member.full_member_on = body.on
    # Leaving the roll ends every branch link; leaving a temporary attachment ends that one.
    ending = {"home", "residence", "attached"} if body.status in rules.TERMINAL else {"attached"}
    open_links = await session.scalars(
        sa.select(MemberAffiliation).where(
            MemberAffiliation.member_id == member_id,
            MemberAffiliation.kind.in_(sorted(ending)),
            MemberAffiliation.valid_to.is_(None),
        )
    )
    for link in open_links:
        link.valid_to = body.on
    if body.attached_branch_id:
        session.add(
            MemberAffiliation(
                member_id=member_id,
                branch_id=body.attached_branch_id,
                kind="attached",
                valid_from=body.on,
                reason="attachment",
            )
        )
    member.version += 1
    uow.emit(
        MemberStatusChanged.produce(
            aggregate_version=member.version,
            member_id=member_id,
            branch_id=home.branch_id if home else None,
            from_status=current.status,
            status=body.status,
            on=body.on,
            attached_branch_id=body.attached_branch_id,
        ),
        subject=f"members/{member_id}",
    )
    await revoke_member(session, member_id, uow.now())
    return await out(session, member)


async def transfer(uow: UnitOfWork, member_id: str, body: TransferIn) -> MemberOut:
    session = uow.session
    member = await load(session, member_id)
    status = await status_on(session, member_id, body.on)
    home = await affiliation_on(session, member_id, body.on)
    if status is None or status.status in rules.TERMINAL or home is None:
        detail = "Đảng viên không còn trong danh sách chi bộ nào vào ngày này."
        raise invalid(detail, [FieldError("/on", detail, "not-on-roll")], "member-not-on-roll")
    await require_org(session, body.branch_id, pointer="/branch_id", on=body.on, branch=True)
    if home.branch_id == body.branch_id:
        detail = "Đảng viên đã sinh hoạt ở chi bộ này."
        raise invalid(detail, [FieldError("/branch_id", detail, "same-branch")])
    await move_home(uow, member, home, body.branch_id, body.on, "transfer")
    await revoke_member(session, member_id, uow.now())
    return await out(session, member)


async def out(session: AsyncSession, member: Member) -> MemberOut:
    await session.flush()
    statuses = await session.scalars(
        sa.select(MemberStatusPeriod)
        .where(MemberStatusPeriod.member_id == member.id)
        .order_by(MemberStatusPeriod.valid_from)
    )
    links = await session.scalars(
        sa.select(MemberAffiliation)
        .where(MemberAffiliation.member_id == member.id)
        .order_by(MemberAffiliation.valid_from, MemberAffiliation.kind)
    )
    return MemberOut(
        **member.model_dump(),
        status_history=[StatusPeriodOut.model_validate(s, from_attributes=True) for s in statuses],
        affiliations=[AffiliationOut.model_validate(a, from_attributes=True) for a in links],
    )


async def roster(
    session: AsyncSession, branch_id: str, on: date, *, limit: int, after: str | None
) -> list[RosterEntryOut]:
    """Members on the branch's roll on `on` (home or temporarily attached), with their status
    that day; keyset-paged on member id."""
    status_t = MemberStatusPeriod.__table__
    link_t = MemberAffiliation.__table__
    member_t = Member.__table__
    stmt = (
        sa.select(member_t.c.id, member_t.c.full_name, status_t.c.status, link_t.c.kind)
        .join(link_t, link_t.c.member_id == member_t.c.id)
        .join(status_t, status_t.c.member_id == member_t.c.id)
        .where(
            link_t.c.branch_id == branch_id,
            link_t.c.kind.in_(("home", "attached")),
            in_force_sql(link_t.c.valid_from, link_t.c.valid_to, on),
            in_force_sql(status_t.c.valid_from, status_t.c.valid_to, on),
        )
        .order_by(member_t.c.id)
        .limit(limit)
    )
    if after is not None:
        stmt = stmt.where(member_t.c.id > after)
    rows = await session.execute(stmt)
    return [
        RosterEntryOut(member_id=r[0], full_name=r[1], status=r[2], attachment=r[3]) for r in rows
    ]
