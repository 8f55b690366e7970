"""HTTP edge of deliveries: list (failed ones first of all), attempts, replay."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlmodel import col

from notifications.deliveries import service
from notifications.deliveries.models import Delivery, DeliveryAttempt
from notifications.scope import address_owner, contact_point_owner
from service_kit.runtime import ServiceRuntime
from service_kit.web.access import Access
from service_kit.web.dates import PlausibleAwareDateTime
from service_kit.web.deps import Caller, PageQuery, Runtime
from service_kit.web.models import ApiModel
from service_kit.web.pagination import Page, encode_cursor, link_next
from service_kit.web.problems import Problem

router = APIRouter(prefix="/v1/deliveries", tags=["deliveries"])


class DeliveryOut(BaseModel):
    id: str
    event_id: str
    event_type: str
    recipient: str
    channel: str
    urgency: str
    rule_id: str
    rule_set_version: int
    contact_point_id: str | None = Field(description="none: e-mail to the registry's people")
    target: str | None = Field(description="where the last attempt went")
    subject: str
    status: str
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    delivered_at: datetime | None
    last_error: str | None
    last_status_code: int | None


class AttemptOut(BaseModel):
    id: str
    started_at: datetime
    duration_ms: float
    outcome: str
    status_code: int | None
    error: str | None
    next_attempt_at: datetime | None


class DeliveryDetail(DeliveryOut):
    body: str
    attempt_log: list[AttemptOut]


class ReplayIn(ApiModel):
    contact_point_id: str | None = None
    created_since: PlausibleAwareDateTime | None = None
    limit: int = Field(default=1000, ge=1, le=10_000)


class ReplayOut(BaseModel):
    replayed: int


async def _require_contact_point(
    runtime: ServiceRuntime, access: Access, contact_point_id: str | None
) -> None:
    """A contact point named in a filter or body must be the caller's (unknown: no rows)."""
    if contact_point_id:
        async with runtime.db.session() as session:
            target = await contact_point_owner(session, contact_point_id)
        await access.require(target)


@router.get("", response_model=Page[DeliveryOut], summary="Deliveries, oldest first")
async def list_deliveries(
    request: Request,
    response: Response,
    page: PageQuery,
    runtime: Runtime,
    access: Caller,
    status: Literal["pending", "delivered", "failed"] | None = None,
    channel: Literal["email", "webhook"] | None = None,
    recipient: str | None = None,
    event_id: str | None = None,
    contact_point_id: str | None = None,
) -> Page[DeliveryOut]:
    if recipient:
        await access.require(address_owner(recipient))
    await _require_contact_point(runtime, access, contact_point_id)
    stmt = sa.select(Delivery).order_by(Delivery.id).limit(page.limit + 1)
    stmt = access.restrict(stmt, col(Delivery.organisation_id))
    for column, value in (
        (Delivery.status, status),
        (Delivery.channel, channel),
        (Delivery.recipient, recipient),
        (Delivery.event_id, event_id),
        (Delivery.contact_point_id, contact_point_id),
    ):
        if value:
            stmt = stmt.where(column == value)
    if page.after:
        stmt = stmt.where(Delivery.id > page.after[0])
    async with runtime.db.session() as session:
        rows = list((await session.execute(stmt)).scalars())
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = encode_cursor(rows[-1].id) if more and rows else None
    link_next(request, response, next_cursor)
    return Page[DeliveryOut](
        items=[DeliveryOut.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=next_cursor,
    )


@router.get(
    "/{delivery_id}", response_model=DeliveryDetail, summary="One delivery and its attempts"
)
async def get_delivery(delivery_id: str, runtime: Runtime) -> DeliveryDetail:
    async with runtime.db.session() as session:
        row = await session.get(Delivery, delivery_id)
        if row is None:
            raise Problem(404, "delivery-not-found", "Không tìm thấy lần gửi này.")
        attempts = (
            await session.execute(
                sa.select(DeliveryAttempt)
                .where(DeliveryAttempt.delivery_id == delivery_id)
                .order_by(DeliveryAttempt.started_at)
            )
        ).scalars()
        return DeliveryDetail(
            **DeliveryOut.model_validate(row, from_attributes=True).model_dump(),
            body=row.body,
            attempt_log=[AttemptOut.model_validate(a, from_attributes=True) for a in attempts],
        )


@router.post(
    "/{delivery_id}/replay",
    response_model=DeliveryOut,
    summary="Send a failed delivery again (same webhook-id / Message-ID)",
)
async def replay_delivery(delivery_id: str, runtime: Runtime) -> DeliveryOut:
    async with runtime.db.transaction() as session:
        row = await service.replay_one(session, delivery_id, runtime.clock.now())
        out = DeliveryOut.model_validate(row, from_attributes=True)
    return out


@router.post("/replays", response_model=ReplayOut, summary="Send failed deliveries again, in bulk")
async def replay_deliveries(
    body: ReplayIn,
    runtime: Runtime,
    access: Caller,
) -> ReplayOut:
    """Only the failed deliveries of the caller's subtree are sent again."""
    await _require_contact_point(runtime, access, body.contact_point_id)
    async with runtime.db.transaction() as session:
        count = await service.replay_failed(
            session,
            contact_point_id=body.contact_point_id,
            created_since=body.created_since,
            limit=body.limit,
            within=lambda stmt: access.restrict(stmt, col(Delivery.organisation_id)),
            now=runtime.clock.now(),
        )
    return ReplayOut(replayed=count)
