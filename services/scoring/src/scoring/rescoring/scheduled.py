"""The runner of re-scoring jobs: oldest unfinished job first, a batch per transaction.

Started with the service; woken at once when a job is asked for, else every
`sweep_interval_seconds`. A job cut off by a crash or a restart is `running` with its cursor at
the last committed batch, and the next pass resumes it there; two replicas take turns on a job
(its row is locked for each batch)."""

from __future__ import annotations

import logging

from scoring.context import ScoringContext
from scoring.rescoring import service
from service_kit.sweeper import periodic

log = logging.getLogger(__name__)


def nudge(ctx: ScoringContext) -> None:
    """A job was just asked for: run it now rather than at the next sweep."""
    ctx.rescoring_wakeup.set()


async def run_pending(
    ctx: ScoringContext, *, only: str | None = None, batches: int | None = None
) -> int:
    """Runs unfinished jobs (`only`: that one) until none is left or `batches` have run;
    returns the batches run."""
    ran = 0
    batch_size = ctx.scoring_settings.rescoring_batch_size
    while batches is None or ran < batches:
        async with ctx.db.session() as session:
            job_id = await service.next_job(session, only)
        if job_id is None:
            return ran
        try:
            async with ctx.uow(correlation_id=job_id) as uow:
                await service.run_batch(uow, ctx.rubrics, job_id, batch_size, ctx.now())
                await uow.commit()
        except Exception as exc:
            log.exception("rescoring batch failed", extra={"job_id": job_id})
            async with ctx.uow() as uow:
                await service.note_batch_error(
                    uow, job_id, f"{type(exc).__name__}: {exc}", ctx.now()
                )
                await uow.commit()
        ran += 1
    return ran


rescoring_runner = periodic(
    "rescoring",
    run_pending,
    interval=lambda ctx: ctx.settings.sweep_interval_seconds,
    wakeup=lambda ctx: ctx.rescoring_wakeup,
)
