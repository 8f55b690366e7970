"""The reminders dry run: which reminders the job would send on a local day, to whom, about
what, for the branches of a subtree — the job's own decision (`service.due_on`) and rendering
(`service.messages`), read in one session; nothing is claimed, written or sent."""

from __future__ import annotations

from collections import Counter
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.reminders import service
from notifications.replica import service as replica
from org_tree.models import OrgNode
from org_tree.replica import subtree_ids
from service_kit.errors import NotFound

# What each reminder address is to the branch: `rules.due_reminders` writes these two.
ROLES = {"branch-secretary": "secretary", "member": "observer"}


class ReminderOut(BaseModel):
    kind: str = Field(description="meeting_window (before the branch's window) or report_due")
    branch_id: str
    branch_name: str
    period: str = Field(description="YYYY-MM of the meeting concerned")
    due_on: date = Field(description="the window's first day, or the report's due day")
    recipient: str = Field(description="the address told: branch-secretary:<branch>, member:<id>")
    recipient_role: str = Field(description="secretary or observer")
    member_id: str | None = Field(description="the observer's member id (none for a secretary)")
    subject: str = Field(description="the Vietnamese subject line, as sent")
    channels: list[str]
    already_sent: bool = Field(description="sent before (the key is taken): not sent again")
    key: str


class RemindersDryRunOut(BaseModel):
    organisation_id: str
    as_of: date = Field(description="the local day (Việt Nam) the reminder job is asked about")
    written: bool = Field(default=False, description="always false: nothing is stored or sent")
    lead_days: int
    report_due_day: int
    would_send: int = Field(description="reminders the job would send that day (not sent yet)")
    already_sent: int
    by_kind: dict[str, int] = Field(description="would send, by kind")
    by_role: dict[str, int] = Field(description="would send, by recipient role")
    reminders: list[ReminderOut]


async def reminders_dry_run(
    session: AsyncSession,
    organisation_id: str,
    as_of: date,
    *,
    lead_days: int,
    report_due_day: int,
) -> RemindersDryRunOut:
    known = await session.get(OrgNode, organisation_id)
    if known is None or known.kind == "unknown":
        raise NotFound(
            "organisation-not-found", f"Chưa có tổ chức {organisation_id} trong cây tổ chức."
        )
    under = set(await subtree_ids(session, organisation_id, as_of))
    due = await service.due_on(session, as_of, lead_days=lead_days, report_due_day=report_due_day)
    due = [r for r in due if r.branch_id in under]
    sent = await service.already_sent(session, due)
    names = await replica.names(session, {r.branch_id for r in due})
    out = []
    for r in sorted(due, key=lambda r: (r.kind, r.branch_id, r.period, r.recipient)):
        messages = service.messages(r, names, 0)
        role, _, value = r.recipient.partition(":")
        out.append(
            ReminderOut(
                kind=r.kind,
                branch_id=r.branch_id,
                branch_name=names.get(r.branch_id, r.branch_id),
                period=r.period,
                due_on=r.due_on,
                recipient=r.recipient,
                recipient_role=ROLES.get(role, role),
                member_id=value if role == "member" else None,
                subject=messages[0].subject,
                channels=[m.channel for m in messages],
                already_sent=r.id in sent,
                key=r.key,
            )
        )
    sending = [r for r in out if not r.already_sent]
    return RemindersDryRunOut(
        organisation_id=organisation_id,
        as_of=as_of,
        lead_days=lead_days,
        report_due_day=report_due_day,
        would_send=len(sending),
        already_sent=len(out) - len(sending),
        by_kind=dict(Counter(r.kind for r in sending)),
        by_role=dict(Counter(r.recipient_role for r in sending)),
        reminders=out,
    )
