"""The sweep for detectors that depend on time passing: a quarter ended without a thematic
meeting. Runs every `sweep_interval_seconds` on the injected clock; flags are raised once, so
replicas or restarts repeating a pass change nothing."""

from __future__ import annotations

from scoring.compliance.service import detect_missing_thematic
from scoring.context import ScoringContext
from service_kit.sweeper import periodic


async def sweep_once(ctx: ScoringContext) -> int:
    async with ctx.uow() as uow:
        raised = await detect_missing_thematic(uow, ctx.policy, ctx.now())
        await uow.commit()
    return raised


compliance_sweeper = periodic(
    "compliance-sweep", sweep_once, interval=lambda ctx: ctx.settings.sweep_interval_seconds
)
