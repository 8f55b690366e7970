"""HTTP edge of members: admission, status, transfer, and a branch's roster on a date."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from registry.audit.edge import write
from registry.members import privacy, service
from registry.members.schemas import MemberIn, MemberOut, RosterEntryOut, StatusChangeIn, TransferIn
from registry.organisations.queries import require_org
from service_kit.clock import today_in_vietnam
from service_kit.web.deps import Caller, IdempotencyKey, OnDate, PageQuery, Runtime
from service_kit.web.pagination import Page, encode_cursor, link_next

router = APIRouter(tags=["members"])


def _location(out: object) -> str:
    assert isinstance(out, MemberOut)
    return f"/v1/members/{out.id}"


@router.post(
    "/v1/members",
    status_code=201,
    response_model=MemberOut,
    summary="Admit a member to a branch (Idempotency-Key required)",
)
async def admit(
    body: MemberIn,
    request: Request,
    runtime: Runtime,
    access: Caller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await access.require_all([body.branch_id, body.residence_branch_id])
    return await write(
        request,
        runtime,
        idempotency_key,
        body,
        lambda uow: service.admit(uow, body),
        status_code=201,
        location=_location,
    )


@router.get("/v1/members/{member_id}", response_model=MemberOut, summary="One member with history")
async def get_member(
    member_id: str, request: Request, runtime: Runtime, access: Caller
) -> MemberOut:
    async with runtime.db.session() as session:
        out = await service.out(session, await service.load(session, member_id))
        branch_id = await service.home_branch(session, member_id, access.today)
    return await privacy.shown(request, runtime, access, out, branch_id)


@router.post(
    "/v1/members/{member_id}/status", response_model=MemberOut, summary="Change status from a date"
)
async def change_status(
    member_id: str,
    body: StatusChangeIn,
    request: Request,
    runtime: Runtime,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await write(
        request,
        runtime,
        idempotency_key,
        body,
        lambda uow: service.change_status(uow, member_id, body),
    )


@router.post(
    "/v1/members/{member_id}/transfer",
    response_model=MemberOut,
    summary="Transfer to another branch from a date",
)
async def transfer(
    member_id: str,
    body: TransferIn,
    request: Request,
    runtime: Runtime,
    access: Caller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await access.require(body.branch_id)  # the branch they leave: by the path (guard)
    return await write(
        request, runtime, idempotency_key, body, lambda uow: service.transfer(uow, member_id, body)
    )


@router.get(
    "/v1/organisations/{branch_id}/roster",
    response_model=Page[RosterEntryOut],
    summary="Members of a branch on a date, with their status then (paged)",
)
async def roster(
    branch_id: str,
    request: Request,
    response: Response,
    page: PageQuery,
    runtime: Runtime,
    on: OnDate = None,
) -> Page[RosterEntryOut]:
    day = on or today_in_vietnam(runtime.clock)
    async with runtime.db.session() as session:
        await require_org(session, branch_id, branch=True)
        items = await service.roster(
            session,
            branch_id,
            day,
            limit=page.limit + 1,
            after=page.after[0] if page.after else None,
        )
    more = len(items) > page.limit
    items = items[: page.limit]
    next_cursor = encode_cursor(items[-1].member_id) if more and items else None
    link_next(request, response, next_cursor)
    return Page[RosterEntryOut](items=items, next_cursor=next_cursor)
