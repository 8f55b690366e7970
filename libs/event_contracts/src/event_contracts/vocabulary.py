"""The shared words of the domain, defined once: kinds of organisation, member statuses, meeting
types, attendance, request states, actions and stages. Event models use them, so the committed
JSON Schemas list the allowed values; every service imports them from here."""

from __future__ import annotations

from enum import StrEnum


class OrganisationKind(StrEnum):
    PROVINCE = "province"
    COMMUNE = "commune"
    LEGACY_DISTRICT = "legacy_district"  # huyện ủy, before 7/2025
    SECTORAL = "sectoral"
    GRASSROOTS_ORGANISATION = "grassroots_organisation"
    GRASSROOTS_BRANCH = "grassroots_branch"
    SUB_ORGANISATION = "sub_organisation"
    AFFILIATED_BRANCH = "affiliated_branch"
    PARTY_GROUP = "party_group"


# The kinds that hold meetings.
BRANCH_KINDS: frozenset[str] = frozenset(
    {OrganisationKind.GRASSROOTS_BRANCH, OrganisationKind.AFFILIATED_BRANCH}
)


def is_branch(kind: str) -> bool:
    return kind in BRANCH_KINDS


class BranchKind(StrEnum):
    """What a branch gathers (its sub-kind): rankings compare like with like."""

    RESIDENTIAL = "residential"
    AGENCY = "agency"
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    ARMED_FORCES = "armed_forces"


class MemberStatus(StrEnum):
    FULL = "full"
    PROBATIONARY = "probationary"
    EXEMPT = "exempt"
    SUSPENDED = "suspended"
    TEMPORARILY_ATTACHED = "temporarily_attached"
    TRANSFERRED_OUT = "transferred_out"
    REMOVED = "removed"


class MeetingType(StrEnum):
    REGULAR = "regular"
    THEMATIC = "thematic"
    COMBINED = "combined"
    EXTRAORDINARY = "extraordinary"
    YEAR_END = "year_end"
    PILOT = "pilot"
    CLUSTER = "cluster"


class Attendance(StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"
    UNEXCUSED = "unexcused"
    EXEMPT = "exempt"


class RequestStatus(StrEnum):
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"
    FORWARDED = "forwarded"
    RETURNED = "returned"
    REJECTED = "rejected"


class RequestAction(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    START = "start"
    ANSWER = "answer"
    FORWARD = "forward"
    RETURN = "return"
    REJECT = "reject"
    ACCEPT_ANSWER = "accept_answer"  # the branch is satisfied at its next meeting
    REOPEN = "reopen"  # the branch is not satisfied, or re-raises it


class RequestStage(StrEnum):
    """What the level that owes the request must do next, each with its own deadline."""

    ACKNOWLEDGE = "acknowledge"
    ANSWER = "answer"


class BreachedStage(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    ANSWER = "answer"
    RE_RAISED = "re_raised"  # the branch raised it again at a later meeting
