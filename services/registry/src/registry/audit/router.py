"""Reading the audit log: who changed what, when, and the entity before and after.

Province-level: an entry may name any part of the tree (and identity administration), so only a
province-scoped caller reads it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel
from sqlmodel import col

from registry.audit.models import AuditEntry
from service_kit.web.deps import Caller, PageQuery, Runtime
from service_kit.web.pagination import Page, keyset_page, link_next

router = APIRouter(prefix="/v1/audit-entries", tags=["audit"])


class AuditEntryOut(BaseModel):
    id: str
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None


@router.get("", response_model=Page[AuditEntryOut], summary="The audit log, oldest first (paged)")
async def list_entries(
    request: Request,
    response: Response,
    page: PageQuery,
    runtime: Runtime,
    access: Caller,
    entity: str | None = Query(None, description="e.g. organisation, member, user, import"),
    entity_id: str | None = None,
    actor: str | None = Query(None, description="e.g. user:<id>, client:<id>, cli:<name>"),
) -> Page[AuditEntryOut]:
    access.require_province()
    stmt = sa.select(AuditEntry)
    for column, value in ((AuditEntry.entity, entity), (AuditEntry.entity_id, entity_id)):
        if value:
            stmt = stmt.where(column == value)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    async with runtime.db.session() as session:
        rows, next_cursor = await keyset_page(session, stmt, col(AuditEntry.id), page)
    link_next(request, response, next_cursor)
    return Page[AuditEntryOut](
        items=[AuditEntryOut.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=next_cursor,
    )
