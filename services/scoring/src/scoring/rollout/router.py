"""HTTP edge of the roll-out view."""

from __future__ import annotations

from fastapi import APIRouter

from scoring.rollout.schemas import RollOutOut
from scoring.rollout.service import roll_out
from service_kit.clock import today_in_vietnam
from service_kit.web.deps import OnDate, Runtime

router = APIRouter(prefix="/v1/organisations", tags=["roll-out"])


@router.get(
    "/{organisation_id}/roll-out",
    response_model=RollOutOut,
    summary="Roll-out of a subtree on a day: organisations live, planned and not yet planned, "
    "by level; the share of branches live and logging",
)
async def get_roll_out(organisation_id: str, runtime: Runtime, on: OnDate = None) -> RollOutOut:
    async with runtime.db.session() as session:
        return await roll_out(session, organisation_id, on or today_in_vietnam(runtime.clock))
