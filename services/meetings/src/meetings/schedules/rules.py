"""When a month's meeting is due (pure): the last day of the branch's window, plus the grace."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from service_kit.clock import end_of_vietnam_day

GRACE_DAYS = 5  # after the window closes, before the month counts as missed

REGULAR_TYPES = ("regular", "combined", "cluster", "pilot")


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def due_at(period: str, window: tuple[int, int], grace_days: int = GRACE_DAYS) -> datetime:
    year, month = (int(x) for x in period.split("-"))
    last = calendar.monthrange(year, month)[1]
    return end_of_vietnam_day(date(year, month, min(window[1], last)) + timedelta(days=grace_days))
