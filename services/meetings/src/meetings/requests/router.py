"""HTTP edge of requests: read them by level or branch, and move them through their lifecycle."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Query, Response
from fastapi import Request as HttpRequest
from sqlmodel import col

from meetings.context import Ctx
from meetings.requests import grouping, service
from meetings.requests.consolidation import ConsolidationOut, Entry, consolidate, to_xlsx
from meetings.requests.lifecycle import BRANCH_SIDE, OPEN, RequestStatus
from meetings.requests.models import Request, RequestActionDone, RequestTimelineEntry
from meetings.requests.schemas import (
    LevelSummary,
    RequestActionIn,
    RequestGroupOut,
    RequestOut,
    TimelineEntryOut,
)
from org_tree.models import OrgNode
from org_tree.replica import subtree_cte
from service_kit.clock import start_of_vietnam_day, vietnam_date
from service_kit.web.access import Access, outside
from service_kit.web.dates import Month, first_of
from service_kit.web.deps import Caller, IfMatch, PageQuery, Runtime
from service_kit.web.pagination import Page, keyset_page, link_next
from service_kit.web.problems import Problem

router = APIRouter(prefix="/v1/requests", tags=["requests"])
GROUPED_LIMIT = 2000


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
        # Escalated for want of an answer (a request forwarded to the competent body also
        # moves up a level, but is not late for that).
        breached = sa.exists().where(
            RequestActionDone.request_id == Request.id,
            col(RequestActionDone.key).like("escalate:%")
            | col(RequestActionDone.key).like("overdue_at_top:%"),
        )
        stmt = stmt.where(breached | (col(Request.next_check_at) <= runtime.clock.now()))
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


@lru_cache(maxsize=1)
def _grouping_rules() -> list[grouping.GroupingRules]:
    return grouping.load_rules()


@router.get(
    "/grouped",
    response_model=list[RequestGroupOut],
    summary="An addressee's requests on one subject from several branches, as one item each",
)
async def grouped(
    runtime: Runtime,
    access: Caller,
    addressee_id: str = Query(min_length=1, max_length=64),
    open_only: bool = Query(True, alias="open"),
) -> list[RequestGroupOut]:
    """The requests an organisation owes an answer to (addressed or forwarded to it); those on
    one subject grouped as "raised by N branches". Each branch's request stays its own: it is
    answered on its own (`POST /v1/requests/{id}/actions`)."""
    await access.require(addressee_id)
    stmt = (
        sa.select(Request)
        .where(
            (Request.level_organisation_id == addressee_id) | (Request.addressee_id == addressee_id)
        )
        .order_by(col(Request.created_at), col(Request.id))
        .limit(GROUPED_LIMIT)
    )
    if open_only:
        stmt = stmt.where(col(Request.status).in_([s.value for s in OPEN]))
    async with runtime.db.session() as session:
        rows = list((await session.execute(stmt)).scalars())
    rules = grouping.rules_for(_grouping_rules(), None, access.today)
    groups = grouping.group_requests(
        [
            grouping.RaisedRequest(r.id, r.branch_id, addressee_id, r.subject, r.text, r.category)
            for r in rows
        ],
        rules,
    )
    by_id = {r.id: r for r in rows}
    return [
        RequestGroupOut(
            addressee_id=addressee_id,
            subject=g.subject,
            label=g.label,
            branch_count=g.branch_count,
            branch_ids=list(g.branch_ids),
            requests=[_out(by_id[i]) for i in g.request_ids],
        )
        for g in groups
    ]


CONSOLIDATED_KINDS = ("raised", "forward", "answer", "escalated", "overdue_at_top")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/consolidation",
    response_model=ConsolidationOut,
    summary="The month's requests by responsible organisation and level (JSON or XLSX)",
    responses={200: {"content": {XLSX: {}}}},
)
async def consolidation(
    runtime: Runtime,
    access: Caller,
    month: Annotated[Month, Query(description="tháng YYYY-MM")],
    organisation_id: str = Query(min_length=1, max_length=64),
    output: Literal["json", "xlsx"] = Query("json", alias="format"),
) -> Any:
    """Every organisation under `organisation_id` that owed answers in the month: raised to it,
    forwarded to it, forwarded on by it, answered within its competence, answered late, let
    pass overdue, and the median days to answer; totals per level."""
    await access.require(organisation_id)
    first = first_of(month)
    start = start_of_vietnam_day(first)
    end = start_of_vietnam_day((first + timedelta(days=32)).replace(day=1))
    tree = subtree_cte(organisation_id, access.today)
    async with runtime.db.session() as session:
        nodes = (
            await session.execute(
                sa.select(OrgNode.id, OrgNode.kind, OrgNode.name).join(
                    tree, col(OrgNode.id) == tree.c.id
                )
            )
        ).all()
        found = (
            await session.execute(
                sa.select(RequestTimelineEntry)
                .where(
                    col(RequestTimelineEntry.kind).in_(CONSOLIDATED_KINDS),
                    col(RequestTimelineEntry.at) >= start,
                    col(RequestTimelineEntry.at) < end,
                )
                .order_by(col(RequestTimelineEntry.id))
            )
        ).scalars()
        entries = [
            Entry(
                kind=t.kind,
                at_day=vietnam_date(t.at),
                level_organisation_id=t.level_organisation_id,
                details=t.details or {},
                late_answer=bool((t.details or {}).get("late")),
                days_to_answer=(t.details or {}).get("days_to_answer"),
            )
            for t in found
        ]
    kinds = {i: k for i, k, _ in nodes}
    report = consolidate(
        organisation_id, first.year, first.month, entries, kinds, within=set(kinds)
    )
    if output == "xlsx":
        return Response(
            to_xlsx(report, {i: n for i, _, n in nodes}),
            media_type=XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="kien-nghi-{report.month}.xlsx"'
            },
        )
    return report


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
