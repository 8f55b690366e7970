"""HTTP edge of reports: JSON, or the same report as CSV / XLSX.

Scope: an `organisation_id` or `branch_id`s named must lie in the caller's subtree; naming
neither reports the known branches of that subtree only."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from scoring.reports.export import to_csv, to_xlsx
from scoring.reports.schemas import BranchReportOut, ThematicReportOut
from scoring.reports.service import S, branch_report
from scoring.reports.thematic import thematic_report
from scoring.rollups.periods import PeriodError, PeriodLabel, parse_period
from scoring.subtree import branches_in
from scoring.visible import visible_to
from service_kit.web.deps import Caller, Runtime
from service_kit.web.problems import FieldError, Problem

router = APIRouter(prefix="/v1/reports", tags=["reports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/branches",
    response_model=BranchReportOut,
    summary="Coverage, grades and the weakest branches for a set of branches or a subtree",
    responses={200: {"content": {"text/csv": {}, XLSX: {}}}},
)
async def get_branch_report(
    runtime: Runtime,
    access: Caller,
    period: str = Query(description="2026-07, 2026-Q3, 2026-H2 or 2026"),
    branch_id: list[str] | None = Query(
        default=None, description="the branches in scope; every known branch when omitted"
    ),
    organisation_id: str | None = Query(
        default=None,
        description="instead of branch_id: every branch under this organisation on the "
        "period's last day",
    ),
    weakest: int = Query(default=10, ge=0, le=500),
    format: Literal["json", "csv", "xlsx"] = "json",
) -> BranchReportOut | Response:
    await access.require(organisation_id)
    await access.require_all(branch_id or ())
    try:
        parsed = parse_period(period)
    except PeriodError as exc:
        raise Problem(
            422, "validation-error", str(exc), errors=[FieldError("#query/period", str(exc))]
        ) from None
    if organisation_id is not None and branch_id:
        detail = "Chỉ chọn một phạm vi: organisation_id hoặc branch_id, không cả hai."
        raise Problem(
            422,
            "validation-error",
            detail,
            errors=[FieldError("#query/organisation_id", detail, "scope_ambiguous")],
        )
    async with runtime.db.session() as session:
        if organisation_id is not None:
            branches = await branches_in(session, organisation_id, parsed)
            report = await branch_report(
                session, parsed, [b.id for b in branches], weakest, scope="organisation"
            )
        else:
            report = await branch_report(
                session, parsed, branch_id, weakest, visible=visible_to(access, S.branch_id)
            )
    if format == "json":
        return report
    name = f"bao-cao-chi-bo-{parsed.label}.{format}"
    body, media = (
        (to_csv(report), "text/csv; charset=utf-8") if format == "csv" else (to_xlsx(report), XLSX)
    )
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get(
    "/thematic",
    response_model=ThematicReportOut,
    summary="Share of a subtree's branches that held a thematic meeting (on a theme) in a "
    'period, per organisation directly under it: "100% chi bộ tổ chức sinh hoạt chuyên đề «…»"',
)
async def get_thematic_report(
    runtime: Runtime,
    access: Caller,
    organisation_id: Annotated[
        str, Query(description="the commune, district or province reported on")
    ],
    period: Annotated[PeriodLabel, Query(description="2026-07, 2026-Q3, 2026-H2 or 2026")],
    theme: str | None = Query(
        default=None,
        min_length=1,
        max_length=500,
        description="the theme as the records name it; any thematic meeting when omitted",
    ),
) -> ThematicReportOut:
    await access.require(organisation_id)
    try:
        parsed = parse_period(period)
    except PeriodError as exc:
        raise Problem(
            422, "validation-error", str(exc), errors=[FieldError("#query/period", str(exc))]
        ) from None
    async with runtime.db.session() as session:
        return await thematic_report(session, organisation_id, parsed, theme)
