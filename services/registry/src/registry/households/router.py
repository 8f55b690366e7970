"""HTTP edge of household responsibility."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from registry.audit.edge import write
from registry.households import service
from registry.households.schemas import ResponsibilityIn, ResponsibilityOut
from registry.organisations.queries import require_org
from service_kit.clock import today_in_vietnam
from service_kit.uow import UnitOfWork
from service_kit.web.deps import Caller, IdempotencyKey, OnDate, Runtime
from service_kit.web.pagination import Page

router = APIRouter(tags=["households"])


class Assigned(BaseModel):
    items: list[ResponsibilityOut]


@router.post(
    "/v1/household-responsibilities",
    status_code=201,
    response_model=Assigned,
    summary="Make a member responsible for households of the village",
)
async def assign(
    body: ResponsibilityIn,
    request: Request,
    runtime: Runtime,
    access: Caller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await access.require(body.branch_id)

    async def action(uow: UnitOfWork) -> Assigned:
        return Assigned(items=await service.assign(uow, body))

    return await write(request, runtime, idempotency_key, body, action, status_code=201)


@router.get(
    "/v1/organisations/{branch_id}/households",
    response_model=Page[ResponsibilityOut],
    summary="Households of a residential branch and who follows each, on a date",
)
async def of_branch(
    branch_id: str,
    runtime: Runtime,
    on: OnDate = None,
) -> Page[ResponsibilityOut]:
    async with runtime.db.session() as session:
        await require_org(session, branch_id, branch=True)
        return Page[ResponsibilityOut](
            items=await service.of_branch(session, branch_id, on or today_in_vietnam(runtime.clock))
        )
