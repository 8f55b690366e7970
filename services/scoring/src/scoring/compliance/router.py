"""HTTP edge of compliance flags (read only: a flag is raised by the detectors).

Scope: only flags of branches in the caller's subtree are listed; a `branch_id` filter outside
it is refused."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlmodel import col

from scoring.compliance.models import ComplianceFlag
from scoring.compliance.service import list_flags
from scoring.visible import visible_to
from service_kit.web.deps import Caller, Runtime

router = APIRouter(prefix="/v1/compliance-flags", tags=["compliance"])


class FlagOut(BaseModel):
    flag_id: str
    kind: str
    severity: str
    subject_type: str
    subject_id: str
    branch_id: str
    period: str
    message: str
    meeting_ids: list[str]
    details: dict[str, Any]
    raised_at: datetime


@router.get("", response_model=list[FlagOut], summary="Compliance flags, newest first")
async def get_flags(
    runtime: Runtime,
    access: Caller,
    branch_id: str | None = None,
    subject_id: str | None = Query(default=None, description="a branch or member id"),
    kind: str | None = None,
    period: str | None = Query(
        default=None,
        pattern=r"^(19[3-9]\d|2[01]\d\d)(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$",
        description="prefix: 2026 matches 2026-Q1, 2026-07",
    ),
    limit: int = Query(default=200, ge=1, le=1000),
) -> list[FlagOut]:
    await access.require(branch_id)
    async with runtime.db.session() as session:
        flags = await list_flags(
            session,
            visible=visible_to(access, col(ComplianceFlag.branch_id)),
            branch_id=branch_id,
            subject_id=subject_id,
            kind=kind,
            period_prefix=period,
            limit=limit,
        )
    return [FlagOut.model_validate(f, from_attributes=True) for f in flags]
