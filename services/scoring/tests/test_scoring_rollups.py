"""Roll-ups against a plain Python recount of generated meetings, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa
from scoring_factories import RUBRICS, facts, roll, scoring_app

from scoring.meeting_scores.models import MeetingScore
from scoring.meeting_scores.service import score_submitted_meeting
from scoring.rollups.periods import parse_period
from scoring.rollups.service import branch_rollup

TODAY = date(2026, 12, 15)
MISSED = {8}  # branch b-0 holds no meeting in August (nor before July: the data starts then)


def generated() -> list:  # type: ignore[type-arg]
    rng = random.Random(7)
    out = []
    for branch in range(3):
        for month in range(7, 13):
            if branch == 0 and month in MISSED:
                continue
            for n in range(rng.choice([1, 1, 2])):
                present, excused, unexcused = (
                    rng.randint(8, 20),
                    rng.randint(0, 3),
                    rng.choice([0, 0, 1]),
                )
                out.append(
                    facts(
                        meeting_id=f"b{branch}-{month}-{n}",
                        branch_id=f"b-{branch}",
                        held_on=date(2026, month, rng.randint(1, 28)),
                        meeting_type="thematic" if n == 0 and month in (9, 11) else "regular",
                        roll=roll(present, excused, unexcused),
                        speaker_ids=[],
                        duration_minutes=rng.choice([60, 80, 95, 120]),
                        previous_action_items_done_on_time=rng.randint(3, 10),
                        self_score={
                            "C3": rng.randint(0, 3),
                            "C4": rng.randint(5, 20),
                            "C5": rng.randint(2, 5),
                            "C6": rng.randint(10, 30),
                        },
                    )
                )
    return out


@pytest.mark.parametrize("period", ["2026-H2", "2026-Q3", "2026-Q4", "2026-11", "2026"])
async def test_rollup_matches_a_recount(db_url: str, period: str) -> None:
    app = await scoring_app(db_url)
    runtime = app.state.runtime
    meetings = generated()
    async with runtime.uow() as uow:
        for meeting in meetings:
            await score_submitted_meeting(uow, RUBRICS, meeting)
        await uow.commit()
    p = parse_period(period)
    async with runtime.db.session() as session:
        got = await branch_rollup(session, "b-0", p, TODAY)
        everything = (await session.execute(sa.select(MeetingScore))).scalars().all()
    scores = [
        s for s in everything if s.branch_id == "b-0" and p.starts_on <= s.held_on < p.ends_before
    ]
    await runtime.db.dispose()

    assert got.meetings == len(scores) > 0
    assert got.by_grade == {
        g: sum(s.grade == g for s in scores) for g in ("tot", "kha", "trung_binh", "kem")
    }
    assert got.average_points == pytest.approx(
        sum(s.total_points for s in scores) / len(scores), abs=0.01
    )
    assert got.attendance_rate == pytest.approx(
        sum(s.present_count for s in scores) / sum(s.counted_count for s in scores), abs=1e-4
    )
    assert got.thematic_held == sum(s.meeting_type == "thematic" for s in scores)
    assert (
        got.thematic_required
        == {"2026-H2": 2, "2026-Q3": 1, "2026-Q4": 1, "2026-11": 0, "2026": 4}[period]
    )
    lost: Counter[str] = Counter()
    for s in scores:
        for c in s.criteria:
            lost[c["code"]] += c["max_points"] - c["points"]
    assert {c.code: c.points_lost for c in got.criteria_lost} == pytest.approx(
        {k: v for k, v in lost.items()}
    )
    assert [c.points_lost for c in got.criteria_lost] == sorted(lost.values(), reverse=True)
    for month in got.months:
        in_month = [s for s in scores if f"{s.held_on:%Y-%m}" == month.month]
        assert month.meetings == len(in_month)
        if in_month:
            assert month.average_points == pytest.approx(
                sum(s.total_points for s in in_month) / len(in_month), abs=0.01
            )
    expected_missed = [
        f"2026-{m:02d}" for m in range(1, 12) if (2026, m) in p.months and (m < 7 or m in MISSED)
    ]
    assert got.missed_months == expected_missed
    if period == "2026":
        assert got.quarters_without_thematic == ["2026-Q1", "2026-Q2"]
