"""HTTP edge of the rubrics: which rubric scores a branch's meeting held on a given day, its
manual items and the ones the upper-level observer scores (what meetings needs to validate an
observer's report before it is filed).

Scope: the branch, checked by `guard` through the `branch_id` resolver."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query

from scoring.context import Ctx
from scoring.rubrics.book import NoRubric
from scoring.rubrics.format import MEETING_TYPES, Rubric
from scoring.rubrics.schemas import ManualItemOut, MeetingTypeItemsOut, RubricInForceOut, RubricOut
from scoring.subtree import province_code_of
from service_kit.web.deps import Runtime

router = APIRouter(tags=["rubrics"])


def rubric_out(rubric: Rubric) -> RubricOut:
    by_type = {}
    for kind in MEETING_TYPES:
        observer = rubric.observer_items(kind)
        items = [
            ManualItemOut(
                key=s.key or c.code,
                criterion=c.code,
                criterion_name=c.name,
                name=s.name,
                max_points=s.max,
                observer_scored=(s.key or c.code) in observer,
            )
            for c in rubric.criteria_for(kind)
            for s in c.sub_items
            if s.source == "manual"
        ]
        by_type[kind] = MeetingTypeItemsOut(
            manual_items=items, observer_items=[i for i in items if i.observer_scored]
        )
    return RubricOut(
        id=rubric.id,
        version=rubric.version,
        name=rubric.name,
        source=rubric.source,
        province=rubric.province,
        effective_on=rubric.effective_on,
        total_points=rubric.total_points,
        meeting_types=by_type,
    )


@router.get(
    "/v1/branches/{branch_id}/rubric",
    response_model=RubricInForceOut,
    summary="The rubric that scores the branch's meetings held on a day, with its manual and "
    "observer-scored items",
)
async def rubric_in_force(
    branch_id: str,
    runtime: Runtime,
    ctx: Ctx,
    held_on: date = Query(description="the meeting day, e.g. 2026-07-03"),
) -> RubricInForceOut:
    async with runtime.db.session() as session:
        province = await province_code_of(session, branch_id, held_on)
    try:
        rubric = ctx.rubrics.for_meeting(held_on, province)
    except NoRubric as exc:
        return RubricInForceOut(
            branch_id=branch_id,
            held_on=held_on,
            province_code=province,
            rubric=None,
            reason=str(exc),
        )
    return RubricInForceOut(
        branch_id=branch_id,
        held_on=held_on,
        province_code=province,
        rubric=rubric_out(rubric),
        reason=f"{rubric.name}, áp dụng từ {rubric.effective_on:%d/%m/%Y}",
    )
