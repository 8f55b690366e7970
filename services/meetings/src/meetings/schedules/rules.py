"""When a month's meeting is due, and what the sweep does with a month still expected (pure): due
at the end of the last day of the branch's window plus the grace, both from the rule set in force
on the month's first day (`meetings.policy`)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from meetings.policy import MeetingRules
from service_kit.clock import end_of_vietnam_day

REGULAR_TYPES = ("regular", "combined", "cluster", "pilot")


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def first_day(period: str) -> date:
    return date.fromisoformat(f"{period}-01")


def due_at(period: str, window: tuple[int, int], grace_days: int) -> datetime:
    year, month = (int(x) for x in period.split("-"))
    last = calendar.monthrange(year, month)[1]
    return end_of_vietnam_day(date(year, month, min(window[1], last)) + timedelta(days=grace_days))


@dataclass(frozen=True)
class Expected:
    """A branch's month as it is expected: its window and when it falls due."""

    window: tuple[int, int]
    due_at: datetime


def expected(period: str, own_window: tuple[int, int] | None, rules: MeetingRules) -> Expected:
    """`rules`: the set in force on the month's first day for the branch's province."""
    window = rules.window(own_window)
    return Expected(window, due_at(period, window, rules.missed_grace_days))


Settled = Literal["missed", "not_in_use"]


def settle(due: datetime, now: datetime, month_live: bool) -> Settled | None:
    """What becomes at `now` of a month still expected: nothing before it is due; then missed,
    or not in use when the month lies before the branch's go-live (`org_tree.golive`)."""
    if due > now:
        return None
    return "missed" if month_live else "not_in_use"
