"""HTTP edge of meeting records: translate requests to service calls and back."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from fastapi import APIRouter, Header, Query, Request, Response
from sqlmodel import col

from meetings.context import Ctx
from meetings.meetings import prefill, service
from meetings.meetings.models import BranchMeeting
from meetings.meetings.schemas import (
    AmendmentIn,
    MeetingOut,
    MeetingSubmissionIn,
    NextMeetingOut,
    RevisionOut,
)
from service_kit.uow import UnitOfWork
from service_kit.web.dates import MonthQuery, first_of
from service_kit.web.deps import Caller, IdempotencyKey, PageQuery, Runtime
from service_kit.web.idempotency import Created, create_once, stored_answer
from service_kit.web.pagination import Page, keyset_page, link_next
from service_kit.web.problems import Problem

router = APIRouter(prefix="/v1/meetings", tags=["meetings"])
branches = APIRouter(prefix="/v1/branches", tags=["meetings"])


@router.post(
    "",
    status_code=201,
    response_model=MeetingOut,
    summary="Submit a complete meeting record (Idempotency-Key required)",
)
async def submit(
    body: MeetingSubmissionIn,
    request: Request,
    runtime: Runtime,
    access: Caller,
    ctx: Ctx,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    await access.require(body.branch_id)
    # A retry gets its first answer; a new record is validated on a read session, so the
    # single SQLite writer is held for the inserts only.
    replay = await stored_answer(request, runtime, idempotency_key, body)
    if replay is not None:
        return replay
    now = ctx.now()
    checked = await runtime.db.read(
        lambda session: service.check_submission(session, body, now, ctx.meeting_rules)
    )

    async def create(uow: UnitOfWork) -> Created:
        out = await service.submit_meeting(
            uow,
            body,
            now,
            ctx.request_rules,
            ctx.meeting_rules,
            actor=access.principal.actor,
            checked=checked,
        )
        return Created(201, out.model_dump(mode="json"), location=f"/v1/meetings/{out.id}")

    # Group commit: concurrent submissions share one transaction (each in its savepoint).
    return await create_once(request, runtime, idempotency_key, body, create, grouped=True)


@router.get("/{meeting_id}", response_model=MeetingOut, summary="One meeting record")
async def get_meeting(meeting_id: str, response: Response, runtime: Runtime) -> MeetingOut:
    async with runtime.db.session() as session:
        meeting = await session.get(BranchMeeting, meeting_id)
        if meeting is None:
            raise Problem(404, "meeting-not-found", f"Không có cuộc họp {meeting_id}.")
        counts = await service.attendance_counts(session, [meeting_id])
    response.headers["ETag"] = f'"{meeting.version}"'
    return service.meeting_out(meeting, counts[meeting_id])


@router.get("", response_model=Page[MeetingOut], summary="Meetings, newest submission last")
async def list_meetings(
    request: Request,
    response: Response,
    page: PageQuery,
    runtime: Runtime,
    access: Caller,
    branch_id: str | None = None,
    organisation_id: str | None = Query(
        None, description="every branch under this organisation (the tree as of the month)"
    ),
    month: MonthQuery = None,
) -> Page[MeetingOut]:
    stmt = access.restrict(sa.select(BranchMeeting), col(BranchMeeting.branch_id))
    if branch_id:
        stmt = stmt.where(BranchMeeting.branch_id == branch_id)
    if month:
        first = first_of(month)
        following = (first + timedelta(days=32)).replace(day=1)
        stmt = stmt.where(
            col(BranchMeeting.held_on) >= first, col(BranchMeeting.held_on) < following
        )
    if organisation_id:
        await access.require(organisation_id)
        on = first_of(month) if month else access.today
        under = access.tree.subtree(organisation_id, on).scalar_subquery()
        stmt = stmt.where(col(BranchMeeting.branch_id).in_(under))
    async with runtime.db.session() as session:
        meetings, next_cursor = await keyset_page(session, stmt, col(BranchMeeting.id), page)
        counts = await service.attendance_counts(session, [m.id for m in meetings])
    link_next(request, response, next_cursor)
    return Page[MeetingOut](
        items=[service.meeting_out(m, counts[m.id]) for m in meetings], next_cursor=next_cursor
    )


@router.post(
    "/{meeting_id}/amendments",
    status_code=201,
    response_model=MeetingOut,
    summary="Amend a submitted meeting: a new version with a reason (Idempotency-Key)",
)
async def amend(
    meeting_id: str,
    body: AmendmentIn,
    request: Request,
    runtime: Runtime,
    access: Caller,
    ctx: Ctx,
    idempotency_key: IdempotencyKey = None,
    if_match: str | None = Header(
        default=None, alias="If-Match", description='the version read, e.g. "1"'
    ),
) -> Response:
    await access.require(body.record.branch_id)
    expected = _version_from_etag(if_match)

    async def create(uow: UnitOfWork) -> Created:
        out = await service.amend_meeting(
            uow,
            meeting_id,
            body.record,
            body.reason,
            runtime.clock.now(),
            expected,
            ctx.meeting_rules,
            actor=access.principal.actor,
        )
        return Created(
            201,
            out.model_dump(mode="json"),
            location=f"/v1/meetings/{out.id}",
            headers={"ETag": f'"{out.version}"'},
        )

    return await create_once(request, runtime, idempotency_key, body, create)


@router.get(
    "/{meeting_id}/revisions",
    response_model=list[RevisionOut],
    summary="Every version of a meeting record, with who changed it and why",
)
async def list_revisions(meeting_id: str, runtime: Runtime) -> list[RevisionOut]:
    async with runtime.db.session() as session:
        rows = await service.revisions(session, meeting_id)
    if not rows:
        raise Problem(404, "meeting-not-found", f"Không có cuộc họp {meeting_id}.")
    return [RevisionOut.model_validate(r, from_attributes=True) for r in rows]


def _version_from_etag(if_match: str | None) -> int | None:
    if if_match is None:
        return None
    try:
        return int(if_match.strip().strip('"').removeprefix("W/").strip('"'))
    except ValueError:
        raise Problem(400, "invalid-if-match", 'If-Match phải là ETag đã đọc, ví dụ "1".') from None


@branches.get(
    "/{branch_id}/next-meeting",
    response_model=NextMeetingOut,
    summary="Pre-fill of the next meeting: last tasks, open requests, answers to review",
)
async def next_meeting(branch_id: str, runtime: Runtime) -> NextMeetingOut:
    async with runtime.db.session() as session:
        return await prefill.next_meeting(session, branch_id)
