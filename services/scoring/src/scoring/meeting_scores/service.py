"""Meeting scores: score a submitted meeting (latest version wins), confirm a score, announce."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.events.meetings import MeetingSubmitted, ObserverReportFiled
from event_contracts.events.scoring import CriterionScore, MeetingScoreConfirmed, MeetingScored
from scoring import metrics
from scoring.compliance.service import year_rolls
from scoring.meeting_scores import rules
from scoring.meeting_scores.models import (
    MeetingCriterionScore,
    MeetingScore,
    MeetingScoreVersion,
    UnscoredMeeting,
)
from scoring.rubrics.active import ActiveRubrics
from scoring.rubrics.book import NoRubric
from scoring.rubrics.engine import facts_of
from scoring.rubrics.facts import (
    FactValue,
    RollRecord,
    absence_facts,
    longest_absence_runs,
    roll_record,
)
from scoring.rubrics.format import Rubric
from scoring.subtree import province_code_of
from service_kit.errors import (
    Conflict,
    FieldError,
    Invalid,
    NotFound,
    PermanentError,
    TransientError,
)
from service_kit.uow import UnitOfWork

log = logging.getLogger(__name__)
S = MeetingScore.__table__.c


def _pinned(rubrics: ActiveRubrics, score: MeetingScore) -> Rubric:
    rubric = rubrics.book.get(score.rubric_id, score.rubric_version)
    if rubric is None:
        # A published rubric version is never removed while scores point at it.
        raise PermanentError(f"rubric {score.rubric_id} {score.rubric_version} is not loaded")
    return rubric


# Built once (bind parameters): these run for every meeting scored.
_CRITERIA = MeetingCriterionScore.__table__
_DELETE_CRITERIA = sa.delete(_CRITERIA).where(_CRITERIA.c.meeting_id == sa.bindparam("meeting_id"))
_INSERT_CRITERIA = sa.insert(_CRITERIA)
_LATER_FACTS = (
    sa.select(S.meeting_id, S.facts)
    .where(
        S.branch_id == sa.bindparam("branch_id"),
        S.held_on >= sa.bindparam("starts_on"),
        S.held_on < sa.bindparam("ends_before"),
        S.meeting_id != sa.bindparam("meeting_id"),
    )
    .with_for_update()
)


async def _store(uow: UnitOfWork, score: MeetingScore, rubric: Rubric) -> rules.Sheets:
    """Recompute every sheet from the stored facts and manual points; replace criteria rows."""
    found = rules.sheets(
        rubric,
        score.meeting_type,
        score.facts,
        score.self_manual,
        score.observer_manual,
        score.confirmed_manual,
    )
    official = found.official
    score.total_points, score.max_points = official.total, official.max_total
    score.grade, score.grade_reason = official.grade, official.grade_reason
    score.official_source = found.official_source
    score.criteria = rules.criteria_entries(found)
    score.self_total, score.self_grade = found.self.total, found.self.grade
    if found.observer is not None:
        score.observer_total, score.observer_grade = found.observer.total, found.observer.grade
    if found.confirmed is not None:
        score.confirmed_total, score.confirmed_grade = found.confirmed.total, found.confirmed.grade
    score.score_version += 1
    score.scored_at = uow.now()
    uow.session.add(score)
    await uow.session.flush()
    # Core statements (executemany), not ORM objects: this runs for every meeting scored.
    if score.score_version > 1:
        await uow.session.execute(_DELETE_CRITERIA, {"meeting_id": score.meeting_id})
    await uow.session.execute(
        _INSERT_CRITERIA,
        [
            {
                "meeting_id": score.meeting_id,
                "code": c.code,
                "name": c.name,
                "points": c.points,
                "max_points": c.max_points,
            }
            for c in official.criteria
        ],
    )
    return found


def _criteria_out(score: MeetingScore) -> list[CriterionScore]:
    return [
        CriterionScore(code=c["code"], points=c["points"], max_points=c["max_points"])
        for c in score.criteria
    ]


def announce(uow: UnitOfWork, score: MeetingScore, rescoring_job_id: str | None = None) -> None:
    """`scoring.meeting.scored.v1` for the official score as it now stands."""
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
            criteria=_criteria_out(score),
            rescoring_job_id=rescoring_job_id,
        ),
        subject=f"meetings/{score.meeting_id}/score",
    )
    uow.after_commit(metrics.SCORED.labels(score.grade or "none").inc)


async def _refresh_absence_runs(
    uow: UnitOfWork,
    rubrics: ActiveRubrics,
    changed: MeetingSubmitted,
    rolls: list[RollRecord],
    since: date,
) -> None:
    """A roll changes the absence runs of the branch's later meetings that year (from `since`,
    the earlier of its old and new date): rescore those whose run facts differ, so the scores
    do not depend on the order the meetings arrived in. `rolls`: the year's, `changed`'s new."""
    year = changed.held_on.year
    first, end = max(since, date(year, 1, 1)), date(year + 1, 1, 1)
    # Only a meeting with a kept roll has runs to compare, and a score's date is its roll's (both
    # are written from the same version): with no such roll in the window there is nothing to
    # read — the common case of meetings arriving in date order.
    if not any(first <= r.held_on < end and r.meeting_id != changed.meeting_id for r in rolls):
        return
    runs = longest_absence_runs(rolls)
    # Ids and facts first (no ORM objects): most of these meetings keep their runs.
    later = await uow.session.execute(
        _LATER_FACTS,
        {
            "branch_id": changed.branch_id,
            "starts_on": first,
            "ends_before": end,
            "meeting_id": changed.meeting_id,
        },
    )
    for meeting_id, facts in later.all():
        if not facts or meeting_id not in runs:
            continue
        fresh = absence_facts(runs[meeting_id])
        if all(facts.get(name) == value for name, value in fresh.items()):
            continue
        score = await uow.session.get(MeetingScore, meeting_id)
        assert score is not None  # locked by the select above
        score.facts = {**score.facts, **fresh}
        await _store(uow, score, _pinned(rubrics, score))
        announce(uow, score)


async def _record_unscored(
    uow: UnitOfWork,
    meeting: MeetingSubmitted,
    stored: UnscoredMeeting | None,
    province_code: str | None,
    reason: str,
) -> UnscoredMeeting:
    row = stored or UnscoredMeeting(
        meeting_id=meeting.meeting_id,
        branch_id=meeting.branch_id,
        held_on=meeting.held_on,
        meeting_type=meeting.meeting_type,
        meeting_version=meeting.aggregate_version,
        reason=reason,
    )
    row.branch_id, row.held_on = meeting.branch_id, meeting.held_on
    row.meeting_type, row.meeting_version = meeting.meeting_type, meeting.aggregate_version
    row.province_code, row.reason, row.recorded_at = province_code, reason, uow.now()
    uow.session.add(row)
    uow.after_commit(metrics.UNSCORED.inc)
    return row


async def score_submitted_meeting(
    uow: UnitOfWork, rubrics: ActiveRubrics, meeting: MeetingSubmitted
) -> MeetingScore | UnscoredMeeting | None:
    """Returns the new score; the meeting recorded unscored when no rubric was in force on its
    date (with the reason, never an error); None when a later version was already handled.

    The rubric is chosen once, at the first version scored, by the meeting's date and its
    branch's province (from the tree replica); amendments keep it, and so does a
    confirmation, so a rubric change never rewrites a stored score (only an explicit re-scoring
    job moves a score to another rubric, `scoring.rescoring`). The absence-run facts come from
    the branch's kept rolls of the year; the later meetings they change are rescored too.
    """
    existing = await uow.session.get(MeetingScore, meeting.meeting_id, with_for_update=True)
    if existing is not None and existing.meeting_version >= meeting.aggregate_version:
        return None
    unscored = None
    if existing is None:
        unscored = await uow.session.get(UnscoredMeeting, meeting.meeting_id, with_for_update=True)
        if unscored is not None and unscored.meeting_version >= meeting.aggregate_version:
            return None
    earlier = existing or unscored
    since = min(meeting.held_on, earlier.held_on if earlier else meeting.held_on)
    rolls = await year_rolls(uow.session, meeting.branch_id, meeting.held_on.year)
    own = [r for r in rolls if r.meeting_id != meeting.meeting_id] + [roll_record(meeting)]
    if existing is not None:
        rubric = _pinned(rubrics, existing)
    else:
        province = (  # one recursive query up the replica, unless one rubric scores everything
            None
            if rubrics.rubric_id
            else await province_code_of(uow.session, meeting.branch_id, meeting.held_on)
        )
        try:
            rubric = rubrics.for_meeting(meeting.held_on, province)
        except NoRubric as exc:
            row = await _record_unscored(uow, meeting, unscored, province, str(exc))
            await _refresh_absence_runs(uow, rubrics, meeting, own, since)
            return row
        if unscored is not None:  # an amendment moved it to a date a rubric covers
            await uow.session.delete(unscored)
    facts = facts_of(rubric, meeting, rolls)
    score = existing or MeetingScore(
        meeting_id=meeting.meeting_id,
        score_version=0,
        branch_id=meeting.branch_id,
        held_on=meeting.held_on,
        meeting_type=meeting.meeting_type,
        meeting_version=meeting.aggregate_version,
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        total_points=0,
        max_points=0,
        grade="",
        grade_reason="",
        criteria=[],
    )
    score.branch_id, score.held_on = meeting.branch_id, meeting.held_on
    score.meeting_type, score.meeting_version = meeting.meeting_type, meeting.aggregate_version
    score.facts = facts
    score.present_count = int(facts["present_count"] or 0)
    score.counted_count = int(facts["counted_count"] or 0)
    score.self_manual = dict(meeting.self_score)
    await _store(uow, score, rubric)
    announce(uow, score)
    await _refresh_absence_runs(uow, rubrics, meeting, own, since)
    return score


async def confirm_score(
    uow: UnitOfWork,
    rubrics: ActiveRubrics,
    meeting_id: str,
    points: Mapping[str, float],
    reason: str,
    now: datetime,
) -> MeetingScore:
    """The superior committee's manual points become the official score, once."""
    score = await uow.session.get(MeetingScore, meeting_id, with_for_update=True)
    if score is None:
        raise NotFound("score-not-found", f"Chưa có điểm cho cuộc họp {meeting_id}.")
    if score.confirmed_at is not None:
        raise Conflict(
            "score-already-confirmed",
            f"Điểm cuộc họp {meeting_id} đã được cấp trên xác nhận lúc "
            f"{score.confirmed_at.isoformat()}.",
        )
    if not score.facts:
        raise Conflict(
            "score-without-facts",
            f"Điểm cuộc họp {meeting_id} được chấm trước khi lưu dữ kiện; cần chấm lại trước khi "
            "xác nhận.",
        )
    rubric = _pinned(rubrics, score)
    errors = rules.manual_point_errors(rubric, score.meeting_type, points)
    if errors:
        raise Invalid(
            "validation-error",
            "Điểm xác nhận không khớp các mục chấm tay của bảng điểm: "
            + ", ".join(key for key, _ in errors),
            errors=[FieldError(f"/points/{key}", message) for key, message in errors],
        )
    score.confirmed_manual = dict(points)
    score.confirmation_reason = reason
    score.confirmed_at = now
    await _store(uow, score, rubric)
    uow.emit(
        MeetingScoreConfirmed.produce(
            aggregate_version=score.score_version,
            meeting_id=score.meeting_id,
            branch_id=score.branch_id,
            meeting_version=score.meeting_version,
            rubric_id=score.rubric_id,
            rubric_version=score.rubric_version,
            total_points=score.total_points,
            self_total_points=score.self_total,
            max_points=score.max_points,
            grade=score.grade,
            reason=reason,
            criteria=_criteria_out(score),
        ),
        subject=f"meetings/{score.meeting_id}/score",
    )
    return score


async def record_observer_score(
    uow: UnitOfWork, rubrics: ActiveRubrics, report: ObserverReportFiled
) -> MeetingScore | None:
    """The observer's manual points sit beside the self-score: those on the items the meeting's
    rubric marks as observer-scored, whatever their codes (C3–C5, N1–N5, H1…); any other key
    is left out and logged. None for a meeting recorded unscored (no rubric, nothing to add)."""
    score = await uow.session.get(MeetingScore, report.meeting_id, with_for_update=True)
    if score is None:
        if await uow.session.get(UnscoredMeeting, report.meeting_id) is not None:
            return None
        # The report overtook the meeting itself on the bus: try again shortly.
        raise TransientError(f"meeting {report.meeting_id} not scored yet")
    rubric = _pinned(rubrics, score)
    allowed = rubric.observer_items(score.meeting_type)
    ignored = sorted(set(report.scores) - set(allowed))
    if ignored:
        log.warning(
            "observer scores outside the rubric's observer items ignored",
            extra={"meeting_id": score.meeting_id, "rubric": rubric.id, "keys": ignored},
        )
    score.observer_manual = {k: v for k, v in report.scores.items() if k in allowed}
    await _store(uow, score, rubric)
    return score


def _kept(score: MeetingScore, kind: str, job_id: str, now: datetime) -> MeetingScoreVersion:
    return MeetingScoreVersion(
        meeting_id=score.meeting_id,
        branch_id=score.branch_id,
        kind=kind,
        score_version=score.score_version,
        meeting_version=score.meeting_version,
        rubric_id=score.rubric_id,
        rubric_version=score.rubric_version,
        total_points=score.total_points,
        max_points=score.max_points,
        grade=score.grade,
        grade_reason=score.grade_reason,
        official_source=score.official_source,
        self_total=score.self_total,
        observer_total=score.observer_total,
        confirmed_total=score.confirmed_total,
        criteria=score.criteria,
        facts=score.facts,
        job_id=job_id,
        recorded_at=now,
    )


async def move_to_rubric(
    uow: UnitOfWork,
    score: MeetingScore,
    rubric: Rubric,
    facts: Mapping[str, FactValue],
    job_id: str,
    now: datetime,
) -> None:
    """A re-scoring job's new official score: the current one is kept as it stands
    (`superseded`), the meeting is pinned to `rubric` from now on, and the change announced."""
    uow.session.add(_kept(score, "superseded", job_id, now))
    score.rubric_id, score.rubric_version = rubric.id, rubric.version
    score.facts = dict(facts)
    await _store(uow, score, rubric)
    announce(uow, score, rescoring_job_id=job_id)


def keep_beside(
    score: MeetingScore,
    rubric: Rubric,
    facts: Mapping[str, FactValue],
    job_id: str,
    now: datetime,
) -> MeetingScoreVersion:
    """A confirmed score stays official: the job's score under `rubric` (every sheet, the
    confirmed manual points included) is kept beside it, and nothing is announced."""
    found = rules.sheets(
        rubric,
        score.meeting_type,
        facts,
        score.self_manual,
        score.observer_manual,
        score.confirmed_manual,
    )
    official = found.official
    return MeetingScoreVersion(
        meeting_id=score.meeting_id,
        branch_id=score.branch_id,
        kind="beside_confirmed",
        score_version=score.score_version,
        meeting_version=score.meeting_version,
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        total_points=official.total,
        max_points=official.max_total,
        grade=official.grade,
        grade_reason=official.grade_reason,
        official_source=found.official_source,
        self_total=found.self.total,
        observer_total=found.observer.total if found.observer else None,
        confirmed_total=found.confirmed.total if found.confirmed else None,
        criteria=rules.criteria_entries(found),
        facts=dict(facts),
        job_id=job_id,
        recorded_at=now,
    )


async def kept_versions(session: AsyncSession, meeting_id: str) -> list[MeetingScoreVersion]:
    stmt = (
        sa.select(MeetingScoreVersion)
        .where(MeetingScoreVersion.meeting_id == meeting_id)
        .order_by(MeetingScoreVersion.recorded_at, MeetingScoreVersion.id)
    )
    return list((await session.execute(stmt)).scalars())
