"""HTTP edge of the organisation tree: thin translation to the service and queries."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from event_contracts.vocabulary import BRANCH_KINDS
from registry.audit.edge import write
from registry.golive import service as golive
from registry.organisations import queries, service
from registry.organisations.models import Organisation, OrganisationLink
from registry.organisations.schemas import (
    ChangeOut,
    DissolveIn,
    MergeIn,
    MoveIn,
    OrganisationIn,
    OrganisationOut,
    RenameIn,
    SplitIn,
    TreeNodeOut,
)
from registry.periods import in_force_sql
from service_kit.clock import today_in_vietnam
from service_kit.web.deps import Caller, IdempotencyKey, OnDate, PageQuery, Runtime
from service_kit.web.pagination import Page, encode_cursor, link_next
from service_kit.web.problems import Problem

router = APIRouter(prefix="/v1/organisations", tags=["organisations"])


def _location(out: object) -> str:
    assert isinstance(out, OrganisationOut)
    return f"/v1/organisations/{out.id}"


@router.post(
    "",
    status_code=201,
    response_model=OrganisationOut,
    summary="Register an organisation (Idempotency-Key required)",
)
async def register(
    body: OrganisationIn,
    request: Request,
    runtime: Runtime,
    access: Caller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    if body.parent_id is None:
        access.require_province()  # a new root
    else:
        await access.require(body.parent_id)
    return await write(
        request,
        runtime,
        idempotency_key,
        body,
        lambda uow: service.register(uow, body),
        status_code=201,
        location=_location,
    )


@router.post("/merges", response_model=ChangeOut, summary="Merge organisations from a date")
async def merge(
    body: MergeIn,
    request: Request,
    runtime: Runtime,
    access: Caller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await access.require_all([*body.source_ids, body.into_id, body.parent_id])
    return await write(
        request, runtime, idempotency_key, body, lambda uow: service.merge(uow, body)
    )


@router.post(
    "/{organisation_id}/rename", response_model=OrganisationOut, summary="Rename from a date"
)
async def rename(
    organisation_id: str,
    body: RenameIn,
    request: Request,
    runtime: Runtime,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await write(
        request,
        runtime,
        idempotency_key,
        body,
        lambda uow: service.rename(uow, organisation_id, body),
    )


@router.post(
    "/{organisation_id}/move",
    response_model=OrganisationOut,
    summary="Move under another parent from a date",
)
async def move(
    organisation_id: str,
    body: MoveIn,
    request: Request,
    runtime: Runtime,
    access: Caller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await access.require(body.parent_id)  # the organisation itself: by the path (guard)
    return await write(
        request,
        runtime,
        idempotency_key,
        body,
        lambda uow: service.move(uow, organisation_id, body),
    )


@router.post(
    "/{organisation_id}/split",
    response_model=ChangeOut,
    summary="Split into new organisations from a date",
)
async def split(
    organisation_id: str,
    body: SplitIn,
    request: Request,
    runtime: Runtime,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await write(
        request,
        runtime,
        idempotency_key,
        body,
        lambda uow: service.split(uow, organisation_id, body),
    )


@router.post(
    "/{organisation_id}/dissolve",
    response_model=ChangeOut,
    summary="Dissolve from a date; children move up",
)
async def dissolve(
    organisation_id: str,
    body: DissolveIn,
    request: Request,
    runtime: Runtime,
    access: Caller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await access.require_all([body.children_to_id, body.members_to_id])  # where they go, if named
    return await write(
        request,
        runtime,
        idempotency_key,
        body,
        lambda uow: service.dissolve(uow, organisation_id, body),
    )


@router.get("/{organisation_id}", response_model=OrganisationOut, summary="One organisation")
async def get_organisation(
    organisation_id: str,
    runtime: Runtime,
    on: OnDate = None,
) -> OrganisationOut:
    day = on or today_in_vietnam(runtime.clock)
    async with runtime.db.session() as session:
        org = await queries.require_org(session, organisation_id)
        link = await queries.link_on(session, org.id, day)
        return await service.described(session, org, link.parent_id if link else None, day)


@router.get("", response_model=Page[OrganisationOut], summary="Organisations (paged)")
async def list_organisations(
    request: Request,
    response: Response,
    page: PageQuery,
    runtime: Runtime,
    access: Caller,
    parent_id: str | None = None,
    on: OnDate = None,
) -> Page[OrganisationOut]:
    await access.require(parent_id or None)
    day = on or today_in_vietnam(runtime.clock)
    link = OrganisationLink
    stmt = (
        sa.select(Organisation, link.parent_id)
        .outerjoin(
            link,
            sa.and_(
                link.child_id == Organisation.id, in_force_sql(link.valid_from, link.valid_to, day)
            ),
        )
        .order_by(Organisation.id)
        .limit(page.limit + 1)
    )
    stmt = access.restrict(stmt, Organisation.id)
    if parent_id:
        stmt = stmt.where(link.parent_id == parent_id)
    elif on is not None:
        stmt = stmt.where(in_force_sql(Organisation.valid_from, Organisation.valid_to, on))
    if page.after:
        stmt = stmt.where(Organisation.id > page.after[0])
    async with runtime.db.session() as session:
        rows = list(await session.execute(stmt))
        more = len(rows) > page.limit
        rows = rows[: page.limit]
        go_live = await golive.effective_many(session, [org.id for org, _ in rows], day)
    next_cursor = encode_cursor(rows[-1][0].id) if more and rows else None
    link_next(request, response, next_cursor)
    return Page[OrganisationOut](
        items=[service.out(org, parent, go_live[org.id]) for org, parent in rows],
        next_cursor=next_cursor,
    )


@router.get(
    "/{organisation_id}/ancestors",
    response_model=Page[TreeNodeOut],
    summary="Ancestors on a date, nearest first",
)
async def ancestors(
    organisation_id: str,
    runtime: Runtime,
    on: OnDate = None,
) -> Page[TreeNodeOut]:
    day = on or today_in_vietnam(runtime.clock)
    async with runtime.db.session() as session:
        await queries.require_org(session, organisation_id, on=day)
        rows = await queries.ancestors(session, organisation_id, day)
    return Page[TreeNodeOut](items=[TreeNodeOut.model_validate(r._mapping) for r in rows])


@router.get(
    "/{organisation_id}/subtree",
    response_model=Page[TreeNodeOut],
    summary="The organisation and everything under it on a date (paged, breadth first)",
)
async def subtree(
    organisation_id: str,
    request: Request,
    response: Response,
    page: PageQuery,
    runtime: Runtime,
    on: OnDate = None,
    branches_only: bool = False,
) -> Page[TreeNodeOut]:
    day = on or today_in_vietnam(runtime.clock)
    after = None
    if page.after:
        try:
            after = (int(page.after[0]), page.after[1])
        except (ValueError, IndexError):
            raise Problem(400, "invalid-cursor", "Con trỏ phân trang không hợp lệ.") from None
    async with runtime.db.session() as session:
        await queries.require_org(session, organisation_id, on=day)
        rows = await queries.subtree(
            session,
            organisation_id,
            day,
            limit=page.limit + 1,
            after=after,
            kinds=BRANCH_KINDS if branches_only else None,
        )
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = encode_cursor(rows[-1].depth, rows[-1].id) if more and rows else None
    link_next(request, response, next_cursor)
    return Page[TreeNodeOut](
        items=[TreeNodeOut.model_validate(r._mapping) for r in rows], next_cursor=next_cursor
    )
