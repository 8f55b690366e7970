"""The clock deadlines are measured against, injected so tests and demos can move time.

`OffsetFileClock` reads an offset in seconds from a file on every call (cheap: cached by mtime),
so an end-to-end test can move a running service days ahead — never in production.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol

# Việt Nam keeps one time zone all year (no daylight saving): every "today", every "this
# month" and every working day of the domain is a date in this zone, never the server's.
VIETNAM = timezone(timedelta(hours=7), "ICT")


class Clock(Protocol):
    def now(self) -> datetime: ...


def vietnam_date(at: datetime) -> date:
    """The calendar date in Việt Nam at the instant `at` (timezone-aware)."""
    return at.astimezone(VIETNAM).date()


def today_in_vietnam(clock: Clock) -> date:
    return vietnam_date(clock.now())


def start_of_vietnam_day(day: date) -> datetime:
    """Midnight at the start of `day` in Việt Nam, as a UTC instant."""
    return datetime.combine(day, time(0), VIETNAM).astimezone(UTC)


def end_of_vietnam_day(day: date) -> datetime:
    """The first instant after `day` in Việt Nam (a deadline "by the end of `day`"), in UTC."""
    return start_of_vietnam_day(day + timedelta(days=1))


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """For unit tests: `clock.advance(days=3)`."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)

    def set(self, at: datetime) -> None:
        self.at = at


class OffsetFileClock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._mtime: float | None = None
        self._offset = timedelta()

    def now(self) -> datetime:
        try:
            mtime = os.stat(self.path).st_mtime
        except FileNotFoundError:
            return datetime.now(UTC)
        if mtime != self._mtime:
            text = self.path.read_text(encoding="utf-8").strip() or "0"
            self._offset, self._mtime = timedelta(seconds=float(text)), mtime
        return datetime.now(UTC) + self._offset


def clock_from(settings: Any) -> Clock:
    """The clock a process runs on: the wall clock, or one moved by the file its settings name
    (`clock_offset_file`: tests and demos only)."""
    offset_file = getattr(settings, "clock_offset_file", None)
    return OffsetFileClock(offset_file) if offset_file else SystemClock()
