"""HTTP edge of the agency feed: `GET /v1/agency-feed`, the public events an agency is entitled
to, from the public stream, cursor-paged — how a webhook agency catches up after an outage and
how any agency replays from a date (`feed.stream`)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from notifications.agencies import service
from notifications.agencies.models import Agency
from notifications.agencies.rules import entitled, pattern_problem, subscribed_types
from notifications.context import Ctx
from notifications.feed.stream import Bounds, Start, read_page
from service_kit.clock import today_in_vietnam
from service_kit.web.dates import QueryDateTime
from service_kit.web.deps import Caller, Runtime
from service_kit.web.problems import FieldError, Problem

router = APIRouter(prefix="/v1/agency-feed", tags=["agencies"])

_READING = asyncio.Semaphore(4)  # concurrent stream reads per process


class Truncated(BaseModel):
    requested: int = Field(description="the offset asked for")
    first_available: int = Field(description="the oldest offset the stream still keeps")
    lost: int = Field(description="offsets dropped by retention before they were read")


class FeedPage(BaseModel):
    items: list[dict[str, Any]] = Field(
        description="CloudEvents 1.0 (structured JSON), exactly as the webhook push sends them"
    )
    next_cursor: str = Field(description="pass as `cursor` for the events after these")
    has_more: bool = Field(description="more may be read at once (the page stopped at a bound)")
    truncated: Truncated | None = Field(
        default=None, description="the cursor was older than the retention: events were lost"
    )


def _start(cursor: str | None, since: datetime | None) -> Start:
    if cursor is not None and since is not None:
        raise Problem(
            422,
            "invalid-feed-position",
            "Chỉ dùng một trong hai: cursor hoặc since.",
            errors=[FieldError("#query/since", "Không dùng cùng cursor.", "exclusive")],
        )
    if cursor is not None:
        return int(cursor)
    if since is not None:
        return since
    return "first"


def _patterns(types: list[str] | None) -> list[str] | None:
    if not types:
        return None
    listed = [t.strip() for value in types for t in value.split(",") if t.strip()]
    errors = [
        FieldError(f"#query/types/{i}", problem)
        for i, t in enumerate(listed)
        if (problem := pattern_problem(t))
    ]
    if errors or len(listed) > 50:
        raise Problem(422, "invalid-types", "Loại sự kiện không hợp lệ.", errors=errors)
    return listed


@router.get(
    "",
    response_model=FeedPage,
    summary="Public events the calling agency is entitled to, from a cursor or a time",
)
async def agency_feed(
    request: Request,
    response: Response,
    runtime: Runtime,
    ctx: Ctx,
    access: Caller,
    cursor: str | None = Query(
        None, pattern=r"^[0-9]{1,19}$", description="next_cursor of the previous page"
    ),
    since: QueryDateTime | None = Query(
        None, description="from this time (RFC 3339); neither: from the oldest event kept"
    ),
    types: list[str] | None = Query(
        None, max_length=50, description="topic patterns, e.g. meetings.request.#"
    ),
    limit: int = Query(100, ge=1, le=500),
) -> FeedPage:
    start = _start(cursor, since)
    asked = _patterns(types)
    principal = access.principal
    agency = None
    if principal.client:
        async with runtime.db.session() as session:
            agency = await session.scalar(
                sa.select(Agency).where(Agency.client_id == principal.subject)
            )
    if agency is None:
        raise Problem(404, "agency-not-registered", "Ứng dụng này chưa đăng ký nhận sự kiện.")
    granted = [o for o in service.organisations_of(agency) if await access.within(o)]
    if not granted:
        raise Problem(403, "outside", "Các tổ chức đã đăng ký nằm ngoài phạm vi của mã truy cập.")
    async with runtime.db.session() as session:
        grants = await service.grant_paths(session, granted, today_in_vietnam(runtime.clock))
    type_keys = subscribed_types(service.patterns_of(agency), asked)
    settings = ctx.notifications_settings
    connection = runtime.bus.connection
    if not runtime.bus.is_connected or connection is None:
        raise Problem(
            503, "broker-unavailable", "Chưa đọc được luồng sự kiện.", headers={"Retry-After": "5"}
        )
    bounds = Bounds(
        page=limit,
        scan=settings.feed_scan_max,
        first_wait=settings.feed_first_wait_seconds,
        idle=settings.feed_idle_seconds,
    )
    async with _READING:
        page = await read_page(
            connection, start, lambda key: entitled(type_keys, grants, key), bounds
        )
    lost = page.lost_from(start)
    truncated = None
    if isinstance(start, int) and lost and page.first_offset is not None:
        truncated = Truncated(requested=start, first_available=page.first_offset, lost=lost)
    if page.next_offset is not None:
        next_cursor = str(page.next_offset)
    elif isinstance(start, int):
        next_cursor = str(start)
    else:  # nothing retained yet after `since` (or at all): come back from the same place
        next_cursor = ""
    out = FeedPage(
        items=page.events,
        next_cursor=next_cursor,
        has_more=not page.complete,
        truncated=truncated,
    )
    if next_cursor:
        url = request.url.remove_query_params(["since", "cursor"]).include_query_params(
            cursor=next_cursor
        )
        response.headers["Link"] = f'<{url}>; rel="next"'
    return out
