"""Deadlines, reminders and the escalation ladder of a request, as pure functions of data.

The sweeper (`scheduled.py`) loads requests, asks `due_actions` what is due at `now`, and records
each action's key, so every reminder and every (request, level) escalation happens once even if the
sweeper restarts or the clock jumps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from event_contracts.vocabulary import RequestStage
from meetings.requests.calendar import WorkingCalendar
from service_kit.clock import end_of_vietnam_day, vietnam_date

POLICY_DIR = Path(__file__).with_name("data")


class EscalationPolicy(BaseModel):
    """Versioned policy data; which one applies is chosen by province and effective date."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    version: str
    effective_from: date
    province_code: str | None = None
    acknowledge_working_days: int = Field(ge=1)
    answer_days: dict[str, int]
    reminder_fractions: tuple[float, ...] = (0.5, 0.8)
    forward_restarts_deadline: bool = Field(
        default=True, description="forwarded to the competent body: its own full time limit"
    )

    def answer_days_for(self, kind: str) -> int:
        return self.answer_days.get(kind, self.answer_days["default"])


def load_policies(directory: Path = POLICY_DIR) -> list[EscalationPolicy]:
    return [
        EscalationPolicy.model_validate(json.loads(p.read_text(encoding="utf-8")))
        for p in sorted(directory.glob("escalation-*.json"))
    ]


def policy_for(
    policies: list[EscalationPolicy], province_code: str | None, on: date
) -> EscalationPolicy:
    """The latest policy in force on `on`, the province's own before the default."""
    candidates = [
        p for p in policies if p.effective_from <= on and p.province_code in (province_code, None)
    ]
    if not candidates:
        raise LookupError(f"no escalation policy in force on {on}")
    return max(candidates, key=lambda p: (p.province_code is not None, p.effective_from))


@dataclass(frozen=True)
class Deadline:
    stage: RequestStage
    starts_at: datetime
    due_at: datetime

    def reminder_at(self, fraction: float) -> datetime:
        return self.starts_at + (self.due_at - self.starts_at) * fraction


def deadlines(
    level_kind: str, started_at: datetime, policy: EscalationPolicy, calendar: WorkingCalendar
) -> tuple[Deadline, Deadline]:
    """(acknowledge, answer) deadlines of a level whose clock started at `started_at`."""
    ack_due_at, answer_due_at = _due_instants(
        vietnam_date(started_at),
        policy.acknowledge_working_days,
        policy.answer_days_for(level_kind),
        calendar,
    )
    return (
        Deadline(RequestStage.ACKNOWLEDGE, started_at, ack_due_at),
        Deadline(RequestStage.ANSWER, started_at, answer_due_at),
    )


@lru_cache(maxsize=4096)
def _due_instants(
    day: date, acknowledge_working_days: int, answer_days: int, calendar: WorkingCalendar
) -> tuple[datetime, datetime]:
    """When the two time limits of a level started on `day` end; remembered, as a sweep asks
    for the same few days thousands of times (the working-day count walks the calendar)."""
    ack_day = calendar.add_working_days(day, acknowledge_working_days)
    answer_day = day + timedelta(days=answer_days)
    return end_of_vietnam_day(ack_day), end_of_vietnam_day(answer_day)


@dataclass(frozen=True)
class LadderNode:
    """An ancestor of the addressee as the registry replica knows it on the day in question."""

    organisation_id: str
    kind: str
    active: bool = True
    vacant: bool = False


@dataclass(frozen=True)
class Ladder:
    levels: tuple[LadderNode, ...]
    skipped: tuple[tuple[LadderNode, str], ...]


def ladder(addressee: LadderNode, ancestors_upwards: list[LadderNode]) -> Ladder:
    """The organisations that owe the answer, in order: the addressee, then each ancestor, passing
    over (and saying why) the abolished and the vacant ones — after 7/2025 a request addressed to
    a dissolved district goes to the province."""
    levels: list[LadderNode] = []
    skipped: list[tuple[LadderNode, str]] = []
    for node in [addressee, *ancestors_upwards]:
        if not node.active:
            skipped.append((node, "abolished"))
        elif node.vacant:
            skipped.append((node, "vacant"))
        else:
            levels.append(node)
    return Ladder(tuple(levels), tuple(skipped))


@dataclass(frozen=True)
class ClockState:
    """What the sweeper needs to know of one request."""

    request_id: str
    level: int
    level_kind: str
    level_started_at: datetime
    acknowledged: bool
    open: bool
    top_level: bool


@dataclass(frozen=True)
class Action:
    key: str
    kind: Literal["remind", "escalate", "overdue_at_top"]
    stage: RequestStage
    level: int
    due_at: datetime  # when this action became due
    deadline_at: datetime  # the stage's deadline it is about


def due_actions(
    state: ClockState,
    now: datetime,
    policy: EscalationPolicy,
    calendar: WorkingCalendar,
    done: frozenset[str] | set[str],
) -> list[Action]:
    """Everything due at `now` not yet done. Nothing is ever due before its time; a breach of
    either stage climbs the ladder once per level."""
    if not state.open:
        return []
    actions: list[Action] = []
    ack, answer = deadlines(state.level_kind, state.level_started_at, policy, calendar)
    stages = [answer] if state.acknowledged else [ack, answer]
    for deadline in stages:
        for fraction in policy.reminder_fractions:
            key = f"remind:{state.level}:{deadline.stage}:{fraction:g}"
            if deadline.reminder_at(fraction) <= now < deadline.due_at and key not in done:
                actions.append(
                    Action(
                        key,
                        "remind",
                        deadline.stage,
                        state.level,
                        deadline.reminder_at(fraction),
                        deadline.due_at,
                    )
                )
    breached = [d for d in stages if d.due_at <= now]
    if breached:
        first = min(breached, key=lambda d: d.due_at)
        kind: Literal["escalate", "overdue_at_top"] = (
            "overdue_at_top" if state.top_level else "escalate"
        )
        key = f"{kind}:{state.level}"
        if key not in done:
            actions.append(Action(key, kind, first.stage, state.level, first.due_at, first.due_at))
    return actions


@dataclass(frozen=True)
class Step:
    """Where an escalation takes a request: the next level of its ladder, and the organisations
    passed over on the way (abolished or vacant)."""

    organisation_id: str
    kind: str
    skipped: tuple[str, ...]


def next_level(level_organisation_id: str, above: Ladder) -> Step | None:
    """The level above the one owing the answer (`above`: the ladder from that organisation on
    the day); None at the top."""
    if len(above.levels) <= 1:
        return None
    target = above.levels[1]
    skipped = tuple(
        n.organisation_id for n, _ in above.skipped if n.organisation_id != level_organisation_id
    )
    return Step(target.organisation_id, target.kind, skipped)


@dataclass(frozen=True)
class Due:
    """What the sweep does with one request at a moment."""

    actions: tuple[Action, ...]
    """In order; an escalation, when there is one, last: the clock restarts at the next level."""
    escalation: Step | None
    """Where the escalation among `actions` takes the request."""


def due_as_of(
    state: ClockState,
    level_organisation_id: str,
    above: Ladder,
    now: datetime,
    policy: EscalationPolicy,
    calendar: WorkingCalendar,
    done: frozenset[str] | set[str],
) -> Due:
    """Everything the sweep does with this request at `now` — the escalation sweeper acts on it,
    the escalation dry run reports it; one decision for both."""
    actions: list[Action] = []
    for action in due_actions(state, now, policy, calendar, done):
        actions.append(action)
        if action.kind == "escalate":
            return Due(tuple(actions), next_level(level_organisation_id, above))
    return Due(tuple(actions), None)


def next_check_at(
    state: ClockState,
    now: datetime,
    policy: EscalationPolicy,
    calendar: WorkingCalendar,
    done: frozenset[str] | set[str],
) -> datetime | None:
    """When the sweeper must look at this request again: its earliest reminder or deadline not
    yet acted on (reminders of a stage already past due no longer count); None when nothing
    more can fall due."""
    if not state.open:
        return None
    ack, answer = deadlines(state.level_kind, state.level_started_at, policy, calendar)
    stages = [answer] if state.acknowledged else [ack, answer]
    breach_key = f"{'overdue_at_top' if state.top_level else 'escalate'}:{state.level}"
    times: list[datetime] = []
    for deadline in stages:
        if breach_key not in done:
            times.append(deadline.due_at)
        if deadline.due_at > now:
            times += [
                deadline.reminder_at(f)
                for f in policy.reminder_fractions
                if f"remind:{state.level}:{deadline.stage}:{f:g}" not in done
            ]
    return min(times, default=None)
