"""When an observer's report is due, and whose lateness a late one is (pure).

The report reaches the committee before a day of the month after the meeting (the 10th by
default, HD 42 practice), counted from the month of the meeting, not from when the branch logs it.
A branch that logs its meeting so late that the observer is left less than `observer_min_days`
before that deadline does not make its observer late: the observer is given those days from the
logging, and the record says the lateness was the branch's. Both numbers are the rule set's in
force on the meeting's day (`meetings.policy`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from meetings.policy import MeetingRules
from service_kit.clock import end_of_vietnam_day, vietnam_date

# A criterion code as rubrics spell them ("C5", "N3", "C4.chair"): which codes the active rubric
# marks observer-scored is scoring's to know; scores on other codes are ignored there.
CRITERION_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,31}$")


def report_due_at(held_on: date, before_day: int) -> datetime:
    first_next = (held_on.replace(day=1) + timedelta(days=32)).replace(day=1)
    return end_of_vietnam_day(first_next.replace(day=before_day) - timedelta(days=1))


@dataclass(frozen=True)
class ReportDue:
    due_at: datetime
    """The observer's own deadline."""
    month_due_at: datetime
    """The deadline the month of the meeting sets."""
    logged_late: bool
    """The branch logged the meeting too late for the month's deadline: its lateness."""


def observer_due(held_on: date, logged_at: datetime, rules: MeetingRules) -> ReportDue:
    month_due = report_due_at(held_on, rules.observer_report_due_before_day)
    earliest = end_of_vietnam_day(vietnam_date(logged_at) + timedelta(days=rules.observer_min_days))
    if earliest <= month_due:
        return ReportDue(month_due, month_due, logged_late=False)
    return ReportDue(earliest, month_due, logged_late=True)


def late_by(
    status: str, filed_at: datetime | None, due_at: datetime, logged_late: bool
) -> str | None:
    """Whose lateness the report's is: "observer" when they missed their own deadline, "branch"
    when only the branch's late logging pushed it past the month's, else None."""
    if (filed_at is not None and filed_at > due_at) or status == "overdue":
        return "observer"
    if logged_late:
        return "branch"
    return None
