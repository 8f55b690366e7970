"""The whole organisation tree with its dated history, paged: what another service needs to
build its replica from scratch (then kept current by the `registry.organisation.*` events)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlmodel import col

from registry.organisations.models import Organisation, OrganisationLink
from service_kit.web.deps import Caller, PageQuery, Runtime
from service_kit.web.pagination import Page, keyset_page, link_next

router = APIRouter(prefix="/v1/organisation-history", tags=["organisations"])


class LinkOut(BaseModel):
    parent_id: str
    valid_from: date
    valid_to: date | None = Field(description="exclusive; null: still in force")


class OrganisationHistoryOut(BaseModel):
    """An organisation's current facts and every parent link it ever had, oldest first."""

    id: str
    code: str
    name: str = Field(description="the name in force today")
    kind: str
    branch_kind: str | None
    meeting_day_from: int | None
    meeting_day_to: int | None
    valid_from: date
    valid_to: date | None
    go_live_on: date | None = Field(description="own go-live date (null: inherits)")
    version: int = Field(description="the aggregate version: a replica keeps the newest")
    links: list[LinkOut]


@router.get(
    "",
    response_model=Page[OrganisationHistoryOut],
    summary="Every organisation in scope with its dated parent links (paged; replica backfill)",
)
async def history(
    request: Request,
    response: Response,
    page: PageQuery,
    runtime: Runtime,
    access: Caller,
) -> Page[OrganisationHistoryOut]:
    stmt = access.restrict(sa.select(Organisation), col(Organisation.id))
    async with runtime.db.session() as session:
        orgs, next_cursor = await keyset_page(session, stmt, col(Organisation.id), page)
        ids = [o.id for o in orgs]
        links = (
            (
                await session.execute(
                    sa.select(OrganisationLink)
                    .where(col(OrganisationLink.child_id).in_(ids))
                    .order_by(col(OrganisationLink.child_id), col(OrganisationLink.valid_from))
                )
            )
            .scalars()
            .all()
        )
    by_child: dict[str, list[LinkOut]] = {}
    for link in links:
        by_child.setdefault(link.child_id, []).append(
            LinkOut(parent_id=link.parent_id, valid_from=link.valid_from, valid_to=link.valid_to)
        )
    link_next(request, response, next_cursor)
    return Page[OrganisationHistoryOut](
        items=[
            OrganisationHistoryOut(
                **org.model_dump(include=set(OrganisationHistoryOut.model_fields) - {"links"}),
                links=by_child.get(org.id, []),
            )
            for org in orgs
        ],
        next_cursor=next_cursor,
    )
