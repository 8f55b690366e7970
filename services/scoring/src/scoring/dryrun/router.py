"""HTTP edge of the scoring dry run (read-only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from scoring.context import Ctx
from scoring.dryrun.schemas import DryRunOut
from scoring.dryrun.service import dry_run
from scoring.rollups.periods import PeriodError, PeriodLabel, parse_period
from service_kit.errors import FieldError
from service_kit.web.dates import QueryDate
from service_kit.web.deps import Runtime
from service_kit.web.problems import Problem

router = APIRouter(prefix="/v1/organisations", tags=["dry run"])


@router.get(
    "/{organisation_id}/scoring-dry-run",
    response_model=DryRunOut,
    summary="What the rubric in force on `as_of` would say of the subtree's scored meetings of "
    "a period, meeting by meeting and criterion by criterion; nothing is written",
)
async def get_dry_run(
    organisation_id: str,
    runtime: Runtime,
    ctx: Ctx,
    period: Annotated[PeriodLabel, Query(description="2026-07, 2026-Q3, 2026-H2 or 2026")],
    as_of: Annotated[QueryDate, Query(description="the day whose rubric is applied")],
) -> DryRunOut:
    try:
        parsed = parse_period(period)
    except PeriodError as exc:
        raise Problem(
            422, "validation-error", str(exc), errors=[FieldError("#query/period", str(exc))]
        ) from None
    async with runtime.db.session() as session:
        return await dry_run(session, ctx.rubrics, organisation_id, parsed, as_of)
