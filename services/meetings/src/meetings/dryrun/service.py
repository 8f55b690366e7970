"""The escalation dry run: what the request sweeper and the missed-meeting sweeper would do if
they ran at the start of day D in Việt Nam, for the requests and branches of a subtree — decided
by the very functions they act on (`requests.service.due_now` → `escalation.due_as_of`;
`schedules.service.expected_rows` and `schedules.rules.settle`), on one read session: nothing is
added, changed or published."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from meetings.dryrun.schemas import (
    EscalationDryRunOut,
    EscalationOut,
    MissedMeetingOut,
    NotInUseOut,
    OverdueAtTopOut,
    ReminderOut,
)
from meetings.policy import MeetingRuleBook
from meetings.requests.lifecycle import OPEN
from meetings.requests.models import Request
from meetings.requests.service import RequestRules, due_now, prefetch_done_keys
from meetings.schedules import rules as schedule_rules
from meetings.schedules.models import MeetingExpectation
from meetings.schedules.service import expected_rows
from org_tree import golive
from org_tree.models import OrgNode
from org_tree.replica import subtree_cte, subtree_ids
from service_kit.clock import start_of_vietnam_day
from service_kit.errors import NotFound

LIMIT = 5000


async def dry_run(
    session: AsyncSession,
    request_rules: RequestRules,
    meeting_rules: MeetingRuleBook,
    organisation_id: str,
    as_of: date,
) -> EscalationDryRunOut:
    known = await session.get(OrgNode, organisation_id)
    if known is None or known.kind == "unknown":
        raise NotFound(
            "organisation-not-found",
            f"Chưa có tổ chức {organisation_id} trong cây tổ chức (mã sai, hoặc sổ đăng ký "
            "chưa gửi sang).",
        )
    now = start_of_vietnam_day(as_of)
    tree = subtree_cte(organisation_id, as_of, "dry_run_tree")
    under = sa.select(tree.c.id).scalar_subquery()
    out = EscalationDryRunOut(
        organisation_id=organisation_id,
        as_of=as_of,
        as_of_at=now,
        requests_considered=0,
        truncated=False,
        escalations=[],
        overdue_at_top=[],
        reminders=[],
        missed_meetings=[],
        not_in_use=[],
    )
    await _requests(session, request_rules, under, out)
    await _months(session, meeting_rules, organisation_id, under, out)
    return out


async def _requests(
    session: AsyncSession,
    rules: RequestRules,
    under: sa.ScalarSelect[str],
    out: EscalationDryRunOut,
) -> None:
    """The requests the sweeper would claim (open, a check due), seen from the branch that raised
    them or a body asked to answer them, as the request list shows them."""
    now = out.as_of_at
    rows = list(
        (
            await session.execute(
                sa.select(Request)
                .where(
                    col(Request.next_check_at) <= now,
                    col(Request.status).in_([s.value for s in OPEN]),
                    col(Request.branch_id).in_(under)
                    | col(Request.level_organisation_id).in_(under)
                    | col(Request.addressee_id).in_(under),
                )
                .order_by(col(Request.next_check_at), col(Request.id))
                .limit(LIMIT + 1)
            )
        ).scalars()
    )
    out.truncated = len(rows) > LIMIT
    rows = rows[:LIMIT]
    out.requests_considered = len(rows)
    await prefetch_done_keys(session, [row.id for row in rows])
    for row in rows:
        due = await due_now(session, row, now, rules)
        for action in due.actions:
            if action.kind == "remind":
                out.reminders.append(
                    ReminderOut(
                        request_id=row.id,
                        branch_id=row.branch_id,
                        level=row.level,
                        level_organisation_id=row.level_organisation_id,
                        stage=action.stage,
                        fraction=float(action.key.rsplit(":", 1)[1]),
                        deadline_at=action.deadline_at,
                    )
                )
            elif action.kind == "overdue_at_top":
                out.overdue_at_top.append(
                    OverdueAtTopOut(
                        request_id=row.id,
                        branch_id=row.branch_id,
                        subject=row.subject,
                        level=row.level,
                        level_organisation_id=row.level_organisation_id,
                        breached_stage=action.stage,
                        deadline_at=action.due_at,
                    )
                )
            elif due.escalation is not None:
                out.escalations.append(
                    EscalationOut(
                        request_id=row.id,
                        branch_id=row.branch_id,
                        subject=row.subject,
                        from_level=row.level,
                        from_organisation_id=row.level_organisation_id,
                        from_level_kind=row.level_kind,
                        to_level=row.level + 1,
                        to_organisation_id=due.escalation.organisation_id,
                        to_level_kind=due.escalation.kind,
                        skipped_organisation_ids=list(due.escalation.skipped),
                        breached_stage=action.stage,
                        deadline_at=action.due_at,
                    )
                )


async def _months(
    session: AsyncSession,
    book: MeetingRuleBook,
    organisation_id: str,
    under: sa.ScalarSelect[str],
    out: EscalationDryRunOut,
) -> None:
    """The months the missed-meeting sweep would settle: those expected and due, and this month
    for a branch it has not expected yet (the sweep expects the current month first)."""
    now, today = out.as_of_at, out.as_of
    period = schedule_rules.period_of(today)
    stored = list(
        (
            await session.execute(
                sa.select(MeetingExpectation)
                .where(
                    col(MeetingExpectation.status) == "expected",
                    col(MeetingExpectation.due_at) <= now,
                    col(MeetingExpectation.branch_id).in_(under),
                )
                .order_by(col(MeetingExpectation.due_at), col(MeetingExpectation.branch_id))
            )
        ).scalars()
    )
    months = [
        (r.branch_id, r.period, r.window_from_day, r.window_to_day, r.due_at, False) for r in stored
    ]
    already = set(
        (
            await session.execute(
                sa.select(MeetingExpectation.branch_id).where(
                    MeetingExpectation.period == period,
                    col(MeetingExpectation.branch_id).in_(under),
                )
            )
        ).scalars()
    )
    in_subtree = set(await subtree_ids(session, organisation_id, today))
    for row in await expected_rows(session, book, period, today):
        branch = row["branch_id"]
        if branch in in_subtree and branch not in already and row["due_at"] <= now:
            window = (row["window_from_day"], row["window_to_day"])
            months.append((branch, period, *window, row["due_at"], True))
    live = await golive.load(session, today)
    for branch, month, day_from, day_to, due_at, first in months:
        year, number = (int(x) for x in month.split("-"))
        outcome = schedule_rules.settle(due_at, now, live.month_live(branch, year, number))
        if outcome == "missed":
            out.missed_meetings.append(
                MissedMeetingOut(
                    branch_id=branch,
                    period=month,
                    window_from_day=day_from,
                    window_to_day=day_to,
                    due_at=due_at,
                    expected_first=first,
                )
            )
        elif outcome == "not_in_use":
            out.not_in_use.append(NotInUseOut(branch_id=branch, period=month))
