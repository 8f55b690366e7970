"""Request rules without I/O: working days across Tết, the lifecycle, the ladder, escalation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings.requests.calendar import vietnam_calendar
from meetings.requests.escalation import (
    ClockState,
    LadderNode,
    deadlines,
    due_actions,
    ladder,
    load_policies,
    policy_for,
)
from meetings.requests.lifecycle import (
    OPEN,
    RequestAction,
    RequestStatus,
    TransitionError,
    next_status,
)
from service_kit.clock import VIETNAM, end_of_vietnam_day

CAL = vietnam_calendar()
POLICY = policy_for(load_policies(), None, date(2026, 1, 1))


def vn(y: int, m: int, d: int, h: int = 9) -> datetime:
    return datetime(y, m, d, h, tzinfo=VIETNAM)


# --- working days -------------------------------------------------------------------------------


def test_ten_working_days_across_tet_2026() -> None:
    # Thu 12/02/2026: Fri 13 counts; Tết closes 16–20/02; then 23–27/02 and 2–5/03.
    assert CAL.add_working_days(date(2026, 2, 12), 10) == date(2026, 3, 5)


def test_ten_working_days_across_tet_2025() -> None:
    # Tết 2025: 27/01–31/01 off (29 Tết to the 3rd day; 01/02 is a Saturday anyway).
    # Mon 20/01: 21–24/01 count 4, then 03–07/02 count 5 more, the 10th is Mon 10/02.
    assert CAL.add_working_days(date(2025, 1, 20), 10) == date(2025, 2, 10)


def test_makeup_saturday_is_a_working_day_and_its_swap_is_off() -> None:
    assert CAL.is_working_day(date(2025, 4, 26))  # Saturday worked for Friday 2/5
    assert not CAL.is_working_day(date(2025, 5, 2))
    assert CAL.is_working_day(date(2026, 8, 22)) and not CAL.is_working_day(date(2026, 8, 31))


def test_acknowledge_deadline_ends_at_midnight_vietnam_time() -> None:
    ack, answer = deadlines("commune", vn(2026, 2, 12), POLICY, CAL)
    assert (
        ack.due_at == end_of_vietnam_day(date(2026, 3, 5)) == datetime(2026, 3, 5, 17, tzinfo=UTC)
    )
    assert answer.due_at == end_of_vietnam_day(date(2026, 3, 14))
    province = deadlines("province", vn(2026, 2, 12), POLICY, CAL)[1]
    assert province.due_at == end_of_vietnam_day(date(2026, 3, 29))


# --- lifecycle ----------------------------------------------------------------------------------


def test_happy_path_and_reopen() -> None:
    s = RequestStatus.SUBMITTED
    for action in (RequestAction.ACKNOWLEDGE, RequestAction.START, RequestAction.ANSWER):
        s = next_status(s, action)
    assert s == RequestStatus.ANSWERED and s not in OPEN
    assert next_status(s, RequestAction.REOPEN) == RequestStatus.SUBMITTED
    assert next_status(s, RequestAction.ACCEPT_ANSWER) == RequestStatus.CLOSED


def test_impossible_transition_says_what_is_allowed() -> None:
    with pytest.raises(TransitionError) as err:
        next_status(RequestStatus.CLOSED, RequestAction.ANSWER)
    assert err.value.allowed == ["reopen"]
    assert "closed" in str(err.value)


# --- ladder -------------------------------------------------------------------------------------


def test_dissolved_district_is_skipped_for_the_province() -> None:
    commune = LadderNode("xa-thach-ngoc", "commune")
    district = LadderNode("huyen-thach-ha", "legacy_district", active=False)
    province = LadderNode("tinh-ha-tinh", "province")
    result = ladder(commune, [district, province])
    assert [n.organisation_id for n in result.levels] == ["xa-thach-ngoc", "tinh-ha-tinh"]
    assert result.skipped == ((district, "abolished"),)


def test_request_to_a_dissolved_district_goes_to_the_province() -> None:
    district = LadderNode("huyen-thach-ha", "legacy_district", active=False)
    province = LadderNode("tinh-ha-tinh", "province")
    result = ladder(district, [province])
    assert [n.organisation_id for n in result.levels] == ["tinh-ha-tinh"]
    assert result.skipped == ((district, "abolished"),)


# --- escalation ---------------------------------------------------------------------------------


def state(
    level: int = 0,
    started: datetime | None = None,
    acknowledged: bool = False,
    open_: bool = True,
    top: bool = False,
) -> ClockState:
    return ClockState("r1", level, "commune", started or vn(2026, 3, 2), acknowledged, open_, top)


def test_reminders_then_one_escalation() -> None:
    s = state()
    ack, _ = deadlines("commune", s.level_started_at, POLICY, CAL)
    assert due_actions(s, ack.reminder_at(0.5) - timedelta(seconds=1), POLICY, CAL, set()) == []
    first = due_actions(s, ack.reminder_at(0.5), POLICY, CAL, set())
    assert [a.key for a in first] == ["remind:0:acknowledge:0.5"]
    done = {a.key for a in first}
    late = due_actions(s, ack.due_at, POLICY, CAL, done)
    assert [a.key for a in late] == ["escalate:0"] and late[0].stage == "acknowledge"
    later = due_actions(s, ack.due_at + timedelta(days=3), POLICY, CAL, done | {"escalate:0"})
    assert all(a.kind != "escalate" for a in later)  # once per level, whatever the stage


def test_top_level_reports_overdue_instead_of_escalating() -> None:
    s = state(top=True)
    acts = due_actions(s, s.level_started_at + timedelta(days=60), POLICY, CAL, set())
    assert [a.kind for a in acts] == ["overdue_at_top"]


@settings(max_examples=150, deadline=None)
@given(
    moves=st.lists(st.integers(min_value=-20 * 24, max_value=30 * 24), min_size=1, max_size=40),
    answer_at=st.one_of(st.none(), st.integers(min_value=0, max_value=39)),
    ladder_height=st.integers(min_value=1, max_value=4),
)
def test_sweeps_never_escalate_early_twice_or_after_an_answer(
    moves: list[int], answer_at: int | None, ladder_height: int
) -> None:
    """A simulated sweeper: the clock moves forward and back by hours; between passes only the
    recorded action keys and the request row survive (as across restarts); the request may be
    answered at some point."""
    start = vn(2026, 1, 5)
    now = start
    recorded: set[str] = set()  # the durable record of done actions
    level, level_started, is_open = 0, start, True
    escalations: list[tuple[int, datetime, datetime]] = []
    for step, hours in enumerate(moves):
        now = now + timedelta(hours=hours)
        if answer_at is not None and step == answer_at:
            is_open = False
        s = ClockState(
            "r",
            level,
            "commune",
            level_started,
            False,
            is_open,
            top_level=level == ladder_height - 1,
        )
        for action in due_actions(s, now, POLICY, CAL, frozenset(recorded)):
            assert action.due_at <= now, "nothing may happen before its time"
            assert action.key not in recorded, "an action may happen once"
            assert is_open, "nothing happens after an answer"
            recorded.add(action.key)
            if action.kind == "escalate":
                escalations.append((level, action.due_at, now))
                level, level_started = level + 1, now
    levels = [lvl for lvl, _, _ in escalations]
    assert levels == sorted(set(levels)), "each level escalates at most once, in order"
    assert max(levels, default=-1) < ladder_height - 1
