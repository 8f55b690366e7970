"""HTTP edge of rotation clusters."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from registry.audit.edge import write
from registry.clusters import service
from registry.clusters.schemas import ClusterIn, ClusterOut
from registry.context import Ctx
from registry.organisations.queries import require_org
from service_kit.clock import today_in_vietnam
from service_kit.web.deps import Caller, IdempotencyKey, OnDate, Runtime
from service_kit.web.pagination import Page

router = APIRouter(tags=["rotation clusters"])


@router.post(
    "/v1/rotation-clusters",
    status_code=201,
    response_model=ClusterOut,
    summary="Form a rotation cluster of branches (3–4 by the national rules in force)",
)
async def form(
    body: ClusterIn,
    request: Request,
    runtime: Runtime,
    access: Caller,
    ctx: Ctx,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await access.require_all(body.branch_ids)
    return await write(
        request,
        runtime,
        idempotency_key,
        body,
        lambda uow: service.form(uow, body, ctx.cluster_rules),
        status_code=201,
    )


@router.get(
    "/v1/organisations/{branch_id}/rotation-clusters",
    response_model=Page[ClusterOut],
    summary="The rotation cluster of a branch on a date",
)
async def clusters_of(
    branch_id: str,
    runtime: Runtime,
    on: OnDate = None,
) -> Page[ClusterOut]:
    async with runtime.db.session() as session:
        await require_org(session, branch_id, branch=True)
        return Page[ClusterOut](
            items=await service.clusters_of(
                session, branch_id, on or today_in_vietnam(runtime.clock)
            )
        )
