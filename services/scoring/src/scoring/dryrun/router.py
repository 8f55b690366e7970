"""HTTP edge of the scoring dry run (read-only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from scoring.context import Ctx
from scoring.dryrun.classification import classification_dry_run
from scoring.dryrun.schemas import ClassificationDryRunOut, DryRunOut
from scoring.dryrun.service import dry_run
from scoring.policy import NoRules
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


@router.get(
    "/{organisation_id}/classification-dry-run",
    response_model=ClassificationDryRunOut,
    summary="The year's classification of the subtree as the rule set in force on `as_of` would "
    "propose it, beside what is stored, with counts by level both ways; nothing is written",
)
async def get_classification_dry_run(
    organisation_id: str,
    runtime: Runtime,
    ctx: Ctx,
    year: Annotated[int, Query(ge=2000, le=2100, description="năm xếp loại, ví dụ 2026")],
    as_of: Annotated[QueryDate, Query(description="the day whose rule set is applied")],
) -> ClassificationDryRunOut:
    book = ctx.classification
    rule_set = book.in_force_on(as_of)
    if rule_set is None:
        first = book.first()
        detail = (
            f"Ngày {as_of:%d/%m/%Y} chưa có quy định xếp loại nào; quy định sớm nhất được nạp: "
            f"{first.name}, hiệu lực {first.effective_on:%d/%m/%Y}."
        )
        raise Problem(
            422, "no-classification-rules", detail, errors=[FieldError("#query/as_of", detail)]
        )
    try:
        year_rules = book.for_year(year)
    except NoRules:
        year_rules = None
    async with runtime.db.session() as session:
        return await classification_dry_run(
            session, rule_set, year_rules, organisation_id, year, as_of
        )
