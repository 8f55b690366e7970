"""`python -m scoring rescore --period 2026-Q3 --rubric-id … --reason …`: record a re-scoring job
and run it in this process (the service's runner would take it otherwise); prints the log."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Callable

from fastapi import FastAPI

from scoring.context import ScoringContext
from scoring.rescoring import service
from scoring.rescoring.models import RescoringJob
from scoring.rescoring.scheduled import run_pending
from scoring.rollups.periods import PeriodError, parse_period
from service_kit.errors import DomainError
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--period", required=True, help="2026-07, 2026-Q3, 2026-H2 or 2026")
    parser.add_argument("--rubric-id", required=True, help="e.g. hd42-default")
    parser.add_argument("--rubric-version", help="default: the newest loaded version")
    parser.add_argument("--organisation-id", help="only its subtree; default: the province")
    parser.add_argument("--reason", required=True, help="why (kept in the job's log)")


def command(
    app_factory: Callable[[ServiceSettings], FastAPI],
) -> tuple[str, Callable[[argparse.ArgumentParser], None], Callable[..., int]]:
    def run(settings: ServiceSettings, args: argparse.Namespace) -> int:
        async def go() -> RescoringJob:
            runtime: ServiceRuntime = app_factory(settings).state.runtime
            ctx = runtime.context
            assert isinstance(ctx, ScoringContext)
            try:
                async with runtime.uow() as uow:
                    job = await service.create_job(
                        uow,
                        period=parse_period(args.period),
                        rubric=service.target_rubric(
                            ctx.rubrics.book, args.rubric_id, args.rubric_version
                        ),
                        organisation_id=args.organisation_id,
                        reason=args.reason,
                        requested_by=f"cli:{getpass.getuser()}",
                        now=runtime.clock.now(),
                    )
                    await uow.commit()
                await run_pending(ctx, only=job.id)
                async with runtime.db.session() as session:
                    return await service.get_job(session, job.id)
            finally:
                await runtime.db.dispose()

        try:
            job = asyncio.run(go())
        except (PeriodError, DomainError) as exc:
            print(f"Không chấm lại được: {exc}", file=sys.stderr)
            return 2
        print(json.dumps(job.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return 0 if job.status == "done" else 1

    return ("re-score a period under a rubric (a logged job, run here)", configure, run)
