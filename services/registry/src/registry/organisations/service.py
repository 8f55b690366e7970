"""Changing the tree: register, rename, move, merge, split, dissolve — each dated, each kept as
history (periods are closed, never overwritten) and each announced through the outbox."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.events.registry import (
    OrganisationDissolved,
    OrganisationMerged,
    OrganisationMoved,
    OrganisationRegistered,
    OrganisationRenamed,
    OrganisationSplit,
)
from event_contracts.vocabulary import is_branch
from registry.golive import service as golive
from registry.golive.rules import Effective
from registry.members import service as members
from registry.members.models import Member
from registry.organisations import queries, rules
from registry.organisations.models import Organisation, OrganisationLink, OrganisationName
from registry.organisations.schemas import (
    ChangeOut,
    DissolveIn,
    MergeIn,
    MoveIn,
    NewOrganisationIn,
    OrganisationIn,
    OrganisationOut,
    RenameIn,
    SplitIn,
)
from registry.roles import service as roles
from service_kit.errors import Conflict, FieldError, invalid
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork


def out(
    org: Organisation, parent_id: str | None, go_live: Effective | None = None
) -> OrganisationOut:
    fields = org.model_dump(exclude={"parent_id"})
    if go_live is not None:
        fields |= {
            "effective_go_live_on": go_live.go_live_on,
            "go_live_status": go_live.status,
            "go_live_from_id": go_live.source_id,
        }
    return OrganisationOut(**fields, parent_id=parent_id)


async def described(
    session: AsyncSession, org: Organisation, parent_id: str | None, on: date
) -> OrganisationOut:
    """`out` with the effective go-live date and status on `on`."""
    go_live = (await golive.effective_many(session, [org.id], on))[org.id]
    return out(org, parent_id, go_live)


async def _create(
    uow: UnitOfWork, body: OrganisationIn, *, pointer: str = "", reason: str = "register"
) -> Organisation:
    """A new node with its first name and link; `pointer` prefixes field errors (`/new`)."""
    session = uow.session
    errors = rules.branch_detail_errors(
        body.kind, body.branch_kind, body.meeting_day_from, body.meeting_day_to
    )
    parent = None
    if body.parent_id:
        parent = await queries.require_org(
            session, body.parent_id, pointer=f"{pointer}/parent_id", on=body.valid_from
        )
    errors += rules.parent_errors(body.kind, parent.kind if parent else None)
    if errors:
        for e in errors:
            e["pointer"] = pointer + e["pointer"]
        raise invalid("Thông tin tổ chức không hợp lệ.", errors, "organisation-invalid")
    if await session.scalar(sa.select(Organisation.id).where(Organisation.code == body.code)):
        raise Conflict(
            "organisation-code-taken",
            f"Mã {body.code} đã được dùng.",
            errors=[FieldError(f"{pointer}/code", "Mã tổ chức đã tồn tại.", "duplicate")],
        )
    org = Organisation(id=new_id(), **body.model_dump(exclude={"parent_id"}))
    session.add(org)
    await session.flush()
    session.add(OrganisationName(organisation_id=org.id, name=org.name, valid_from=org.valid_from))
    if parent is not None:
        session.add(
            OrganisationLink(
                child_id=org.id, parent_id=parent.id, valid_from=org.valid_from, reason=reason
            )
        )
    uow.emit(
        OrganisationRegistered.produce(
            aggregate_version=org.version,
            organisation_id=org.id,
            code=org.code,
            name=org.name,
            kind=org.kind,
            parent_id=body.parent_id,
            valid_from=org.valid_from,
            branch_kind=org.branch_kind,
            meeting_day_from=org.meeting_day_from,
            meeting_day_to=org.meeting_day_to,
        ),
        subject=f"organisations/{org.id}",
    )
    return org


async def register(uow: UnitOfWork, body: OrganisationIn) -> OrganisationOut:
    org = await _create(uow, body)
    return await described(uow.session, org, body.parent_id, body.valid_from)


async def _require_changeable(uow: UnitOfWork, org: Organisation, on: date) -> None:
    errors = rules.change_date_errors(on, org.valid_from, org.valid_to)
    if not errors and await queries.changed_after(uow.session, org.id, on):
        errors = [
            FieldError("/on", f"{org.name} đã có thay đổi sau ngày {on}.", "history-conflict")
        ]
    if errors:
        raise invalid("Không thay đổi được tổ chức vào ngày này.", errors, "organisation-history")


async def rename(uow: UnitOfWork, organisation_id: str, body: RenameIn) -> OrganisationOut:
    session = uow.session
    org = await queries.require_org(session, organisation_id)
    await _require_changeable(uow, org, body.on)
    current = await session.scalar(
        sa.select(OrganisationName)
        .where(OrganisationName.organisation_id == org.id)
        .order_by(OrganisationName.valid_from.desc())
        .limit(1)
    )
    if current is not None and body.on <= current.valid_from:
        detail = f"Phải sau lần đổi tên trước ({current.valid_from})."
        raise invalid(detail, [FieldError("/on", detail, "history-conflict")])
    if current is not None:
        current.valid_to = body.on
    session.add(OrganisationName(organisation_id=org.id, name=body.name, valid_from=body.on))
    org.name = body.name
    org.version += 1
    uow.emit(
        OrganisationRenamed.produce(
            aggregate_version=org.version, organisation_id=org.id, name=body.name, on=body.on
        ),
        subject=f"organisations/{org.id}",
    )
    link = await queries.link_on(session, org.id, body.on)
    return await described(session, org, link.parent_id if link else None, body.on)


async def _relink(
    uow: UnitOfWork, child: Organisation, parent: Organisation, on: date, reason: str
) -> None:
    """From `on`, `child` hangs under `parent`: the old link is closed, a new one opened."""
    session = uow.session
    errors = rules.parent_errors(child.kind, parent.kind)
    if child.id == parent.id or child.id in await queries.ancestor_ids(session, parent.id, on):
        errors.append(
            FieldError("/parent_id", "Không thể chuyển vào chính cấp dưới của mình.", "cycle")
        )
    if await queries.changed_after(session, child.id, on, as_child_only=True):
        errors.append(
            FieldError("/on", f"Đã có thay đổi cấp trên sau ngày {on}.", "history-conflict")
        )
    if errors:
        for e in errors:
            e["detail"] = f"{child.name}: {e['detail']}"
        raise invalid("Không chuyển được tổ chức.", errors, "organisation-invalid")
    current = await queries.link_on(session, child.id, on)
    if current is not None:
        current.valid_to = on
    session.add(
        OrganisationLink(child_id=child.id, parent_id=parent.id, valid_from=on, reason=reason)
    )
    child.version += 1
    uow.emit(
        OrganisationMoved.produce(
            aggregate_version=child.version,
            organisation_id=child.id,
            from_parent_id=current.parent_id if current else None,
            parent_id=parent.id,
            on=on,
            reason=reason,
        ),
        subject=f"organisations/{child.id}",
    )


async def move(uow: UnitOfWork, organisation_id: str, body: MoveIn) -> OrganisationOut:
    session = uow.session
    org = await queries.require_org(session, organisation_id)
    await _require_changeable(uow, org, body.on)
    parent = await queries.require_org(session, body.parent_id, pointer="/parent_id", on=body.on)
    current = await queries.link_on(session, org.id, body.on)
    if current is not None and current.parent_id == parent.id:
        detail = "Tổ chức đã trực thuộc cấp trên này."
        raise invalid(detail, [FieldError("/parent_id", detail, "unchanged")])
    await _relink(uow, org, parent, body.on, "move")
    return await described(session, org, parent.id, body.on)


async def _end(uow: UnitOfWork, org: Organisation, on: date, reason: str) -> None:
    org.valid_to = on
    org.end_reason = reason
    org.version += 1
    link = await queries.link_on(uow.session, org.id, on)
    if link is not None:
        link.valid_to = on
    await roles.end_all_at(uow, org.id, on)


async def _hand_over(
    uow: UnitOfWork,
    source: Organisation,
    target: Organisation,
    on: date,
    reason: str,
    change: ChangeOut,
) -> None:
    """Children and (for a branch) members of `source` belong to `target` from `on`."""
    session = uow.session
    for link in await queries.children_links_on(session, source.id, on):
        child = await session.get(Organisation, link.child_id)
        assert child is not None
        await _relink(uow, child, target, on, reason)
        change.moved_ids.append(child.id)
    home_links = await members.home_affiliations_on(session, source.id, on)
    if home_links and not is_branch(target.kind):
        detail = f"{source.name} còn đảng viên; nơi nhận phải là chi bộ."
        raise invalid(detail, [FieldError("/members_to_id", detail, "not-a-branch")])
    for home in home_links:
        member = await session.get(Member, home.member_id)
        assert member is not None
        await members.move_home(uow, member, home, target.id, on, reason)
        change.transferred_member_ids.append(member.id)


def _new_body(new: NewOrganisationIn, kind: str, parent_id: str | None, on: date) -> OrganisationIn:
    return OrganisationIn(
        **new.model_dump(exclude={"kind", "child_ids", "member_ids"}),
        kind=new.kind or kind,
        parent_id=parent_id,
        valid_from=on,
    )


async def merge(uow: UnitOfWork, body: MergeIn) -> ChangeOut:
    """Several nodes become one from `on`: into an existing survivor, or into a new node."""
    session = uow.session
    errors = rules.merge_errors(body.source_ids, body.into_id)
    if (body.into_id is None) == (body.new is None):
        errors.append(FieldError("/into_id", "Cần đúng một trong hai: into_id hoặc new.", "one-of"))
    if errors:
        raise invalid("Không sáp nhập được.", errors, "merge-invalid")
    sources = [
        await queries.require_org(session, sid, pointer=f"/source_ids/{i}", on=body.on)
        for i, sid in enumerate(body.source_ids)
    ]
    for source in sources:
        await _require_changeable(uow, source, body.on)
    if body.into_id is not None:
        target = await queries.require_org(session, body.into_id, pointer="/into_id", on=body.on)
    else:
        assert body.new is not None
        first_link = await queries.link_on(session, sources[0].id, body.on)
        parent_id = body.parent_id or (first_link.parent_id if first_link else None)
        target = await _create(
            uow,
            _new_body(body.new, sources[0].kind, parent_id, body.on),
            pointer="/new",
            reason="merge",
        )
    change = ChangeOut(organisation_ids=[target.id], on=body.on)
    for source in sources:
        await _hand_over(uow, source, target, body.on, "merge", change)
        await _end(uow, source, body.on, "merged")
        change.ended_ids.append(source.id)
        uow.emit(
            OrganisationMerged.produce(
                aggregate_version=source.version,
                organisation_id=source.id,
                into_id=target.id,
                on=body.on,
            ),
            subject=f"organisations/{source.id}",
        )
    return change


async def split(uow: UnitOfWork, organisation_id: str, body: SplitIn) -> ChangeOut:
    """One node becomes several new ones from `on`; every child and member is assigned a part."""
    session = uow.session
    source = await queries.require_org(session, organisation_id)
    await _require_changeable(uow, source, body.on)
    child_links = await queries.children_links_on(session, source.id, body.on)
    home_links = await members.home_affiliations_on(session, source.id, body.on)
    errors = rules.assignment_errors(
        {link.child_id for link in child_links},
        [part.child_ids for part in body.parts],
        "child_ids",
        "tổ chức trực thuộc",
    ) + rules.assignment_errors(
        {home.member_id for home in home_links},
        [part.member_ids for part in body.parts],
        "member_ids",
        "đảng viên",
    )
    if errors:
        raise invalid("Phương án chia tách chưa đầy đủ.", errors, "split-invalid")
    parent_link = await queries.link_on(session, source.id, body.on)
    change = ChangeOut(organisation_ids=[], on=body.on)
    for p, part in enumerate(body.parts):
        org = await _create(
            uow,
            _new_body(part, source.kind, parent_link.parent_id if parent_link else None, body.on),
            pointer=f"/parts/{p}",
            reason="split",
        )
        change.organisation_ids.append(org.id)
        for child_id in part.child_ids:
            child = await session.get(Organisation, child_id)
            assert child is not None
            await _relink(uow, child, org, body.on, "split")
            change.moved_ids.append(child_id)
        by_member = {home.member_id: home for home in home_links}
        for member_id in part.member_ids:
            member = await session.get(Member, member_id)
            assert member is not None
            if not is_branch(org.kind):
                detail = "Đảng viên chỉ chuyển được vào chi bộ."
                raise invalid(detail, [FieldError(f"/parts/{p}/kind", detail, "not-a-branch")])
            await members.move_home(uow, member, by_member[member_id], org.id, body.on, "split")
            change.transferred_member_ids.append(member_id)
    await _end(uow, source, body.on, "split")
    change.ended_ids.append(source.id)
    uow.emit(
        OrganisationSplit.produce(
            aggregate_version=source.version,
            organisation_id=source.id,
            into_ids=change.organisation_ids,
            on=body.on,
        ),
        subject=f"organisations/{source.id}",
    )
    return change


async def dissolve(uow: UnitOfWork, organisation_id: str, body: DissolveIn) -> ChangeOut:
    """The node ceases on `on`; its children go to `children_to_id` (default: its parent) and
    its members, if it is a branch, to `members_to_id`."""
    session = uow.session
    org = await queries.require_org(session, organisation_id)
    await _require_changeable(uow, org, body.on)
    parent_link = await queries.link_on(session, org.id, body.on)
    change = ChangeOut(organisation_ids=[], on=body.on)
    children_to = body.children_to_id or (parent_link.parent_id if parent_link else None)
    child_links = await queries.children_links_on(session, org.id, body.on)
    if child_links:
        if children_to is None:
            detail = "Cần nơi nhận các tổ chức trực thuộc."
            raise invalid(detail, [FieldError("/children_to_id", detail, "missing")])
        target = await queries.require_org(
            session, children_to, pointer="/children_to_id", on=body.on
        )
        change.organisation_ids.append(target.id)
        for link in child_links:
            child = await session.get(Organisation, link.child_id)
            assert child is not None
            await _relink(uow, child, target, body.on, "dissolve")
            change.moved_ids.append(child.id)
    home_links = await members.home_affiliations_on(session, org.id, body.on)
    if home_links:
        if body.members_to_id is None:
            detail = f"{org.name} còn {len(home_links)} đảng viên; cần chi bộ nhận."
            raise invalid(detail, [FieldError("/members_to_id", detail, "missing")])
        branch = await queries.require_org(
            session, body.members_to_id, pointer="/members_to_id", on=body.on, branch=True
        )
        for home in home_links:
            member = await session.get(Member, home.member_id)
            assert member is not None
            await members.move_home(uow, member, home, branch.id, body.on, "dissolve")
            change.transferred_member_ids.append(member.id)
    await _end(uow, org, body.on, "dissolved")
    change.ended_ids.append(org.id)
    uow.emit(
        OrganisationDissolved.produce(
            aggregate_version=org.version,
            organisation_id=org.id,
            on=body.on,
            children_moved_to_id=children_to if child_links else None,
        ),
        subject=f"organisations/{org.id}",
    )
    return change
