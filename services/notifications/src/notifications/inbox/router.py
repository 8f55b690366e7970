"""HTTP edge of the in-app inbox: list, unread count, mark read."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from notifications.inbox import service
from notifications.inbox.models import Notification
from notifications.inbox.owners import readable, require_holder, require_reader
from service_kit.web.deps import Caller, PageQuery, Runtime
from service_kit.web.pagination import Page, encode_cursor, link_next
from service_kit.web.problems import Problem

router = APIRouter(prefix="/v1/notifications", tags=["inbox"])


class NotificationOut(BaseModel):
    id: str
    event_id: str
    event_type: str
    recipient: str
    channel: str
    subject: str
    body: str
    urgent: bool
    rule_set_version: int
    created_at: datetime
    read_at: datetime | None


class UnreadCount(BaseModel):
    recipient: str
    unread: int


class MarkedRead(BaseModel):
    recipient: str
    marked: int


@router.get("", response_model=Page[NotificationOut], summary="Notifications, oldest first")
async def list_notifications(
    request: Request,
    response: Response,
    page: PageQuery,
    runtime: Runtime,
    access: Caller,
    recipient: str | None = None,
    unread: bool | None = Query(None, description="true: only unread; false: only read"),
) -> Page[NotificationOut]:
    stmt = sa.select(Notification).order_by(Notification.id).limit(page.limit + 1)
    stmt = readable(access, stmt)
    if recipient:
        await require_reader(access, recipient)
        stmt = stmt.where(Notification.recipient == recipient)
    if unread is not None:
        read_at = Notification.read_at
        stmt = stmt.where(read_at.is_(None) if unread else read_at.is_not(None))
    if page.after:
        stmt = stmt.where(Notification.id > page.after[0])
    async with runtime.db.session() as session:
        rows = list((await session.execute(stmt)).scalars())
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = encode_cursor(rows[-1].id) if more and rows else None
    link_next(request, response, next_cursor)
    return Page[NotificationOut](
        items=[NotificationOut.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=next_cursor,
    )


@router.get("/unread-count", response_model=UnreadCount, summary="How many are unread")
async def unread_count(
    runtime: Runtime,
    access: Caller,
    recipient: str = Query(min_length=1, max_length=200),
) -> UnreadCount:
    await require_reader(access, recipient)
    async with runtime.db.session() as session:
        return UnreadCount(
            recipient=recipient, unread=await service.unread_count(session, recipient)
        )


@router.post("/{notification_id}/read", response_model=NotificationOut, summary="Mark one as read")
async def mark_read(notification_id: str, runtime: Runtime, access: Caller) -> NotificationOut:
    async with runtime.db.session() as session:
        found = await session.get(Notification, notification_id)
    if found is None:
        raise Problem(404, "notification-not-found", "Không tìm thấy thông báo này.")
    require_holder(access, found.recipient)
    async with runtime.db.transaction() as session:
        row = await service.mark_read(session, notification_id, runtime.clock.now())
        if row is None:
            raise Problem(404, "notification-not-found", "Không tìm thấy thông báo này.")
        out = NotificationOut.model_validate(row, from_attributes=True)
    return out


@router.post("/read", response_model=MarkedRead, summary="Mark all of a recipient's as read")
async def mark_all_read(
    runtime: Runtime,
    access: Caller,
    recipient: str = Query(min_length=1, max_length=200),
) -> MarkedRead:
    require_holder(access, recipient)
    async with runtime.db.transaction() as session:
        marked = await service.mark_all_read(session, recipient, runtime.clock.now())
    return MarkedRead(recipient=recipient, marked=marked)
