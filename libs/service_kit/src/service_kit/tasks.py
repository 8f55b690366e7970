"""Stopping background tasks for sure.

On Python 3.11 a cancellation can be lost when it lands while `asyncio.wait_for` completes
(gh-86296, fixed in 3.12): the task then runs on as if never cancelled, and awaiting it hangs a
shutdown. `cancel_and_wait` cancels again until the task has really ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from typing import Any

log = logging.getLogger(__name__)


async def cancel_and_wait(
    tasks: Iterable[asyncio.Task[Any]], *, every_seconds: float = 0.5, limit_seconds: float = 30.0
) -> None:
    """Cancel `tasks` and wait until each has ended, cancelling again every `every_seconds`;
    after `limit_seconds` the ones still running are logged and left."""
    pending = {t for t in tasks if not t.done()}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_seconds
    while pending and loop.time() < deadline:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=every_seconds)
    for task in pending:
        log.error("task did not stop", extra={"task": task.get_name()})
    for task in tasks:
        if task.done() and not task.cancelled():
            with contextlib.suppress(Exception):
                task.result()
