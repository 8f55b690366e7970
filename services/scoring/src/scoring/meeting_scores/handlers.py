"""Event edge of meeting scores: translate events into service calls."""

from __future__ import annotations

from event_contracts import CloudEvent, EventData
from event_contracts.events.meetings import MeetingSubmitted, ObserverReportFiled
from scoring.compliance.service import detect_after_meeting, record_observer_report, record_roll
from scoring.context import ScoringContext
from scoring.meeting_scores.models import UnscoredMeeting
from scoring.meeting_scores.service import record_observer_score, score_submitted_meeting
from service_kit.uow import UnitOfWork


async def on_meeting_submitted(
    ctx: ScoringContext, uow: UnitOfWork, event: CloudEvent, data: EventData
) -> None:
    """Submitted and amended alike: the record as it now stands (the latest version wins); its
    roll is kept for the detectors, which run in the same transaction. A meeting held before
    every rubric is recorded unscored with the reason (never dead-lettered)."""
    assert isinstance(data, MeetingSubmitted)
    score = await score_submitted_meeting(uow, ctx.rubrics, data)
    if score is None:
        return
    await record_roll(uow, data)
    if isinstance(score, UnscoredMeeting):
        return  # no rubric in force: the roll is kept, the score-based detectors do not run
    await detect_after_meeting(uow, ctx.policy, score, data, event.time)


async def on_observer_report_filed(
    ctx: ScoringContext, uow: UnitOfWork, _event: CloudEvent, data: EventData
) -> None:
    assert isinstance(data, ObserverReportFiled)
    await record_observer_score(uow, ctx.rubrics, data)
    await record_observer_report(uow, data)
