"""A one-line progress bar on stderr for the registry's long-running commands."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """`bar(phase, done, total)` redraws at most ten times a second; `close()` ends the line."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.stream, self.width = stream, width
        self._drawn_at = 0.0
        self._phase: str | None = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase != self._phase and self._phase is not None:
            self.stream.write("\n")
        elif phase == self._phase and done < total and now - self._drawn_at < 0.1:
            return
        self._phase, self._drawn_at = phase, now
        share = done / total if total else 1.0
        filled = int(self.width * share)
        bar = "█" * filled + "░" * (self.width - filled)
        self.stream.write(f"\r{phase:<18} {bar} {share:6.1%} {done:>9,}/{total:,}")
        self.stream.flush()

    def close(self) -> None:
        if self._phase is not None:
            self.stream.write("\n")
            self.stream.flush()
            self._phase = None
