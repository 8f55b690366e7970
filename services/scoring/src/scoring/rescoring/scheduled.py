"""The runner of re-scoring jobs: oldest unfinished job first, a batch per transaction.

Started with the service; woken at once when a job is asked for, else every
`sweep_interval_seconds`. A job cut off by a crash or a restart is `running` with its cursor at
the last committed batch, and the next pass resumes it there; two replicas take turns on a job
(its row is locked for each batch)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from weakref import WeakKeyDictionary

from scoring.rescoring import service
from scoring.rubrics.active import active
from scoring.settings import ScoringSettings
from service_kit.runtime import ServiceRuntime

log = logging.getLogger(__name__)
_wakeups: WeakKeyDictionary[ServiceRuntime, asyncio.Event] = WeakKeyDictionary()


def _wakeup(runtime: ServiceRuntime) -> asyncio.Event:
    return _wakeups.setdefault(runtime, asyncio.Event())


def nudge(runtime: ServiceRuntime) -> None:
    """A job was just asked for: run it now rather than at the next sweep."""
    _wakeup(runtime).set()


def batch_size(runtime: ServiceRuntime) -> int:
    settings = runtime.settings
    return settings.rescoring_batch_size if isinstance(settings, ScoringSettings) else 200


async def run_pending(
    runtime: ServiceRuntime, *, only: str | None = None, batches: int | None = None
) -> int:
    """Runs unfinished jobs (`only`: that one) until none is left or `batches` have run;
    returns the batches run."""
    ran = 0
    while batches is None or ran < batches:
        async with runtime.db.session() as session:
            job_id = await service.next_job(session, only)
        if job_id is None:
            return ran
        try:
            async with runtime.uow(correlation_id=job_id) as uow:
                await service.run_batch(
                    uow, active(), job_id, batch_size(runtime), runtime.clock.now()
                )
                await uow.commit()
        except Exception as exc:
            log.exception("rescoring batch failed", extra={"job_id": job_id})
            async with runtime.uow() as uow:
                await service.note_batch_error(
                    uow, job_id, f"{type(exc).__name__}: {exc}", runtime.clock.now()
                )
                await uow.commit()
        ran += 1
    return ran


async def rescoring_runner(runtime: ServiceRuntime) -> None:
    wakeup = _wakeup(runtime)
    while True:
        wakeup.clear()
        try:
            await run_pending(runtime)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("rescoring runner failed; will try again")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wakeup.wait(), runtime.settings.sweep_interval_seconds)
