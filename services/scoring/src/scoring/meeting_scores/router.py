"""HTTP edge of meeting scores: read a score and the scores kept beside it, confirm it
(superior committee).

Scope: the meeting's branch, checked by `guard` through the `meeting_id` resolver."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from scoring.context import Ctx
from scoring.formality.models import MeetingFormality
from scoring.formality.service import formality_out
from scoring.meeting_scores import service
from scoring.meeting_scores.models import MeetingScore, UnscoredMeeting
from scoring.meeting_scores.schemas import (
    ConfirmationIn,
    MeetingScoreOut,
    ScoreVersionOut,
    SheetOut,
    UnscoredMeetingOut,
)
from service_kit.uow import UnitOfWork
from service_kit.web.access import superior
from service_kit.web.deps import IdempotencyKey, Runtime
from service_kit.web.idempotency import Created, create_once
from service_kit.web.problems import Problem

router = APIRouter(prefix="/v1/meeting-scores", tags=["meeting scores"])


def _sheet(
    total: float | None, grade: str | None, manual: dict[str, float] | None, self_total: float
) -> SheetOut | None:
    if total is None or grade is None or manual is None:
        return None
    return SheetOut(
        total_points=total,
        grade=grade,
        difference_to_self=round(total - self_total, 2),
        manual_points=manual,
    )


def score_out(score: MeetingScore, formality: MeetingFormality | None = None) -> MeetingScoreOut:
    own = _sheet(score.self_total, score.self_grade, score.self_manual, score.self_total)
    assert own is not None
    return MeetingScoreOut(
        **score.model_dump(
            include=set(MeetingScoreOut.model_fields)
            - {"self_score", "observer_score", "confirmed_score", "formality"}
        ),
        formality=formality_out(formality),
        self_score=own,
        observer_score=_sheet(
            score.observer_total, score.observer_grade, score.observer_manual, score.self_total
        ),
        confirmed_score=_sheet(
            score.confirmed_total, score.confirmed_grade, score.confirmed_manual, score.self_total
        ),
    )


@router.get(
    "/{meeting_id}",
    response_model=MeetingScoreOut | UnscoredMeetingOut,
    summary="The score of a meeting, criterion by criterion with explanations (or, for a "
    "meeting held before every rubric, `status: no_rubric` and why)",
)
async def get_score(meeting_id: str, runtime: Runtime) -> MeetingScoreOut | UnscoredMeetingOut:
    async with runtime.db.session() as session:
        score = await session.get(MeetingScore, meeting_id)
        unscored = None if score else await session.get(UnscoredMeeting, meeting_id)
        formality = await session.get(MeetingFormality, meeting_id) if score else None
    if unscored is not None:
        return UnscoredMeetingOut.model_validate(unscored, from_attributes=True)
    if score is None:
        raise Problem(
            404,
            "score-not-found",
            f"Chưa có điểm cho cuộc họp {meeting_id} (có thể đang được chấm).",
        )
    return score_out(score, formality)


@router.get(
    "/{meeting_id}/versions",
    response_model=list[ScoreVersionOut],
    summary="Scores kept beside the current one by re-scoring jobs (under other rubrics), oldest "
    "first",
)
async def get_versions(meeting_id: str, runtime: Runtime) -> list[ScoreVersionOut]:
    async with runtime.db.session() as session:
        if await session.get(MeetingScore, meeting_id) is None:
            raise Problem(404, "score-not-found", f"Chưa có điểm cho cuộc họp {meeting_id}.")
        kept = await service.kept_versions(session, meeting_id)
    return [ScoreVersionOut.model_validate(k, from_attributes=True) for k in kept]


@router.post(
    "/{meeting_id}/confirmation",
    status_code=201,
    dependencies=[Depends(superior)],
    response_model=MeetingScoreOut,
    summary="The superior committee confirms the score (Idempotency-Key required)",
)
async def confirm(
    meeting_id: str,
    body: ConfirmationIn,
    request: Request,
    runtime: Runtime,
    ctx: Ctx,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async def create(uow: UnitOfWork) -> Created:
        score = await service.confirm_score(
            uow, ctx.rubrics, meeting_id, body.points, body.reason, ctx.now()
        )
        return Created(
            201,
            score_out(score).model_dump(mode="json"),
            location=f"/v1/meeting-scores/{meeting_id}",
        )

    return await create_once(request, runtime, idempotency_key, body, create)
