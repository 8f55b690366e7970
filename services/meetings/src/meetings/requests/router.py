"""HTTP edge of requests: read them by level or branch, and move them through their lifecycle."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Query, Response
from fastapi import Request as HttpRequest
from sqlmodel import col

from meetings.context import Ctx
from meetings.requests import service
from meetings.requests.lifecycle import BRANCH_SIDE, OPEN, RequestStatus
from meetings.requests.models import Request, RequestTimelineEntry
from meetings.requests.schemas import LevelSummary, RequestActionIn, RequestOut, TimelineEntryOut
from service_kit.web.access import Access, outside
from service_kit.web.deps import Caller, IfMatch, PageQuery, Runtime
from service_kit.web.pagination import Page, keyset_page, link_next
from service_kit.web.problems import Problem

router = APIRouter(prefix="/v1/requests", tags=["requests"])


def _out(row: Request, timeline: list[RequestTimelineEntry] | None = None) -> RequestOut:
    out = RequestOut.model_validate(row, from_attributes=True)
    if timeline is not None:
        out.timeline = [TimelineEntryOut.model_validate(t, from_attributes=True) for t in timeline]
    return out


@router.get(
    "",
    response_model=Page[RequestOut],
    summary="Requests by the organisation that owes the answer, branch or state",
)
async def list_requests(
    request: HttpRequest,
    response: Response,
    page: PageQuery,
    runtime: Runtime,
    access: Caller,
    level_organisation_id: str | None = None,
    organisation_id: str | None = Query(
        None, description="requests owed by this organisation or anything under it today"
    ),
    branch_id: str | None = None,
    status: RequestStatus | None = None,
    open_only: bool = Query(False, alias="open"),
    overdue: bool = Query(False, description="open and past a reminder or deadline check"),
) -> Page[RequestOut]:
    # Seen from the branch that raised it and from the bodies asked to answer it.
    stmt = access.restrict(
        sa.select(Request),
        col(Request.branch_id),
        col(Request.level_organisation_id),
        col(Request.addressee_id),
    )
    if level_organisation_id:
        stmt = stmt.where(Request.level_organisation_id == level_organisation_id)
    if branch_id:
        stmt = stmt.where(Request.branch_id == branch_id)
    if organisation_id:
        await access.require(organisation_id)
        under = access.tree.subtree(organisation_id, access.today).scalar_subquery()
        stmt = stmt.where(col(Request.level_organisation_id).in_(under))
    if status:
        stmt = stmt.where(Request.status == status.value)
    if open_only or overdue:
        stmt = stmt.where(col(Request.status).in_([s.value for s in OPEN]))
    if overdue:
        stmt = stmt.where(
            col(Request.level).__gt__(0) | (col(Request.next_check_at) <= runtime.clock.now())
        )
    async with runtime.db.session() as session:
        rows, next_cursor = await keyset_page(session, stmt, col(Request.id), page)
    link_next(request, response, next_cursor)
    return Page[RequestOut](items=[_out(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/summary",
    response_model=list[LevelSummary],
    summary="Open and overdue requests under an organisation, by level",
)
async def summary(
    organisation_id: str,
    runtime: Runtime,
    access: Caller,
) -> list[LevelSummary]:
    await access.require(organisation_id)
    async with runtime.db.session() as session:
        under = access.tree.subtree(organisation_id, access.today).scalar_subquery()
        rows = (
            await session.execute(
                sa.select(
                    Request.level,
                    sa.func.count(),
                    sa.func.sum(sa.case((col(Request.level) > 0, 1), else_=0)),
                )
                .where(
                    col(Request.level_organisation_id).in_(under),
                    col(Request.status).in_([s.value for s in OPEN]),
                )
                .group_by(Request.level)
                .order_by(Request.level)
            )
        ).all()
    return [
        LevelSummary(level=level, open=count, escalated=escalated or 0)
        for level, count, escalated in rows
    ]


async def _visible(access: Access, row: Request) -> None:
    """A request belongs to two sides: the raising branch and the bodies asked to answer."""
    for org in (row.branch_id, row.level_organisation_id, row.addressee_id):
        if await access.within(org):
            return
    raise outside(row.branch_id, "request.read", access)


@router.get("/{request_id}", response_model=RequestOut, summary="A request with its timeline")
async def get_request(
    request_id: str, response: Response, runtime: Runtime, access: Caller
) -> RequestOut:
    async with runtime.db.session() as session:
        row = await session.get(Request, request_id)
        if row is None:
            raise Problem(404, "request-not-found", f"Không có kiến nghị {request_id}.")
        await _visible(access, row)
        entries = await service.timeline(session, request_id)
    response.headers["ETag"] = f'"{row.version}"'
    return _out(row, entries)


@router.post(
    "/{request_id}/actions",
    response_model=RequestOut,
    summary="Acknowledge, answer, forward, return, reject, close or reopen a request",
)
async def act(
    request_id: str,
    body: RequestActionIn,
    response: Response,
    runtime: Runtime,
    access: Caller,
    ctx: Ctx,
    if_match: IfMatch = None,
) -> RequestOut:
    # The timeline names the token's caller; a name the client gives is kept beside it.
    who = access.principal.actor
    body = body.model_copy(update={"actor": f"{body.actor} ({who})" if body.actor else who})
    async with runtime.db.session() as session:
        current = await session.get(Request, request_id)
    if current is None:
        raise Problem(404, "request-not-found", f"Không có kiến nghị {request_id}.")
    # Each action belongs to a side: the raising branch's officers, or the answering body's.
    if body.action in BRANCH_SIDE:
        await access.require(current.branch_id, "request.branch_act")
    else:
        await access.require(current.level_organisation_id, "request.respond")
    async with runtime.uow() as uow:
        if if_match is not None:
            current = await uow.session.get(Request, request_id)
            if current is not None and f'"{current.version}"' != if_match.strip():
                raise Problem(
                    412,
                    "request-changed",
                    "Kiến nghị đã thay đổi từ lần đọc trước; hãy tải lại rồi thử lại.",
                    current_version=current.version,
                )
        row = await service.act(uow, request_id, body, ctx.now(), ctx.request_rules)
        await uow.commit()
    async with runtime.db.session() as session:
        entries = await service.timeline(session, request_id)
    response.headers["ETag"] = f'"{row.version}"'
    return _out(row, entries)
