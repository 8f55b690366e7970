"""HTTP edge of the in-app inbox."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel

from notifications.inbox.models import Notification
from service_kit.runtime import ServiceRuntime
from service_kit.web.app import get_runtime
from service_kit.web.pagination import Page, PageParams, encode_cursor, link_next, page_params

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
    created_at: datetime
    read_at: datetime | None


@router.get("", response_model=Page[NotificationOut], summary="Notifications, oldest first")
async def list_notifications(
    request: Request,
    response: Response,
    recipient: str | None = None,
    page: PageParams = Depends(page_params),
    runtime: ServiceRuntime = Depends(get_runtime),
) -> Page[NotificationOut]:
    stmt = sa.select(Notification).order_by(Notification.id).limit(page.limit + 1)
    if recipient:
        stmt = stmt.where(Notification.recipient == recipient)
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
