"""When an observer's report is due (pure): before the 10th of the month after the meeting."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from service_kit.clock import end_of_vietnam_day

DUE_BEFORE_DAY = 10  # HD 42 practice: reports reach the committee before the 10th
MANUAL_CRITERIA = ("C3", "C4", "C5")


def report_due_at(held_on: date, before_day: int = DUE_BEFORE_DAY) -> datetime:
    first_next = (held_on.replace(day=1) + timedelta(days=32)).replace(day=1)
    return end_of_vietnam_day(first_next.replace(day=before_day) - timedelta(days=1))
