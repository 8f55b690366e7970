"""HTTP edge of go-live dates: one organisation's, or a roll-out plan of many (all or none)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from registry.audit.edge import write
from registry.audit.trail import actor
from registry.golive import service
from registry.golive.schemas import (
    GoLiveChangeOut,
    GoLiveIn,
    GoLiveOut,
    GoLivePlanIn,
    GoLivePlanOut,
)
from registry.organisations import queries
from service_kit.clock import today_in_vietnam
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork
from service_kit.web.deps import Caller, IdempotencyKey, OnDate, Runtime

router = APIRouter(tags=["go-live"])


@router.get(
    "/v1/organisations/{organisation_id}/go-live",
    response_model=GoLiveOut,
    summary="An organisation's go-live date: its own, the one that applies, and the history",
)
async def get_go_live(organisation_id: str, runtime: Runtime, on: OnDate = None) -> GoLiveOut:
    day = on or today_in_vietnam(runtime.clock)
    async with runtime.db.session() as session:
        return await service.state(session, organisation_id, day)


@router.post(
    "/v1/organisations/{organisation_id}/go-live",
    response_model=GoLiveOut,
    summary="Set (or remove, with null) an organisation's own go-live date; its subtree inherits",
)
async def set_go_live(
    organisation_id: str,
    body: GoLiveIn,
    request: Request,
    runtime: Runtime,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def action(uow: UnitOfWork) -> GoLiveOut:
        await queries.require_org(uow.session, organisation_id)
        await service.set_go_live(
            uow,
            [(organisation_id, body.go_live_on)],
            set_by=actor(request),
            source="organisation",
            pointer="",
        )
        return await service.state(uow.session, organisation_id, today_in_vietnam(runtime.clock))

    return await write(request, runtime, idempotency_key, body, action)


@router.post(
    "/v1/go-live-plans",
    response_model=GoLivePlanOut,
    summary="A roll-out plan: go-live dates for many organisations, all or none",
)
async def roll_out_plan(
    body: GoLivePlanIn,
    request: Request,
    runtime: Runtime,
    access: Caller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await access.require_all([item.organisation_id for item in body.items])

    async def action(uow: UnitOfWork) -> GoLivePlanOut:
        plan_id = new_id()
        changes = await service.set_go_live(
            uow,
            [(item.organisation_id, item.go_live_on) for item in body.items],
            set_by=actor(request),
            source="plan",
            plan_id=plan_id,
        )
        return GoLivePlanOut(
            id=plan_id,
            changed=sum(c.changed for c in changes),
            unchanged=sum(not c.changed for c in changes),
            items=[GoLiveChangeOut(**vars(c)) for c in changes],
        )

    return await write(request, runtime, idempotency_key, body, action)
