"""HTTP edge of meeting scores."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from scoring.meeting_scores.models import MeetingScore
from service_kit.runtime import ServiceRuntime
from service_kit.web.app import get_runtime
from service_kit.web.problems import Problem

router = APIRouter(prefix="/v1/meeting-scores", tags=["meeting scores"])


class MeetingScoreOut(BaseModel):
    meeting_id: str
    branch_id: str
    held_on: date
    meeting_version: int
    score_version: int
    rubric_id: str
    rubric_version: str
    total_points: float
    max_points: float
    grade: str
    grade_reason: str
    criteria: list[dict[str, Any]]
    scored_at: datetime


@router.get(
    "/{meeting_id}",
    response_model=MeetingScoreOut,
    summary="The score of a meeting, criterion by criterion with explanations",
)
async def get_score(
    meeting_id: str, runtime: ServiceRuntime = Depends(get_runtime)
) -> MeetingScoreOut:
    async with runtime.db.session() as session:
        score = await session.get(MeetingScore, meeting_id)
    if score is None:
        raise Problem(
            404,
            "score-not-found",
            f"Chưa có điểm cho cuộc họp {meeting_id} (có thể đang được chấm).",
        )
    return MeetingScoreOut.model_validate(score, from_attributes=True)
