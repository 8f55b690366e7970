"""When an observer's report is due, and whose lateness a late one is (pure).

The report reaches the committee before the 10th of the month after the meeting (HD 42
practice), counted from the month of the meeting, not from when the branch logs it. A branch that
logs its meeting so late that the observer is left less than `OBSERVER_MIN_DAYS` before that
deadline does not make its observer late: the observer is given those days from the logging, and
the record says the lateness was the branch's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from service_kit.clock import end_of_vietnam_day, vietnam_date

DUE_BEFORE_DAY = 10  # HD 42 practice: reports reach the committee before the 10th
OBSERVER_MIN_DAYS = 5  # days an observer is always given after a late logging
# A criterion code as rubrics spell them ("C5", "N3", "C4.chair"): which codes the active rubric
# marks observer-scored is scoring's to know; scores on other codes are ignored there.
CRITERION_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,31}$")


def report_due_at(held_on: date, before_day: int = DUE_BEFORE_DAY) -> datetime:
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


def observer_due(
    held_on: date, logged_at: datetime, min_days: int = OBSERVER_MIN_DAYS
) -> ReportDue:
    month_due = report_due_at(held_on)
    earliest = end_of_vietnam_day(vietnam_date(logged_at) + timedelta(days=min_days))
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
