"""HTTP edge of observer reports."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request, Response
from sqlmodel import col

from meetings.context import Ctx
from meetings.meetings.models import BranchMeeting
from meetings.observers import service
from meetings.observers.models import ObserverReport
from meetings.observers.schemas import ObserverDutyOut, ObserverReportIn, ObserverReportOut
from service_kit.uow import UnitOfWork
from service_kit.web.deps import Caller, IdempotencyKey, Runtime
from service_kit.web.idempotency import Created, create_once

router = APIRouter(prefix="/v1", tags=["observer reports"])
DUTY_LIMIT = 2000


@router.post(
    "/meetings/{meeting_id}/observer-reports",
    status_code=201,
    response_model=ObserverReportOut,
    summary="The assigned observer files the report on a meeting (Idempotency-Key)",
)
async def file_report(
    meeting_id: str,
    body: ObserverReportIn,
    request: Request,
    runtime: Runtime,
    access: Caller,
    ctx: Ctx,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def create(uow: UnitOfWork) -> Created:
        report = await service.file_report(
            uow, meeting_id, access.principal.member_id, body, ctx.now(), ctx.request_rules
        )
        out = ObserverReportOut.of(report)
        return Created(201, out.model_dump(mode="json"))

    return await create_once(request, runtime, idempotency_key, body, create)


@router.get(
    "/observer-reports",
    response_model=list[ObserverReportOut],
    summary="Reports expected, filed or overdue, by observer or branch",
)
async def list_reports(
    runtime: Runtime,
    access: Caller,
    observer_member_id: str | None = None,
    branch_id: str | None = None,
    status: str | None = None,
) -> list[ObserverReportOut]:
    stmt = sa.select(ObserverReport).order_by(col(ObserverReport.due_at)).limit(500)
    stmt = access.restrict(stmt, col(ObserverReport.branch_id))
    if observer_member_id:
        stmt = stmt.where(ObserverReport.observer_member_id == observer_member_id)
    if branch_id:
        stmt = stmt.where(ObserverReport.branch_id == branch_id)
    if status:
        stmt = stmt.where(ObserverReport.status == status)
    async with runtime.db.session() as session:
        rows = (await session.execute(stmt)).scalars().all()
    return [ObserverReportOut.of(r) for r in rows]


@router.get(
    "/observers/{member_id}/duty",
    response_model=ObserverDutyOut,
    summary="An observer's duty over a year: reports on time, meetings attended",
)
async def duty(
    member_id: str,
    runtime: Runtime,
    access: Caller,
    year: int = Query(ge=1930, le=2199, description="năm của các cuộc họp"),
) -> ObserverDutyOut:
    """For the observer's own annual rating. The observer sees all of their own; anyone else
    the reports on branches in their scope. A report made late only by the branch's late
    logging is not counted against the observer."""
    stmt = (
        sa.select(ObserverReport)
        .join(BranchMeeting, col(BranchMeeting.id) == col(ObserverReport.meeting_id))
        .where(
            ObserverReport.observer_member_id == member_id,
            col(BranchMeeting.held_on) >= date(year, 1, 1),
            col(BranchMeeting.held_on) < date(year + 1, 1, 1),
        )
        .order_by(col(BranchMeeting.held_on), col(ObserverReport.meeting_id))
        .limit(DUTY_LIMIT)
    )
    if access.principal.member_id != member_id:
        stmt = access.restrict(stmt, col(ObserverReport.branch_id))
    async with runtime.db.session() as session:
        rows = list((await session.execute(stmt)).scalars())
    return service.duty(member_id, year, [ObserverReportOut.of(r) for r in rows])
