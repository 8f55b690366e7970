"""The dry run: each stored score of the subtree and period, judged by the rubric that would
be in force on `as_of` for its branch (the branch's province that day), exactly as a re-scoring
job would judge it (`rescoring.rules.decide`), read-only: one read session, nothing added."""

from __future__ import annotations

from collections import Counter
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from scoring.dryrun.schemas import (
    CriterionChangeOut,
    DryRunMeetingOut,
    DryRunOut,
    SheetResultOut,
)
from scoring.meeting_scores.models import MeetingScore
from scoring.reports.vietnamese import criterion_label, period_label
from scoring.rescoring import rules
from scoring.rollups.periods import Period
from scoring.rubrics.active import ActiveRubrics
from scoring.rubrics.engine import evaluate
from scoring.subtree import branches_in, province_code_of

LIMIT = 5000


async def dry_run(
    session: AsyncSession,
    rubrics: ActiveRubrics,
    organisation_id: str,
    period: Period,
    as_of: date,
) -> DryRunOut:
    branches = await branches_in(session, organisation_id, period)
    scores = list(
        (
            await session.execute(
                sa.select(MeetingScore)
                .where(
                    col(MeetingScore.branch_id).in_([b.id for b in branches]),
                    col(MeetingScore.held_on) >= period.starts_on,
                    col(MeetingScore.held_on) < period.ends_before,
                )
                .order_by(col(MeetingScore.branch_id), col(MeetingScore.held_on))
                .limit(LIMIT + 1)
            )
        ).scalars()
    )
    truncated = len(scores) > LIMIT
    scores = scores[:LIMIT]
    provinces = {
        b: await province_code_of(session, b, as_of) for b in sorted({s.branch_id for s in scores})
    }
    out: list[DryRunMeetingOut] = []
    for score in scores:
        target = rubrics.for_meeting(as_of, provinces[score.branch_id])
        official = score.confirmed_manual if score.confirmed_at else score.self_manual
        decision = rules.decide(
            target,
            current=(score.rubric_id, score.rubric_version),
            confirmed=False,  # the question is what the rubric says, confirmed or not
            kept_beside=False,
            meeting_type=score.meeting_type,
            facts=score.facts,
            # Manual points are applied below as the real scoring applies them (an item the
            # sheet lacks counts 0), not refused as a re-scoring job refuses them.
            manual={},
            longest_absence_run=score.facts.get("longest_absence_run"),
        )
        current = SheetResultOut(
            rubric_id=score.rubric_id,
            rubric_version=score.rubric_version,
            total_points=score.total_points,
            grade=score.grade,
        )
        if decision.action == "failed":
            out.append(
                DryRunMeetingOut(
                    meeting_id=score.meeting_id,
                    branch_id=score.branch_id,
                    held_on=score.held_on,
                    meeting_type=score.meeting_type,
                    current=current,
                    dry_run=None,
                    action="failed",
                    reason=decision.reason,
                    changed_criteria=[],
                )
            )
            continue
        facts = decision.facts or dict(score.facts)
        result = evaluate(target, score.meeting_type, facts, official or {})
        before = {c["code"]: c.get("points") for c in score.criteria}
        changed = [
            CriterionChangeOut(
                code=c.code,
                name=c.name,
                label=criterion_label(c.code, c.name),
                current_points=before.get(c.code),
                dry_run_points=c.points,
                max_points=c.max_points,
            )
            for c in result.criteria
            if before.get(c.code) != c.points
        ]
        action = decision.action
        if action == "rescored" and score.confirmed_at is not None:
            action = "kept_confirmed"
        out.append(
            DryRunMeetingOut(
                meeting_id=score.meeting_id,
                branch_id=score.branch_id,
                held_on=score.held_on,
                meeting_type=score.meeting_type,
                current=current,
                dry_run=SheetResultOut(
                    rubric_id=result.rubric_id,
                    rubric_version=result.rubric_version,
                    total_points=result.total,
                    grade=result.grade,
                ),
                action=action,
                changed_criteria=changed,
            )
        )
    return DryRunOut(
        organisation_id=organisation_id,
        period=period.label,
        period_label=period_label(period),
        as_of=as_of,
        meetings_considered=len(out),
        meetings_changed=sum(
            1
            for m in out
            if m.dry_run
            and (m.dry_run.total_points, m.dry_run.grade)
            != (m.current.total_points, m.current.grade)
        ),
        truncated=truncated,
        by_grade_current=dict(Counter(m.current.grade for m in out)),
        by_grade_dry_run=dict(Counter(m.dry_run.grade for m in out if m.dry_run)),
        meetings=out,
    )
