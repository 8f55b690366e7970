"""Failed sign-ins per (username, client IP) in a bounded in-memory sliding window.

One process only: with several registry processes each counts its own failures, so the real
limit is `limit × processes` (a shared store would be needed to do better). The table holds at
most `max_keys` entries; the least recently touched is forgotten first, which bounds memory
under a flood of made-up usernames.
"""

from __future__ import annotations

from collections import OrderedDict, deque

from registry.identity.rules import retry_after


class LoginLimiter:
    def __init__(self, *, limit: int, window_seconds: float, max_keys: int) -> None:
        self.limit, self.window, self.max_keys = limit, window_seconds, max_keys
        self._failures: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()

    def retry_after(self, username: str, ip: str, now: float) -> float | None:
        """Seconds to wait before another attempt, or None when an attempt is allowed."""
        failures = self._failures.get((username, ip))
        if not failures:
            return None
        return retry_after(failures, now, self.window, self.limit)

    def failed(self, username: str, ip: str, now: float) -> None:
        key = (username, ip)
        failures = self._failures.pop(key, None) or deque(maxlen=self.limit)
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        failures.append(now)
        self._failures[key] = failures
        while len(self._failures) > self.max_keys:
            self._failures.popitem(last=False)

    def succeeded(self, username: str, ip: str) -> None:
        self._failures.pop((username, ip), None)
