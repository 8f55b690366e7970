"""HTTP edge of roll-ups."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from scoring.rollups.periods import PeriodError, parse_period
from scoring.rollups.schemas import RollupOut
from scoring.rollups.service import branch_rollup
from service_kit.runtime import ServiceRuntime
from service_kit.web.app import get_runtime
from service_kit.web.problems import FieldError, Problem

router = APIRouter(prefix="/v1/branches", tags=["roll-ups"])


@router.get(
    "/{branch_id}/rollups",
    response_model=RollupOut,
    summary="A branch's meeting scores summed up for a month, quarter, half-year or year",
)
async def get_rollup(
    branch_id: str,
    period: str = Query(description="2026-07, 2026-Q3, 2026-H2 or 2026", examples=["2026-Q3"]),
    runtime: ServiceRuntime = Depends(get_runtime),
) -> RollupOut:
    try:
        parsed = parse_period(period)
    except PeriodError as exc:
        raise Problem(
            422,
            "validation-error",
            str(exc),
            errors=[FieldError("#query/period", str(exc), "period_invalid")],
        ) from None
    async with runtime.db.session() as session:
        return await branch_rollup(session, branch_id, parsed, runtime.clock.now().date())
