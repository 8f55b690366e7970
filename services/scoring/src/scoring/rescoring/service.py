"""Re-scoring jobs: record one (its subtree's branches fixed then), run it a batch per
transaction, read the log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.compliance.service import year_rolls
from scoring.meeting_scores.models import MeetingScore, MeetingScoreVersion
from scoring.meeting_scores.service import keep_beside, move_to_rubric
from scoring.rescoring import rules
from scoring.rescoring.models import RescoringJob
from scoring.rollups.periods import Period
from scoring.rubrics.active import ActiveRubrics
from scoring.rubrics.book import RubricBook
from scoring.rubrics.facts import longest_absence_runs
from scoring.rubrics.format import Rubric
from scoring.subtree import branches_in
from scoring.visible import Visible, everything
from service_kit.errors import FieldError, Invalid, NotFound
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork

FAILURES_KEPT = 200  # the first ones, with their reasons; `failed` counts them all
UNFINISHED = ("queued", "running")
MAX_RETRIES = 3
K = MeetingScoreVersion.__table__.c


def target_rubric(book: RubricBook, rubric_id: str, version: str | None) -> Rubric:
    """The version asked for, else the newest loaded version of that rubric; 422 if none."""
    pool = [r for r in book.rubrics if r.id == rubric_id and version in (None, r.version)]
    if not pool:
        loaded = ", ".join(sorted({f"{r.id} {r.version}" for r in book.rubrics}))
        detail = f"Không có bảng điểm {rubric_id} {version or ''}".rstrip() + f"; đang có: {loaded}"
        pointer = (
            "/rubric_version"
            if version and any(r.id == rubric_id for r in book.rubrics)
            else "/rubric_id"
        )
        raise Invalid("validation-error", detail, errors=[FieldError(pointer, detail)])
    return max(pool, key=lambda r: (r.effective_on, r.version))


async def create_job(
    uow: UnitOfWork,
    *,
    period: Period,
    rubric: Rubric,
    organisation_id: str | None,
    reason: str,
    requested_by: str,
    now: datetime,
) -> RescoringJob:
    branch_ids = None
    if organisation_id is not None:
        branch_ids = [b.id for b in await branches_in(uow.session, organisation_id, period)]
    job = RescoringJob(
        id=new_id(),
        period=period.label,
        starts_on=period.starts_on,
        ends_before=period.ends_before,
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        organisation_id=organisation_id,
        branch_ids=branch_ids,
        reason=reason,
        requested_by=requested_by,
        requested_at=now,
    )
    uow.session.add(job)
    await uow.session.flush()
    return job


async def next_job(session: AsyncSession, only: str | None = None) -> str | None:
    """The oldest job not finished (`only`: that one, if it is not finished)."""
    stmt = sa.select(RescoringJob.id).where(RescoringJob.status.in_(UNFINISHED))
    if only is not None:
        stmt = stmt.where(RescoringJob.id == only)
    stmt = stmt.order_by(RescoringJob.requested_at, RescoringJob.id).limit(1)
    return (await session.execute(stmt)).scalar_one_or_none()


async def _batch(session: AsyncSession, job: RescoringJob, size: int) -> Sequence[MeetingScore]:
    stmt = sa.select(MeetingScore).where(
        MeetingScore.held_on >= job.starts_on, MeetingScore.held_on < job.ends_before
    )
    if job.branch_ids is not None:
        stmt = stmt.where(MeetingScore.branch_id.in_(job.branch_ids))
    if job.cursor_branch_id is not None:
        stmt = stmt.where(
            sa.tuple_(MeetingScore.branch_id, MeetingScore.meeting_id)
            > sa.tuple_(sa.literal(job.cursor_branch_id), sa.literal(job.cursor_meeting_id))
        )
    stmt = stmt.order_by(MeetingScore.branch_id, MeetingScore.meeting_id).limit(size)
    return list((await session.execute(stmt.with_for_update())).scalars())


async def _absence_runs(session: AsyncSession, scores: Sequence[MeetingScore]) -> dict[str, int]:
    """Meeting id → its absence run, from the kept rolls of each branch-year in the batch."""
    runs: dict[str, int] = {}
    for branch_id, year in sorted({(s.branch_id, s.held_on.year) for s in scores}):
        runs.update(longest_absence_runs(await year_rolls(session, branch_id, year)))
    return runs


async def _kept_beside(
    session: AsyncSession, job: RescoringJob, scores: Sequence[MeetingScore]
) -> set[tuple[str, int]]:
    confirmed = [s.meeting_id for s in scores if s.confirmed_at is not None]
    if not confirmed:
        return set()
    rows = await session.execute(
        sa.select(K.meeting_id, K.score_version).where(
            K.meeting_id.in_(confirmed),
            K.kind == "beside_confirmed",
            K.rubric_id == job.rubric_id,
            K.rubric_version == job.rubric_version,
        )
    )
    return {(m, v) for m, v in rows.all()}


async def run_batch(
    uow: UnitOfWork, rubrics: ActiveRubrics, job_id: str, size: int, now: datetime
) -> bool:
    """One batch of the job, committed by the caller with the job's counts and cursor; True
    while meetings are left."""
    session = uow.session
    job = await session.get(RescoringJob, job_id, with_for_update=True, populate_existing=True)
    if job is None or job.status not in UNFINISHED:
        return False
    target = rubrics.book.get(job.rubric_id, job.rubric_version)
    if target is None:
        finish(job, now, error=f"bảng điểm {job.rubric_id} {job.rubric_version} không còn được nạp")
        return False
    if job.status == "queued":
        job.status, job.started_at = "running", now
    scores = await _batch(session, job, size)
    if not scores:
        finish(job, now)
        return False
    runs = await _absence_runs(session, scores)
    beside = await _kept_beside(session, job, scores)
    failures = list(job.failures)
    for score in scores:
        decision = rules.decide(
            target,
            current=(score.rubric_id, score.rubric_version),
            confirmed=score.confirmed_at is not None,
            kept_beside=(score.meeting_id, score.score_version) in beside,
            meeting_type=score.meeting_type,
            facts=score.facts,
            manual={
                "self": score.self_manual,
                "observer": score.observer_manual,
                "confirmed": score.confirmed_manual,
            },
            longest_absence_run=(
                runs[score.meeting_id]
                if score.meeting_id in runs
                else score.facts.get("longest_absence_run")  # no roll kept: as stored
            ),
        )
        if decision.action == "rescored":
            await move_to_rubric(uow, score, target, decision.facts, job.id, now)
        elif decision.action == "kept_confirmed":
            session.add(keep_beside(score, target, decision.facts, job.id, now))
        elif decision.action == "failed" and len(failures) < FAILURES_KEPT:
            failures.append(
                {
                    "meeting_id": score.meeting_id,
                    "branch_id": score.branch_id,
                    "reason": decision.reason,
                }
            )
        setattr(job, decision.action, getattr(job, decision.action) + 1)
        job.considered += 1
    job.failures, job.retries, job.error = failures, 0, None
    job.cursor_branch_id, job.cursor_meeting_id = scores[-1].branch_id, scores[-1].meeting_id
    session.add(job)
    return True


def finish(job: RescoringJob, now: datetime, error: str | None = None) -> None:
    job.status, job.finished_at, job.error = ("failed" if error else "done"), now, error


async def note_batch_error(uow: UnitOfWork, job_id: str, error: str, now: datetime) -> None:
    """A batch that raised was rolled back whole; the job resumes at its cursor, unless this
    has happened `MAX_RETRIES` times running: then it is marked failed, with the error."""
    job = await uow.session.get(RescoringJob, job_id, with_for_update=True)
    if job is None or job.status not in UNFINISHED:
        return
    job.retries += 1
    job.error = error[:1000]
    if job.retries >= MAX_RETRIES:
        finish(job, now, error=job.error)


async def get_job(session: AsyncSession, job_id: str) -> RescoringJob:
    job = await session.get(RescoringJob, job_id)
    if job is None:
        raise NotFound("rescoring-job-not-found", f"Không có lệnh chấm lại {job_id}.")
    return job


async def list_jobs(
    session: AsyncSession, *, visible: Visible = everything, status: str | None, limit: int
) -> list[RescoringJob]:
    stmt = visible(sa.select(RescoringJob)).order_by(
        RescoringJob.requested_at.desc(), RescoringJob.id.desc()
    )
    if status is not None:
        stmt = stmt.where(RescoringJob.status == status)
    return list((await session.execute(stmt.limit(limit))).scalars())
