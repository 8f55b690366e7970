"""HTTP edge of roles and observer assignments."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from registry.audit.edge import write
from registry.organisations.queries import require_org
from registry.roles import service
from registry.roles.schemas import EndIn, ObserverIn, ObserverOut, RoleIn, RoleOut
from service_kit.clock import today_in_vietnam
from service_kit.web.deps import Caller, IdempotencyKey, OnDate, Runtime
from service_kit.web.pagination import Page

router = APIRouter(tags=["roles"])


@router.post(
    "/v1/role-assignments",
    status_code=201,
    response_model=RoleOut,
    summary="Assign a role in an organisation for a period",
)
async def assign_role(
    body: RoleIn,
    request: Request,
    runtime: Runtime,
    access: Caller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await access.require(body.organisation_id)
    return await write(
        request,
        runtime,
        idempotency_key,
        body,
        lambda uow: service.assign_role(uow, body),
        status_code=201,
    )


@router.post(
    "/v1/role-assignments/{role_assignment_id}/end", response_model=RoleOut, summary="End a role"
)
async def end_role(
    role_assignment_id: str,
    body: EndIn,
    request: Request,
    runtime: Runtime,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await write(
        request,
        runtime,
        idempotency_key,
        body,
        lambda uow: service.end_role(uow, role_assignment_id, body),
    )


@router.get(
    "/v1/organisations/{organisation_id}/roles",
    response_model=Page[RoleOut],
    summary="Roles held in an organisation on a date",
)
async def roles_on(
    organisation_id: str,
    runtime: Runtime,
    on: OnDate = None,
) -> Page[RoleOut]:
    async with runtime.db.session() as session:
        await require_org(session, organisation_id)
        return Page[RoleOut](
            items=await service.roles_on(
                session, organisation_id, on or today_in_vietnam(runtime.clock)
            )
        )


@router.post(
    "/v1/observer-assignments",
    status_code=201,
    response_model=ObserverOut,
    summary="Assign an upper-level committee member to follow a branch",
)
async def assign_observer(
    body: ObserverIn,
    request: Request,
    runtime: Runtime,
    access: Caller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await access.require(body.branch_id)
    if body.named_by_province:
        # Naming someone outside the committees above the branch is the province's call.
        access.require_province()
    return await write(
        request,
        runtime,
        idempotency_key,
        body,
        lambda uow: service.assign_observer(uow, body),
        status_code=201,
    )


@router.post(
    "/v1/observer-assignments/{observer_assignment_id}/end",
    response_model=ObserverOut,
    summary="End an observer assignment",
)
async def end_observer(
    observer_assignment_id: str,
    body: EndIn,
    request: Request,
    runtime: Runtime,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await write(
        request,
        runtime,
        idempotency_key,
        body,
        lambda uow: service.end_observer(uow, observer_assignment_id, body),
    )


@router.get(
    "/v1/organisations/{branch_id}/observers",
    response_model=Page[ObserverOut],
    summary="Observers assigned to a branch on a date",
)
async def observers_on(
    branch_id: str,
    runtime: Runtime,
    on: OnDate = None,
) -> Page[ObserverOut]:
    async with runtime.db.session() as session:
        await require_org(session, branch_id, branch=True)
        return Page[ObserverOut](
            items=await service.observers_on(
                session, branch_id, on or today_in_vietnam(runtime.clock)
            )
        )
