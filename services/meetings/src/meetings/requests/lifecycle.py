"""The request lifecycle as one explicit transition table (previous state, action → new state)."""

from __future__ import annotations

from event_contracts.vocabulary import RequestAction, RequestStatus

S, A = RequestStatus, RequestAction
TRANSITIONS: dict[tuple[RequestStatus, RequestAction], RequestStatus] = {
    (S.SUBMITTED, A.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.SUBMITTED, A.FORWARD): S.FORWARDED,
    (S.SUBMITTED, A.RETURN): S.RETURNED,
    (S.SUBMITTED, A.REJECT): S.REJECTED,
    (S.SUBMITTED, A.ANSWER): S.ANSWERED,
    (S.FORWARDED, A.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.FORWARDED, A.FORWARD): S.FORWARDED,
    (S.FORWARDED, A.RETURN): S.RETURNED,
    (S.FORWARDED, A.REJECT): S.REJECTED,
    (S.FORWARDED, A.ANSWER): S.ANSWERED,
    (S.ACKNOWLEDGED, A.START): S.IN_PROGRESS,
    (S.ACKNOWLEDGED, A.ANSWER): S.ANSWERED,
    (S.ACKNOWLEDGED, A.FORWARD): S.FORWARDED,
    (S.ACKNOWLEDGED, A.REJECT): S.REJECTED,
    (S.IN_PROGRESS, A.ANSWER): S.ANSWERED,
    (S.IN_PROGRESS, A.FORWARD): S.FORWARDED,
    (S.IN_PROGRESS, A.REJECT): S.REJECTED,
    (S.ANSWERED, A.ACCEPT_ANSWER): S.CLOSED,
    (S.ANSWERED, A.REOPEN): S.SUBMITTED,
    (S.REJECTED, A.REOPEN): S.SUBMITTED,
    (S.RETURNED, A.REOPEN): S.SUBMITTED,
    (S.CLOSED, A.REOPEN): S.SUBMITTED,
}

# States in which the addressee still owes something, so deadlines run and escalation applies.
OPEN = frozenset({S.SUBMITTED, S.FORWARDED, S.ACKNOWLEDGED, S.IN_PROGRESS})
# Whose action each is: the raising branch's officers accept an answer or reopen; the body that
# owes the answer acknowledges, answers, forwards, returns or rejects.
BRANCH_SIDE = frozenset({A.ACCEPT_ANSWER, A.REOPEN})
ADDRESSEE_SIDE = frozenset(set(A) - BRANCH_SIDE)
# Actions that need a written reason or explanation.
NEEDS_TEXT = frozenset({A.ANSWER, A.RETURN, A.REJECT, A.REOPEN, A.FORWARD})


class TransitionError(ValueError):
    def __init__(self, status: RequestStatus, action: RequestAction) -> None:
        allowed = sorted(a.value for (s, a) in TRANSITIONS if s == status)
        super().__init__(
            f"Không thể '{action.value}' khi kiến nghị đang ở trạng thái '{status.value}'"
            f" (được phép: {', '.join(allowed) or 'không có'})."
        )
        self.status, self.action, self.allowed = status, action, allowed


def next_status(status: RequestStatus, action: RequestAction) -> RequestStatus:
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise TransitionError(status, action) from None
