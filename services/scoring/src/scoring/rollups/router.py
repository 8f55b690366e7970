"""HTTP edge of roll-ups."""

from __future__ import annotations

from fastapi import APIRouter, Query

from scoring.rollups.periods import Period, PeriodError, parse_period
from scoring.rollups.schemas import RollupOut, SubtreeRollupOut
from scoring.rollups.service import branch_rollup, subtree_rollup
from service_kit.web.deps import Runtime
from service_kit.web.problems import FieldError, Problem

router = APIRouter(prefix="/v1/branches", tags=["roll-ups"])


def period_or_problem(period: str, pointer: str = "#query/period") -> Period:
    """The period, or a 422 naming where it came from (a query parameter or a body field)."""
    try:
        return parse_period(period)
    except PeriodError as exc:
        raise Problem(
            422,
            "validation-error",
            str(exc),
            errors=[FieldError(pointer, str(exc), "period_invalid")],
        ) from None


@router.get(
    "/{branch_id}/rollups",
    response_model=RollupOut,
    summary="A branch's meeting scores summed up for a month, quarter, half-year or year",
)
async def get_rollup(
    branch_id: str,
    runtime: Runtime,
    period: str = Query(description="2026-07, 2026-Q3, 2026-H2 or 2026", examples=["2026-Q3"]),
) -> RollupOut:
    parsed = period_or_problem(period)
    async with runtime.db.session() as session:
        return await branch_rollup(session, branch_id, parsed, runtime.clock.now().date())


subtree_router = APIRouter(prefix="/v1/organisations", tags=["roll-ups"])


@subtree_router.get(
    "/{organisation_id}/rollups",
    response_model=SubtreeRollupOut,
    summary="The meeting scores of every branch under an organisation, summed up for a period",
)
async def get_subtree_rollup(
    organisation_id: str,
    runtime: Runtime,
    period: str = Query(description="2026-07, 2026-Q3, 2026-H2 or 2026", examples=["2026-Q3"]),
) -> SubtreeRollupOut:
    parsed = period_or_problem(period)
    async with runtime.db.session() as session:
        return await subtree_rollup(session, organisation_id, parsed, runtime.clock.now().date())
