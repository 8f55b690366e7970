"""HTTP edge of the organisation tree."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Header, Request, Response

from registry.organisations import service
from registry.organisations.models import Organisation
from registry.organisations.schemas import OrganisationIn, OrganisationOut
from service_kit.runtime import ServiceRuntime
from service_kit.uow import UnitOfWork
from service_kit.web.app import get_runtime
from service_kit.web.idempotency import Created, fingerprint, idempotent, require_key
from service_kit.web.pagination import Page, PageParams, encode_cursor, link_next, page_params
from service_kit.web.problems import Problem

router = APIRouter(prefix="/v1/organisations", tags=["organisations"])


@router.post(
    "",
    status_code=201,
    response_model=OrganisationOut,
    summary="Register an organisation (Idempotency-Key required)",
)
async def register(
    body: OrganisationIn,
    request: Request,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
    runtime: ServiceRuntime = Depends(get_runtime),
) -> Response:
    key = require_key(idempotency_key)

    async def create(uow: UnitOfWork) -> Created:
        out = await service.register(uow, body)
        return Created(201, out.model_dump(mode="json"), location=f"/v1/organisations/{out.id}")

    return await idempotent(
        runtime.uow,
        client_id="anonymous",
        key=key,
        fp=fingerprint("POST", request.url.path, body.model_dump(mode="json")),
        ttl_seconds=runtime.settings.idempotency_ttl_seconds,
        create=create,
    )


@router.get("/{organisation_id}", response_model=OrganisationOut, summary="One organisation")
async def get_organisation(
    organisation_id: str, runtime: ServiceRuntime = Depends(get_runtime)
) -> OrganisationOut:
    async with runtime.db.session() as session:
        org = await session.get(Organisation, organisation_id)
    if org is None:
        raise Problem(404, "organisation-not-found", f"Không có tổ chức {organisation_id}.")
    return OrganisationOut.model_validate(org, from_attributes=True)


@router.get("", response_model=Page[OrganisationOut], summary="Organisations (paged)")
async def list_organisations(
    request: Request,
    response: Response,
    parent_id: str | None = None,
    page: PageParams = Depends(page_params),
    runtime: ServiceRuntime = Depends(get_runtime),
) -> Page[OrganisationOut]:
    stmt = sa.select(Organisation).order_by(Organisation.id).limit(page.limit + 1)
    if parent_id:
        stmt = stmt.where(Organisation.parent_id == parent_id)
    if page.after:
        stmt = stmt.where(Organisation.id > page.after[0])
    async with runtime.db.session() as session:
        rows = list((await session.execute(stmt)).scalars())
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = encode_cursor(rows[-1].id) if more and rows else None
    link_next(request, response, next_cursor)
    return Page[OrganisationOut](
        items=[OrganisationOut.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=next_cursor,
    )
