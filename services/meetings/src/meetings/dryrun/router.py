"""HTTP edge of the escalation dry run (read-only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from meetings.context import Ctx
from meetings.dryrun.schemas import EscalationDryRunOut
from meetings.dryrun.service import dry_run
from service_kit.web.dates import QueryDate
from service_kit.web.deps import Runtime

router = APIRouter(prefix="/v1/organisations", tags=["dry run"])


@router.get(
    "/{organisation_id}/escalation-dry-run",
    response_model=EscalationDryRunOut,
    summary="What the escalation and missed-meeting sweeps would do to the subtree if they ran "
    "at the start of `as_of`: requests escalating (from which level to which, the deadline "
    "breached), overdue at the top, reminders, months missed; nothing is written",
)
async def get_dry_run(
    organisation_id: str,
    runtime: Runtime,
    ctx: Ctx,
    as_of: Annotated[QueryDate, Query(description="the day the sweeps are imagined to run")],
) -> EscalationDryRunOut:
    async with runtime.db.session() as session:
        return await dry_run(session, ctx.request_rules, ctx.meeting_rules, organisation_id, as_of)
