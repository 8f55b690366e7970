"""The clock deadlines are measured against, injected so tests and demos can move time.

`OffsetFileClock` reads an offset in seconds from a file on every call (cheap: cached by mtime),
so an end-to-end test can move a running service days ahead — never in production.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


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
