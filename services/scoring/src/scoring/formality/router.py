"""HTTP edge of the formality signals: the monthly list of a subtree's branches whose signals
persist. (A meeting's own signals are shown in `GET /v1/meeting-scores/{id}`.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from scoring.context import Ctx
from scoring.formality.schemas import PersistingFormalityOut
from scoring.formality.service import persisting
from scoring.rollups.periods import PeriodError, parse_period
from service_kit.errors import FieldError
from service_kit.web.dates import Month
from service_kit.web.deps import Runtime
from service_kit.web.problems import Problem

router = APIRouter(prefix="/v1/organisations", tags=["formality"])


@router.get(
    "/{organisation_id}/formality",
    response_model=PersistingFormalityOut,
    summary="Branches of the subtree whose formality signals persist: a signal in each of the "
    "last months running (policy `formality_persist_months`), the asked month the last",
)
async def get_persisting(
    organisation_id: str,
    runtime: Runtime,
    ctx: Ctx,
    month: Annotated[Month, Query(description="YYYY-MM (1930-01 – 2199-12)")],
) -> PersistingFormalityOut:
    try:
        period = parse_period(month)
    except PeriodError as exc:
        raise Problem(
            422,
            "invalid-month",
            "Tháng không hợp lệ (dạng YYYY-MM).",
            errors=[FieldError("/month", str(exc))],
        ) from exc
    async with runtime.db.session() as session:
        return await persisting(
            session, organisation_id, period, ctx.policy.compliance.formality_persist_months
        )
