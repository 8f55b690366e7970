"""The sweep for detectors that depend on time passing: a quarter ended without a thematic
meeting. Runs every `sweep_interval_seconds` on the injected clock; flags are raised once, so
replicas or restarts repeating a pass change nothing."""

from __future__ import annotations

import asyncio
import logging

from scoring.compliance.service import detect_missing_thematic
from scoring.policy import active_policy
from service_kit.runtime import ServiceRuntime

log = logging.getLogger(__name__)


async def sweep_once(runtime: ServiceRuntime) -> int:
    async with runtime.uow() as uow:
        raised = await detect_missing_thematic(uow, active_policy(), runtime.clock.now())
        await uow.commit()
    return raised


async def compliance_sweeper(runtime: ServiceRuntime) -> None:
    while True:
        try:
            raised = await sweep_once(runtime)
            if raised:
                log.info("compliance sweep", extra={"flags": raised})
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("compliance sweep failed; will try again")
        await asyncio.sleep(runtime.settings.sweep_interval_seconds)
