"""HTTP edge of agency subscriptions: register (webhook or AMQP) and list."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError

from notifications.agencies import service
from notifications.agencies.models import Agency
from notifications.agencies.rules import NAME, pattern_problem
from notifications.context import Ctx
from notifications.directory.models import ContactPoint
from notifications.scope import province_only
from notifications.webhooks import service as webhooks
from notifications.webhooks.targets import target_problem
from service_kit.ids import new_id
from service_kit.web.deps import Runtime
from service_kit.web.models import ApiModel
from service_kit.web.problems import FieldError, Problem

# Agencies are province-level: registered and listed with a province token only.
router = APIRouter(prefix="/v1/agencies", tags=["agencies"], dependencies=[Depends(province_only)])


class AgencyIn(ApiModel):
    name: str = Field(description="slug, e.g. ubkt-tinh: its stream is ext.<name>.stream")
    client_id: str = Field(min_length=1, max_length=200, description="registry client id")
    channel: Literal["webhook", "amqp"]
    webhook_url: str | None = Field(default=None, max_length=2000)
    patterns: list[str] = Field(min_length=1, max_length=50, description="e.g. meetings.request.#")
    organisation_ids: list[str] = Field(
        min_length=1, max_length=500, description="the subtrees it may see, on every channel"
    )


class AgencyOut(BaseModel):
    id: str
    name: str
    client_id: str
    channel: str
    patterns: list[str]
    organisation_ids: list[str]
    contact_point_id: str | None
    created_at: datetime


class AgencyCreated(AgencyOut):
    secret: str | None = Field(default=None, description="webhook signing secret, shown once")
    provision_command: str | None = Field(
        default=None, description="for AMQP: what an operator runs to create the user and stream"
    )


def _out(row: Agency) -> AgencyOut:
    return AgencyOut(
        id=row.id,
        name=row.name,
        client_id=row.client_id,
        channel=row.channel,
        patterns=service.patterns_of(row),
        organisation_ids=service.organisations_of(row),
        contact_point_id=row.contact_point_id,
        created_at=row.created_at,
    )


async def _validate(body: AgencyIn, ctx: Ctx) -> None:
    settings = ctx.notifications_settings
    errors: list[FieldError] = []
    if not NAME.match(body.name):
        errors.append(FieldError("/name", "Chỉ chữ thường không dấu, số và dấu gạch ngang."))
    for i, pattern in enumerate(body.patterns):
        problem = pattern_problem(pattern)
        if problem:
            errors.append(FieldError(f"/patterns/{i}", problem))
    if body.channel == "webhook":
        problem = (
            await target_problem(
                body.webhook_url,
                allow_insecure=settings.webhook_allow_insecure,
                resolve=ctx.resolver,
            )
            if body.webhook_url
            else "Đăng ký webhook cần webhook_url."
        )
        if problem:
            errors.append(FieldError("/webhook_url", problem))
    if errors:
        raise Problem(422, "invalid-agency", "Đăng ký cơ quan không hợp lệ.", errors=errors)


@router.post(
    "",
    response_model=AgencyCreated,
    status_code=201,
    summary="Register an agency (its client id must be a registry client of kind agency)",
)
async def register_agency(
    body: AgencyIn,
    request: Request,
    response: Response,
    runtime: Runtime,
    ctx: Ctx,
) -> AgencyCreated:
    await _validate(body, ctx)
    await service.check_client(ctx.registry, body.client_id)
    row = Agency(
        id=new_id(),
        name=body.name,
        client_id=body.client_id,
        channel=body.channel,
        patterns=json.dumps(body.patterns),
        organisation_ids=json.dumps(body.organisation_ids),
    )
    secret: str | None = None
    try:
        async with runtime.db.transaction() as session:
            if body.channel == "webhook" and body.webhook_url:
                contact = ContactPoint(
                    id=new_id(),
                    address=service.address(body.name),
                    channel="webhook",
                    target=body.webhook_url,
                )
                session.add(contact)
                await session.flush()
                secret = (await webhooks.add_secret(session, contact.id)).secret
                row.contact_point_id = contact.id
            session.add(row)
            await session.flush()
            out = _out(row)
    except IntegrityError:
        raise Problem(
            409, "agency-exists", f"Cơ quan {body.name} hoặc client {body.client_id} đã đăng ký."
        ) from None
    response.headers["Location"] = f"/v1/agencies/{row.id}"
    command = None
    if body.channel == "amqp":
        command = f"python -m notifications provision-agency {body.name}"
    return AgencyCreated(**out.model_dump(), secret=secret, provision_command=command)


@router.get("", response_model=list[AgencyOut], summary="Registered agencies")
async def list_agencies(runtime: Runtime) -> list[AgencyOut]:
    async with runtime.db.session() as session:
        rows = (await session.execute(sa.select(Agency).order_by(Agency.name))).scalars()
        return [_out(r) for r in rows]
