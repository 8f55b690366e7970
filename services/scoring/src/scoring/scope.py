"""Which organisation each resource in a path belongs to, for subtree scope checks."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from scoring.classification.models import Classification
from scoring.classification.service import classification_id
from scoring.meeting_scores.models import MeetingScore, UnscoredMeeting
from scoring.rankings.models import Ranking
from scoring.rescoring.models import RescoringJob
from service_kit.web.access import PROVINCE, Resolvers, itself


async def _meeting(session: AsyncSession, meeting_id: str, _: Mapping[str, str]) -> str | None:
    """A meeting belongs to its branch, scored or recorded unscored (no rubric)."""
    score = await session.get(MeetingScore, meeting_id)
    if score is not None:
        return score.branch_id
    unscored = await session.get(UnscoredMeeting, meeting_id)
    return unscored.branch_id if unscored else None


async def _ranking(session: AsyncSession, ranking_id: str, _: Mapping[str, str]) -> str | None:
    ranking = await session.get(Ranking, ranking_id)
    return ranking.organisation_id if ranking else None


async def _job(session: AsyncSession, job_id: str, _: Mapping[str, str]) -> str | None:
    """A job belongs to the organisation it was asked for, a province-wide one to the province."""
    job = await session.get(RescoringJob, job_id)
    if job is None:
        return None
    return job.organisation_id or PROVINCE


async def _subject(session: AsyncSession, subject_id: str, params: Mapping[str, str]) -> str | None:
    """A branch or a grassroots organisation is its own target; a member belongs to the branch
    stored on the row (a row without one is the province's); anything else is left to the
    handler (404 / 422)."""
    subject_type = params.get("subject_type")
    if subject_type in ("branch", "organisation"):
        return subject_id
    if subject_type != "member" or not params.get("year", "").isdigit():
        return None
    row = await session.get(
        Classification, classification_id(int(params["year"]), "member", subject_id)
    )
    if row is None:
        return None
    return row.branch_id or PROVINCE


RESOLVERS: Resolvers = {
    "meeting_id": _meeting,
    "ranking_id": _ranking,
    "job_id": _job,
    "branch_id": itself,
    "organisation_id": itself,
    "subject_id": _subject,
    "year": None,
    "subject_type": None,
}
