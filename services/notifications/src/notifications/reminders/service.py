"""Sending the reminders due today: each key once, through the same inbox/e-mail/digest path.
No reminder concerns a month before the branch's go-live (`org_tree.golive`): nothing is owed
then, so there is nothing to remind of."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notifications.directory.service import Directory
from notifications.dispatch.service import Message, Planned, place
from notifications.reminders.models import SentReminder
from notifications.reminders.rules import BODIES, SUBJECTS, DueReminder, due_reminders
from notifications.replica import service as replica
from notifications.rules import service as rule_sets
from notifications.templates.rendering import render
from org_tree import golive
from org_tree.observers import observers_by_branch
from service_kit.uow import UnitOfWork


async def due_on(
    session: AsyncSession, today: date, *, lead_days: int, report_due_day: int
) -> list[DueReminder]:
    """The one decision of the reminder job, read-only: the reminders due on the local day
    `today` (`rules.due_reminders` over the replica's windows and the observers following each
    branch that day), for months the branch is live in — before "each once". The job sends
    those not sent yet; the dry run (`reminders.dryrun`) shows them."""
    found = due_reminders(
        today,
        await replica.meeting_windows(session),
        await observers_by_branch(session, today),
        lead_days=lead_days,
        report_due_day=report_due_day,
    )
    live = await golive.load(session, today)
    return [r for r in found if live.month_live(r.branch_id, *_year_month(r.period))]


async def already_sent(session: AsyncSession, reminders: Sequence[DueReminder]) -> set[str]:
    """The ids (keys' hashes) among these that were sent before, read 500 at a time."""
    ids = sorted({r.id for r in reminders})
    sent: set[str] = set()
    for chunk in range(0, len(ids), 500):
        stmt = sa.select(SentReminder.id).where(col(SentReminder.id).in_(ids[chunk : chunk + 500]))
        sent.update((await session.execute(stmt)).scalars())
    return sent


async def send_due(
    uow: UnitOfWork, today: date, directory: Directory, *, lead_days: int, report_due_day: int
) -> int:
    """Reminders due on `today` and not sent before; returns how many were sent now."""
    session = uow.session
    found = await due_on(session, today, lead_days=lead_days, report_due_day=report_due_day)
    if not found:
        return 0
    active = await rule_sets.in_effect(session, uow.now())
    names = await replica.names(session, {r.branch_id for r in found})
    insert = postgresql.insert if uow.db.dialect == "postgresql" else sqlite.insert
    sent = 0
    planned = Planned()
    for reminder in found:
        claimed = await session.execute(
            insert(SentReminder)
            .values(
                id=reminder.id,
                key=reminder.key,
                kind=reminder.kind,
                recipient=reminder.recipient,
                due_on=reminder.due_on,
                created_at=uow.now(),
            )
            .on_conflict_do_nothing()
        )
        if not claimed.rowcount:
            continue
        sent += 1
        for message in messages(reminder, names, active.version):
            await place(uow, message, directory, active.document.fatigue, planned)
    return sent


def _year_month(period: str) -> tuple[int, int]:
    year, month = period.split("-")
    return int(year), int(month)


CHANNELS = ("inbox", "email")


def messages(reminder: DueReminder, names: dict[str, str], version: int) -> list[Message]:
    """The reminder as sent: its Vietnamese subject and body, once per channel."""
    context = {
        "branch_id": reminder.branch_id,
        "period": reminder.period,
        "due_on": reminder.due_on,
        "recipient": reminder.recipient,
        "names": names,
    }
    rendered = render(SUBJECTS[reminder.kind], BODIES[reminder.kind], context)
    return [
        Message(
            event_id=reminder.id,
            event_type=f"reminder.{reminder.kind}",
            recipient=reminder.recipient,
            channel=channel,
            urgency="routine",
            delivery="by_urgency",
            rule_id=f"reminder-{reminder.kind}",
            rule_set_version=version,
            subject=rendered.subject,
            body=rendered.body,
        )
        for channel in CHANNELS
    ]
