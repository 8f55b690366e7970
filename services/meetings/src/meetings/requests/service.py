"""Requests: raising them from a meeting, moving them through their lifecycle, and acting on
what the sweeper finds due. Loads and saves; the decisions are in lifecycle.py and escalation.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from event_contracts import EventData
from event_contracts.events import meetings as ev
from event_contracts.vocabulary import BreachedStage
from meetings.requests import escalation, metrics
from meetings.requests.calendar import WorkingCalendar, vietnam_calendar
from meetings.requests.escalation import ClockState, EscalationPolicy, Ladder, LadderNode
from meetings.requests.lifecycle import (
    NEEDS_TEXT,
    OPEN,
    RequestAction,
    RequestStatus,
    TransitionError,
    next_status,
)
from meetings.requests.models import Request, RequestActionDone, RequestTimelineEntry
from meetings.requests.rules import duplicate_errors, subject_key
from meetings.requests.schemas import RequestActionIn, RequestIn
from org_tree.replica import chain_on
from service_kit.clock import vietnam_date
from service_kit.errors import Conflict, FieldError, Invalid, NotFound
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork

EVENT_FOR_STATUS: dict[RequestAction, type[ev.RequestFacts]] = {
    RequestAction.ACKNOWLEDGE: ev.RequestAcknowledged,
    RequestAction.ANSWER: ev.RequestAnswered,
    RequestAction.ACCEPT_ANSWER: ev.RequestClosed,
    RequestAction.REOPEN: ev.RequestReopened,
    RequestAction.FORWARD: ev.RequestForwarded,
    RequestAction.RETURN: ev.RequestReturned,
    RequestAction.REJECT: ev.RequestRejected,
}


@dataclass
class RequestRules:
    """Policy data and calendar, loaded once at start-up."""

    policies: list[EscalationPolicy] = field(default_factory=escalation.load_policies)
    calendar: WorkingCalendar = field(default_factory=vietnam_calendar)
    # policy()'s answers by day: a sweep asks for every request it looks at.
    _by_day: dict[date, EscalationPolicy] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def policy(self, on: datetime) -> EscalationPolicy:
        day = vietnam_date(on)
        if day not in self._by_day:
            self._by_day[day] = escalation.policy_for(self.policies, None, day)
        return self._by_day[day]


class RequestRow(Protocol):
    """What acting on a request reads and changes of it: the stored `Request`, or a sweep
    batch's plain row (`requests.batch.DueRequest`)."""

    id: str
    branch_id: str
    meeting_id: str | None
    subject: str
    category: str | None
    addressee_id: str
    status: str
    level: int
    level_organisation_id: str
    level_kind: str
    level_started_at: datetime
    acknowledged_at: datetime | None
    next_check_at: datetime | None
    version: int
    created_at: datetime


def _facts(row: RequestRow) -> dict[str, Any]:
    return {
        "aggregate_version": row.version,
        "request_id": row.id,
        "branch_id": row.branch_id,
        "meeting_id": row.meeting_id,
        "subject": row.subject,
        "category": row.category,
        "addressee_id": row.addressee_id,
        "status": row.status,
        "level": row.level,
        "level_organisation_id": row.level_organisation_id,
    }


def timeline_entry(
    row: RequestRow,
    at: datetime,
    kind: str,
    *,
    actor: str | None = None,
    text: str | None = None,
    **details: Any,
) -> dict[str, Any]:
    """A timeline entry of `row` at its current level, as the columns of `RequestTimelineEntry`."""
    return {
        "request_id": row.id,
        "at": at,
        "kind": kind,
        "actor": actor,
        "level": row.level,
        "level_organisation_id": row.level_organisation_id,
        "text": text,
        "details": details,
    }


class Writes:
    """Where acting on a request puts the rows it adds: into the session, one ORM object each
    (a request acted on alone); a sweep batch gathers them instead and inserts them in bulk
    (`requests.batch.BatchWrites`)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def done(self, request_id: str, key: str, at: datetime) -> None:
        self.uow.session.add(RequestActionDone(request_id=request_id, key=key, at=at))

    def emit(self, data: EventData, *, subject: str) -> None:
        self.uow.emit(data, subject=subject)

    def timeline(
        self,
        row: RequestRow,
        at: datetime,
        kind: str,
        *,
        actor: str | None = None,
        text: str | None = None,
        **details: Any,
    ) -> None:
        entry = timeline_entry(row, at, kind, actor=actor, text=text, **details)
        self.uow.session.add(RequestTimelineEntry(**entry))


async def ladder_from(session: AsyncSession, org_id: str, now: datetime) -> Ladder:
    """Memoised for the session: a sweep batch asks for the same few ladders thousands of times,
    and the tree does not change inside one transaction."""
    cache: dict[tuple[str, date], Ladder] = session.info.setdefault("ladders", {})
    key = (org_id, vietnam_date(now))
    if key not in cache:
        chain = [
            LadderNode(node.organisation_id, node.kind, active=node.active)
            for node in await chain_on(session, org_id, key[1])
        ]
        cache[key] = escalation.ladder(chain[0], chain[1:])
    return cache[key]


async def open_by_level(session: AsyncSession) -> dict[int, int]:
    """How many requests each level of the ladder owes an answer to now."""
    rows = await session.execute(
        sa.select(Request.level, sa.func.count())
        .where(col(Request.status).in_([s.value for s in OPEN]))
        .group_by(Request.level)
    )
    return {int(level): int(count) for level, count in rows.all()}


async def prefetch_done_keys(session: AsyncSession, request_ids: list[str]) -> None:
    """Load the actions already taken for a whole batch in one query."""
    done: dict[str, set[str]] = session.info.setdefault("done_keys", {})
    for request_id in request_ids:
        done.setdefault(request_id, set())
    rows = await session.execute(
        sa.select(RequestActionDone.request_id, RequestActionDone.key).where(
            col(RequestActionDone.request_id).in_(request_ids)
        )
    )
    for request_id, key in rows:
        done[request_id].add(key)


async def _done_keys(session: AsyncSession, request_id: str) -> set[str]:
    done: dict[str, set[str]] = session.info.setdefault("done_keys", {})
    if request_id not in done:
        rows = await session.execute(
            sa.select(RequestActionDone.key).where(RequestActionDone.request_id == request_id)
        )
        done[request_id] = set(rows.scalars())
    return done[request_id]


def _state(row: RequestRow, above: Ladder) -> ClockState:
    return ClockState(
        request_id=row.id,
        level=row.level,
        level_kind=row.level_kind,
        level_started_at=row.level_started_at,
        acknowledged=row.acknowledged_at is not None,
        open=RequestStatus(row.status) in OPEN,
        top_level=len(above.levels) <= 1,
    )


async def _clock_state(session: AsyncSession, row: RequestRow, now: datetime) -> ClockState:
    return _state(row, await ladder_from(session, row.level_organisation_id, now))


async def due_now(
    session: AsyncSession, row: RequestRow, now: datetime, rules: RequestRules
) -> escalation.Due:
    """What the sweep does with `row` at `now`, read and decided without writing anything
    (`escalation.due_as_of` over its clock, its ladder that day, its policy and what was done)."""
    done = await _done_keys(session, row.id)
    above = await ladder_from(session, row.level_organisation_id, now)
    return _due(row, above, frozenset(done), now, rules)


def _due(
    row: RequestRow,
    above: Ladder,
    done: frozenset[str] | set[str],
    now: datetime,
    rules: RequestRules,
) -> escalation.Due:
    return escalation.due_as_of(
        _state(row, above),
        row.level_organisation_id,
        above,
        now,
        rules.policy(row.created_at),
        rules.calendar,
        done,
    )


async def _reschedule(
    session: AsyncSession, row: RequestRow, now: datetime, rules: RequestRules, done: set[str]
) -> None:
    state = await _clock_state(session, row, now)
    row.next_check_at = escalation.next_check_at(
        state, now, rules.policy(row.created_at), rules.calendar, done
    )


async def raise_requests(
    uow: UnitOfWork,
    *,
    meeting_id: str | None,
    branch_id: str,
    requests: list[RequestIn],
    now: datetime,
    rules: RequestRules,
    pointer: str = "/requests_raised",
) -> list[Request]:
    session = uow.session
    writes = Writes(uow)
    rows: list[Request] = []
    errors: list[FieldError] = []
    ladders: list[Ladder] = []
    for i, item in enumerate(requests):
        lad = await ladder_from(session, item.addressee_id, now)
        if not lad.levels:
            errors.append(
                FieldError(
                    f"{pointer}/{i}/addressee_id",
                    "Không tìm thấy tổ chức nhận kiến nghị (hoặc tổ chức đã giải "
                    "thể mà không có cấp trên).",
                    "unknown-addressee",
                )
            )
        if item.re_raises_request_id:
            earlier = await session.get(Request, item.re_raises_request_id)
            if earlier is None or earlier.branch_id != branch_id:
                errors.append(
                    FieldError(
                        f"{pointer}/{i}/re_raises_request_id",
                        "Chi bộ chỉ nêu lại được kiến nghị do chính chi bộ mình đã nêu.",
                        "not-own-request",
                    )
                )
        ladders.append(lad)
    if errors:
        raise Invalid(
            "request-invalid",
            "Kiến nghị phải gửi tới một tổ chức có thẩm quyền.",
            errors=errors,
        )
    already = await _raised_in(session, meeting_id)
    duplicates = duplicate_errors(requests, already, pointer)
    if duplicates:
        raise _duplicated(duplicates)
    policy = rules.policy(now)
    for i, (item, lad) in enumerate(zip(requests, ladders, strict=True)):
        level0 = lad.levels[0]
        row = Request(
            id=new_id(),
            meeting_id=meeting_id,
            branch_id=branch_id,
            raised_by=item.raised_by,
            subject=item.subject,
            subject_key=subject_key(item.subject),
            text=item.text,
            category=item.category,
            addressee_id=item.addressee_id,
            status=RequestStatus.SUBMITTED.value,
            level=0,
            level_organisation_id=level0.organisation_id,
            level_kind=level0.kind,
            level_started_at=now,
            policy_id=policy.id,
            policy_version=policy.version,
            created_at=now,
        )
        try:
            async with session.begin_nested():  # the key answers a race the check above lost
                session.add(row)
                await session.flush()
        except IntegrityError:
            won = await _raised_in(session, meeting_id)
            at = f"{pointer}/{i}/subject"
            this = [e for e in duplicate_errors(requests, won, pointer) if e["pointer"] == at]
            if not this:
                raise
            raise _duplicated(this) from None
        writes.timeline(row, now, "raised", actor=item.raised_by)
        for node, reason in lad.skipped:
            writes.timeline(
                row,
                now,
                "level_skipped",
                organisation_id=node.organisation_id,
                reason=reason,
            )
        await _reschedule(session, row, now, rules, set())
        uow.emit(ev.RequestRaised.produce(**_facts(row)), subject=f"requests/{row.id}")
        rows.append(row)
        if item.re_raises_request_id:
            await re_raise(uow, item.re_raises_request_id, now, rules)
    return rows


async def _raised_in(session: AsyncSession, meeting_id: str | None) -> dict[tuple[str, str], str]:
    """The requests a meeting already has: (addressee_id, subject_key) → request id."""
    if meeting_id is None:
        return {}
    rows = await session.execute(
        sa.select(Request.addressee_id, Request.subject_key, Request.id).where(
            Request.meeting_id == meeting_id
        )
    )
    return {(addressee, key): request_id for addressee, key, request_id in rows}


def _duplicated(errors: list[FieldError]) -> Invalid:
    return Invalid(
        "request-duplicate",
        "Một kiến nghị chỉ nêu một lần trong mỗi cuộc họp (cùng nội dung, cùng nơi nhận); "
        "bỏ mục trùng trong `errors` rồi gửi lại.",
        errors=errors,
    )


async def re_raise(uow: UnitOfWork, request_id: str, now: datetime, rules: RequestRules) -> None:
    """A branch raising an unanswered request again escalates it at once (once per level)."""
    row = await uow.session.get(Request, request_id)
    if row is None or RequestStatus(row.status) not in OPEN:
        return
    done = await _done_keys(uow.session, row.id)
    if f"escalate:{row.level}" in done:
        return
    above = await ladder_from(uow.session, row.level_organisation_id, now)
    step = escalation.next_level(row.level_organisation_id, above)
    if step is not None:
        _escalate(
            Writes(uow), row, now, done, step, breached_stage=BreachedStage.RE_RAISED, due_at=None
        )


def _escalate(
    writes: Writes,
    row: RequestRow,
    now: datetime,
    done: set[str],
    step: escalation.Step,
    *,
    breached_stage: str,
    due_at: datetime | None,
) -> None:
    key = f"escalate:{row.level}"
    writes.done(row.id, key, now)
    done.add(key)
    skipped = list(step.skipped)
    from_org = row.level_organisation_id
    row.level += 1
    row.level_organisation_id, row.level_kind = step.organisation_id, step.kind
    row.level_started_at, row.acknowledged_at = now, None
    row.status = RequestStatus.SUBMITTED.value
    row.version += 1
    writes.timeline(
        row,
        now,
        "escalated",
        from_organisation_id=from_org,
        breached_stage=breached_stage,
        skipped=skipped,
    )
    writes.emit(
        ev.RequestEscalated.produce(
            **_facts(row),
            from_level_organisation_id=from_org,
            breached_stage=breached_stage,
            breached_due_at=due_at,
            skipped_organisation_ids=skipped,
        ),
        subject=f"requests/{row.id}",
    )
    writes.uow.after_commit(metrics.ESCALATIONS.labels(str(row.level)).inc)


async def process_due(writes: Writes, row: RequestRow, now: datetime, rules: RequestRules) -> int:
    """Take every action due on this request at `now`; returns how many were taken."""
    uow, session = writes.uow, writes.uow.session
    done = await _done_keys(session, row.id)
    above = await ladder_from(session, row.level_organisation_id, now)
    due = _due(row, above, done, now, rules)  # as `due_now` decides for the dry run
    taken = 0
    for action in due.actions:
        if action.kind == "escalate":
            if due.escalation is not None:
                _escalate(
                    writes,
                    row,
                    now,
                    done,
                    due.escalation,
                    breached_stage=BreachedStage(action.stage),
                    due_at=action.due_at,
                )
                taken += 1
            break  # the clock restarted at the next level
        writes.done(row.id, action.key, now)
        done.add(action.key)
        taken += 1
        if action.kind == "remind":
            fraction = float(action.key.rsplit(":", 1)[1])
            writes.timeline(row, now, "reminded", stage=action.stage, fraction=fraction)
            writes.emit(
                ev.RequestDueSoon.produce(
                    **_facts(row), stage=action.stage, fraction=fraction, due_at=action.deadline_at
                ),
                subject=f"requests/{row.id}",
            )
            uow.after_commit(metrics.REMINDERS.labels(action.stage).inc)
        else:
            writes.timeline(row, now, "overdue_at_top", stage=action.stage)
            uow.after_commit(metrics.OVERDUE_AT_TOP.inc)
    await _reschedule(session, row, now, rules, done)
    return taken


async def act(
    uow: UnitOfWork, request_id: str, body: RequestActionIn, now: datetime, rules: RequestRules
) -> Request:
    session = uow.session
    row = await session.get(Request, request_id)
    if row is None:
        raise NotFound("request-not-found", f"Không có kiến nghị {request_id}.")
    if body.action in NEEDS_TEXT and not body.text:
        raise Invalid(
            "request-action-invalid",
            "Cần ghi nội dung (trả lời, lý do, giải trình).",
            errors=[FieldError("/text", "Bắt buộc với thao tác này.", "text-required")],
        )
    details: dict[str, Any] = {}
    try:
        status = next_status(RequestStatus(row.status), body.action)
    except TransitionError as exc:
        raise Conflict(
            "request-transition-not-allowed", str(exc), allowed_actions=exc.allowed
        ) from None
    if body.action == RequestAction.FORWARD:
        lad = await ladder_from(session, body.forward_to_id, now) if body.forward_to_id else None
        if lad is None or not lad.levels:
            raise Invalid(
                "request-action-invalid",
                "Cần chỉ rõ tổ chức nhận chuyển tiếp.",
                errors=[
                    FieldError("/forward_to_id", "Tổ chức không tồn tại.", "unknown-organisation")
                ],
            )
        target = lad.levels[0]
        # The trail keeps who passed it on to whom; the deadline restarts at the competent
        # body when the policy says so (else it keeps running from the first receipt).
        restart = rules.policy(row.created_at).forward_restarts_deadline
        details = {
            "from_organisation_id": row.level_organisation_id,
            "to_organisation_id": target.organisation_id,
            "deadline_restarted": restart,
        }
        row.level += 1
        row.level_organisation_id, row.level_kind = target.organisation_id, target.kind
        row.acknowledged_at = None
        if restart:
            row.level_started_at = now
    elif body.action == RequestAction.ANSWER:
        details = await _answer_details(session, row, now, rules)
    row.status = status.value
    if body.action == RequestAction.ACKNOWLEDGE:
        row.acknowledged_at = now
    elif body.action == RequestAction.ANSWER:
        row.answered_at, row.answer = now, body.text
    elif body.action == RequestAction.ACCEPT_ANSWER:
        row.closed_at = now
    elif body.action == RequestAction.REOPEN:
        row.level_started_at, row.acknowledged_at, row.answered_at = now, None, None
        row.closed_at = None
    row.version += 1
    Writes(uow).timeline(row, now, body.action.value, actor=body.actor, text=body.text, **details)
    await _reschedule(session, row, now, rules, await _done_keys(session, row.id))
    event = EVENT_FOR_STATUS.get(body.action)
    if event is not None:
        uow.emit(event.produce(**_facts(row)), subject=f"requests/{row.id}")
    return row


async def _answer_details(
    session: AsyncSession, row: Request, now: datetime, rules: RequestRules
) -> dict[str, Any]:
    """Whether the answer came in time for the level giving it (a request that already climbed
    the ladder for want of an answer is late whatever), and how many days it took."""
    _, answer = escalation.deadlines(
        row.level_kind, row.level_started_at, rules.policy(row.created_at), rules.calendar
    )
    breached = any(
        k.startswith(("escalate:", "overdue_at_top:")) for k in await _done_keys(session, row.id)
    )
    return {
        "due_at": answer.due_at.isoformat(),
        "late": breached or now > answer.due_at,
        "days_to_answer": round((now - row.created_at).total_seconds() / 86400, 1),
    }


async def timeline(session: AsyncSession, request_id: str) -> list[RequestTimelineEntry]:
    rows = await session.execute(
        sa.select(RequestTimelineEntry)
        .where(RequestTimelineEntry.request_id == request_id)
        .order_by(col(RequestTimelineEntry.id))
    )
    return list(rows.scalars())
