"""The loop every sweeper and scheduler runs: one pass, a log line when it did something, a
pause, forever — a failed pass is logged and tried again, never the end of the task.

`periodic("request-sweep", sweep_once, interval=…)` turns a pass (`ctx → items handled`) into a
background task of the runtime. Each pass is counted in `chibo_sweep_passes_total` by outcome
and its items in `chibo_sweep_items_total`, so a stuck or failing sweeper shows on /metrics.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from service_kit import metrics
from service_kit.context import ServiceContext

log = logging.getLogger(__name__)
C = TypeVar("C", bound=ServiceContext)


def periodic(
    name: str,
    once: Callable[[C], Awaitable[int]],
    *,
    interval: Callable[[C], float],
    wakeup: Callable[[C], asyncio.Event] | None = None,
) -> Callable[[C], Coroutine[Any, Any, None]]:
    """A background task running `once` every `interval(ctx)` seconds, or sooner when the
    event `wakeup(ctx)` is set (a new job arrived)."""

    async def run(ctx: C) -> None:
        event = wakeup(ctx) if wakeup is not None else None
        while True:
            if event is not None:
                event.clear()
            try:
                done = await once(ctx)
            except asyncio.CancelledError:
                raise
            except Exception:
                metrics.SWEEP_PASSES.labels(ctx.runtime.name, name, "failed").inc()
                log.exception("sweep failed; will try again", extra={"sweep": name})
            else:
                metrics.SWEEP_PASSES.labels(ctx.runtime.name, name, "ok").inc()
                if done:
                    metrics.SWEEP_ITEMS.labels(ctx.runtime.name, name).inc(done)
                    log.info("sweep", extra={"sweep": name, "count": done})
            if event is None:
                await asyncio.sleep(interval(ctx))
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), interval(ctx))

    run.__name__ = run.__qualname__ = name
    return run
