"""HTTP edge of the reminders dry run (read-only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from notifications.context import Ctx
from notifications.reminders.dryrun import RemindersDryRunOut, reminders_dry_run
from service_kit.web.dates import QueryDate
from service_kit.web.deps import Runtime

router = APIRouter(prefix="/v1/organisations", tags=["reminders"])


@router.get(
    "/{organisation_id}/reminders-dry-run",
    response_model=RemindersDryRunOut,
    summary="Which reminders the reminder job would send on the local day `as_of` for the "
    "branches of the subtree, to whom and about what; nothing is written or sent",
)
async def get_reminders_dry_run(
    organisation_id: str,
    runtime: Runtime,
    ctx: Ctx,
    as_of: Annotated[
        QueryDate,
        Query(description="the local day (Việt Nam): reminders are decided by the day"),
    ],
) -> RemindersDryRunOut:
    settings = ctx.notifications_settings
    async with runtime.db.session() as session:
        return await reminders_dry_run(
            session,
            organisation_id,
            as_of,
            lead_days=settings.reminder_lead_days,
            report_due_day=settings.report_due_day,
        )
