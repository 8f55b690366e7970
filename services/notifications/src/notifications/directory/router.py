"""HTTP edge of the directory: contact points per role address and channel."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from notifications.context import Ctx
from notifications.directory.models import ContactPoint
from notifications.directory.service import deactivate
from notifications.scope import address_owner
from notifications.webhooks import service as webhooks
from notifications.webhooks.targets import target_problem
from service_kit.ids import new_id
from service_kit.web.deps import Caller, PageQuery, Runtime
from service_kit.web.models import ApiModel
from service_kit.web.pagination import Page, encode_cursor, link_next
from service_kit.web.problems import FieldError, Problem

router = APIRouter(prefix="/v1/contact-points", tags=["directory"])

EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


class ContactPointIn(ApiModel):
    address: str = Field(min_length=3, max_length=200, pattern=r"^[a-z0-9-]+:\S+$")
    channel: Literal["email", "webhook"]
    target: str = Field(min_length=3, max_length=2000, description="e-mail address or URL")


class ContactPointPatch(ApiModel):
    target: str | None = Field(default=None, min_length=3, max_length=2000)
    active: bool | None = Field(default=None, description="true reactivates a deactivated one")


class ContactPointOut(BaseModel):
    id: str
    address: str
    channel: str
    target: str
    active: bool
    deactivated_at: datetime | None
    deactivation_reason: str | None
    created_at: datetime


class ContactPointCreated(ContactPointOut):
    secret: str | None = Field(
        default=None, description="webhook signing secret (whsec_…): shown only now"
    )


async def _check_target(channel: str, target: str, ctx: Ctx) -> None:
    if channel == "email" and not EMAIL.match(target):
        problem = "Địa chỉ thư điện tử không hợp lệ."
    elif channel == "webhook":
        settings = ctx.notifications_settings
        problem = (
            await target_problem(
                target, allow_insecure=settings.webhook_allow_insecure, resolve=ctx.resolver
            )
            or ""
        )
    else:
        problem = ""
    if problem:
        raise Problem(422, "invalid-target", problem, errors=[FieldError("/target", problem)])


@router.post(
    "",
    response_model=ContactPointCreated,
    status_code=201,
    summary="Add a contact point (a webhook gets its signing secret, shown once)",
)
async def create_contact_point(
    body: ContactPointIn,
    response: Response,
    runtime: Runtime,
    access: Caller,
    ctx: Ctx,
) -> ContactPointCreated:
    await access.require(address_owner(body.address))
    await _check_target(body.channel, body.target, ctx)
    contact = ContactPoint(id=new_id(), **body.model_dump())
    secret: str | None = None
    try:
        async with runtime.db.transaction() as session:
            session.add(contact)
            await session.flush()
            if contact.channel == "webhook":
                secret = (await webhooks.add_secret(session, contact.id)).secret
    except IntegrityError:
        raise Problem(
            409,
            "contact-point-exists",
            f"Địa chỉ {body.address} đã có điểm nhận {body.channel}; hãy sửa điểm nhận đó.",
        ) from None
    response.headers["Location"] = f"/v1/contact-points/{contact.id}"
    return ContactPointCreated(**contact.model_dump(), secret=secret)


@router.get("", response_model=Page[ContactPointOut], summary="Contact points, oldest first")
async def list_contact_points(
    request: Request,
    response: Response,
    page: PageQuery,
    runtime: Runtime,
    access: Caller,
    address: str | None = None,
    channel: str | None = None,
    active: bool | None = None,
) -> Page[ContactPointOut]:
    stmt = sa.select(ContactPoint).order_by(ContactPoint.id).limit(page.limit + 1)
    stmt = access.restrict(stmt, col(ContactPoint.organisation_id))
    if address:
        await access.require(address_owner(address))
        stmt = stmt.where(ContactPoint.address == address)
    if channel:
        stmt = stmt.where(ContactPoint.channel == channel)
    if active is not None:
        stmt = stmt.where(ContactPoint.active == active)
    if page.after:
        stmt = stmt.where(ContactPoint.id > page.after[0])
    async with runtime.db.session() as session:
        rows = list((await session.execute(stmt)).scalars())
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = encode_cursor(rows[-1].id) if more and rows else None
    link_next(request, response, next_cursor)
    return Page[ContactPointOut](
        items=[ContactPointOut(**r.model_dump()) for r in rows], next_cursor=next_cursor
    )


@router.patch(
    "/{contact_point_id}",
    response_model=ContactPointOut,
    summary="Change the target or reactivate (e.g. after a webhook answered 410)",
)
async def patch_contact_point(
    contact_point_id: str, body: ContactPointPatch, runtime: Runtime, ctx: Ctx
) -> ContactPointOut:
    async with runtime.db.session() as session:
        found = await session.get(ContactPoint, contact_point_id)
    if found is None:
        raise Problem(404, "contact-point-not-found", "Không tìm thấy điểm nhận này.")
    if body.target is not None:  # resolved outside the transaction: a slow DNS holds no lock
        await _check_target(found.channel, body.target, ctx)
    async with runtime.db.transaction() as session:
        contact = await session.get(ContactPoint, contact_point_id)
        if contact is None:
            raise Problem(404, "contact-point-not-found", "Không tìm thấy điểm nhận này.")
        if body.target is not None:
            contact.target = body.target
        if body.active:
            contact.active, contact.deactivated_at, contact.deactivation_reason = True, None, None
        elif body.active is False:
            deactivate(contact, "tắt bởi người quản trị", runtime.clock.now())
        out = ContactPointOut(**contact.model_dump())
    return out
