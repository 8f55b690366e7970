"""Scoring a submitted meeting: compute, store (latest meeting version wins), announce."""

from __future__ import annotations

from dataclasses import asdict

from event_contracts.events.meetings import MeetingSubmitted
from event_contracts.events.scoring import CriterionScore, MeetingScored
from scoring.meeting_scores import rules
from scoring.meeting_scores.models import MeetingScore
from service_kit.db import utcnow
from service_kit.uow import UnitOfWork


async def score_submitted_meeting(uow: UnitOfWork, facts: MeetingSubmitted) -> MeetingScore | None:
    """Returns the new score, or None when a later version of the meeting was already scored."""
    existing = await uow.session.get(MeetingScore, facts.meeting_id)
    if existing is not None and existing.meeting_version >= facts.aggregate_version:
        return None
    result = rules.score_meeting(facts)
    score = existing or MeetingScore(
        meeting_id=facts.meeting_id,
        score_version=0,
        branch_id=facts.branch_id,
        held_on=facts.held_on,
        meeting_type=facts.meeting_type,
        meeting_version=0,
        rubric_id="",
        rubric_version="",
        total_points=0,
        max_points=0,
        grade="",
        grade_reason="",
        criteria=[],
    )
    score.branch_id, score.held_on, score.meeting_type = (
        facts.branch_id,
        facts.held_on,
        facts.meeting_type,
    )
    score.meeting_version = facts.aggregate_version
    score.score_version += 1
    score.rubric_id, score.rubric_version = rules.RUBRIC_ID, rules.RUBRIC_VERSION
    score.total_points, score.max_points = result.total, result.max_total
    score.grade, score.grade_reason = result.grade, result.grade_reason
    score.criteria = [asdict(c) for c in result.criteria]
    score.scored_at = utcnow()
    uow.session.add(score)
    uow.emit(
        MeetingScored.produce(
            aggregate_version=score.score_version,
            meeting_id=score.meeting_id,
            branch_id=score.branch_id,
            meeting_version=score.meeting_version,
            rubric_id=score.rubric_id,
            rubric_version=score.rubric_version,
            total_points=score.total_points,
            max_points=score.max_points,
            grade=score.grade,
            criteria=[
                CriterionScore(code=c.code, points=c.points, max_points=c.max_points)
                for c in result.criteria
            ],
        ),
        subject=f"meetings/{score.meeting_id}/score",
    )
    return score
