"""What happens after an attempt (pure): delivered, retry later, give up, or deactivate.

Back-off doubles from `base_seconds` up to `max_seconds`, less a random share (`jitter`) so a
receiver coming back is not hit by every retry at once. `Retry-After` on 429/503 is honoured
(as a minimum, capped). A webhook answering 410 Gone is deactivated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Literal


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    base_seconds: float
    max_seconds: float
    jitter: float
    retry_after_max_seconds: float


@dataclass(frozen=True)
class Outcome:
    """What one attempt observed."""

    ok: bool
    status_code: int | None = None
    error: str | None = None
    retry_after_seconds: float | None = None
    permanent: bool = False
    gone: bool = False


@dataclass(frozen=True)
class Decision:
    kind: Literal["delivered", "retry", "failed", "gone"]
    delay_seconds: float = 0.0


def backoff_seconds(policy: RetryPolicy, attempt: int, draw: float) -> float:
    """Delay after the `attempt`-th failure; `draw` is uniform in [0, 1)."""
    full = min(policy.base_seconds * 2 ** max(attempt - 1, 0), policy.max_seconds)
    return full * (1 - policy.jitter * draw)


def decide(policy: RetryPolicy, attempts: int, outcome: Outcome, draw: float) -> Decision:
    """`attempts` counts the one just made."""
    if outcome.ok:
        return Decision("delivered")
    if outcome.gone:
        return Decision("gone")
    if outcome.permanent or attempts >= policy.max_attempts:
        return Decision("failed")
    delay = backoff_seconds(policy, attempts, draw)
    if outcome.retry_after_seconds is not None:
        delay = max(delay, min(outcome.retry_after_seconds, policy.retry_after_max_seconds))
    return Decision("retry", delay)


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """RFC 9110 Retry-After: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max((when - now).total_seconds(), 0.0)


def http_outcome(status_code: int, retry_after: str | None, now: datetime) -> Outcome:
    if 200 <= status_code < 300:
        return Outcome(ok=True, status_code=status_code)
    if status_code == 410:
        return Outcome(ok=False, status_code=status_code, gone=True, error="410 Gone")
    return Outcome(
        ok=False,
        status_code=status_code,
        error=f"HTTP {status_code}",
        retry_after_seconds=retry_after_seconds(retry_after, now)
        if status_code in (429, 503)
        else None,
    )


def smtp_outcome(code: int | None, message: str) -> Outcome:
    """5xx replies are permanent (mailbox unknown, refused); 4xx and lost connections retry."""
    permanent = code is not None and 500 <= code < 600
    return Outcome(ok=False, status_code=code, error=message[:500], permanent=permanent)
