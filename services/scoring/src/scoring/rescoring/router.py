"""HTTP edge of re-scoring jobs: ask for one, read one, list them.

Scope: a job targets the organisation its body names (the province when it names none); reading
one is checked by `guard` through the `job_id` resolver; the list keeps the jobs of organisations
in the caller's subtree (province-wide jobs: province accounts only)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import col

from scoring.context import Ctx
from scoring.rescoring import service
from scoring.rescoring.models import RescoringJob
from scoring.rescoring.scheduled import nudge
from scoring.rescoring.schemas import RescoringJobIn, RescoringJobOut
from scoring.rollups.router import period_or_problem
from service_kit.uow import UnitOfWork
from service_kit.web.deps import Caller, IdempotencyKey, Runtime
from service_kit.web.idempotency import Created, create_once

router = APIRouter(prefix="/v1/rescoring-jobs", tags=["re-scoring"])
Status = Literal["queued", "running", "done", "failed"]


def out(job: RescoringJob) -> RescoringJobOut:
    return RescoringJobOut.model_validate(job.model_dump())


@router.post(
    "",
    status_code=202,
    response_model=RescoringJobOut,
    summary="Re-score a period under a rubric: a logged job, run in the background "
    "(Idempotency-Key)",
)
async def ask_for_job(
    body: RescoringJobIn,
    request: Request,
    ctx: Ctx,
    runtime: Runtime,
    access: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    if body.organisation_id is not None:
        await access.require(body.organisation_id)
    else:
        access.require_province()
    period = period_or_problem(body.period, "/period")
    rubric = service.target_rubric(ctx.rubrics.book, body.rubric_id, body.rubric_version)

    async def create(uow: UnitOfWork) -> Created:
        job = await service.create_job(
            uow,
            period=period,
            rubric=rubric,
            organisation_id=body.organisation_id,
            reason=body.reason,
            requested_by=access.principal.subject,
            now=runtime.clock.now(),
        )
        return Created(
            202, out(job).model_dump(mode="json"), location=f"/v1/rescoring-jobs/{job.id}"
        )

    response = await create_once(request, runtime, idempotency_key, body, create)
    nudge(ctx)
    return response


@router.get("/{job_id}", response_model=RescoringJobOut, summary="One re-scoring job and its log")
async def get_job(job_id: str, runtime: Runtime) -> RescoringJobOut:
    async with runtime.db.session() as session:
        return out(await service.get_job(session, job_id))


@router.get("", response_model=list[RescoringJobOut], summary="Re-scoring jobs, newest first")
async def list_jobs(
    runtime: Runtime,
    access: Caller,
    status: Status | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
) -> list[RescoringJobOut]:
    async with runtime.db.session() as session:
        jobs = await service.list_jobs(
            session,
            visible=lambda stmt: access.restrict(stmt, col(RescoringJob.organisation_id)),
            status=status,
            limit=limit,
        )
    return [out(job) for job in jobs]
