"""The catalog: event type ⇄ routing key ⇄ data model ⇄ public or internal.

Adding an event means adding its data model in `events/` and one line here; the JSON Schemas
and the AsyncAPI document are generated from this table (`python -m event_contracts generate`).
"""

from __future__ import annotations

from dataclasses import dataclass

from event_contracts.envelope import SCHEMA_BASE, TYPE_PREFIX, EventData
from event_contracts.events import meetings, registry, scoring


class UnknownEventType(LookupError):
    pass


# The data field naming the organisation an event is about, in order of preference: the branch
# (meetings, requests, scores), else the organisation itself (the registry's tree events).
ABOUT_FIELDS = ("branch_id", "organisation_id")


@dataclass(frozen=True)
class EventSpec:
    model: type[EventData]
    public: bool
    description: str

    @property
    def type(self) -> str:
        return self.model.event_type

    @property
    def routing_key(self) -> str:
        return self.type.removeprefix(TYPE_PREFIX)

    @property
    def major(self) -> int:
        return int(self.type.rsplit(".v", 1)[1])

    @property
    def dataschema(self) -> str:
        return f"{SCHEMA_BASE}{self.routing_key}.json"

    @property
    def organisation_field(self) -> str | None:
        """The field of `data` naming the organisation the event is about; a public event's
        routing key carries that organisation's path (`event_contracts.routing`)."""
        return next((f for f in ABOUT_FIELDS if f in self.model.model_fields), None)


CATALOG: tuple[EventSpec, ...] = (
    EventSpec(
        registry.OrganisationRegistered,
        public=True,
        description="An organisation (province, commune, grassroots organisation, branch…) "
        "was added to the tree.",
    ),
    *(
        EventSpec(model, public=True, description=text)
        for model, text in (
            (registry.OrganisationRenamed, "An organisation carries a new name from a date."),
            (registry.OrganisationMoved, "An organisation hangs under another parent from a date."),
            (registry.OrganisationMerged, "An organisation was merged into another from a date."),
            (registry.OrganisationSplit, "An organisation was split into several from a date."),
            (registry.OrganisationDissolved, "An organisation ceased; its children moved up."),
            (
                registry.OrganisationGoLiveSet,
                "An organisation's go-live date (inherited by its subtree) was set or removed.",
            ),
        )
    ),
    *(
        EventSpec(model, public=False, description=text)
        for model, text in (
            (registry.MemberAdmitted, "A member is on a branch's roll (ids only)."),
            (registry.MemberStatusChanged, "A member's status changed from a date."),
            (registry.MemberTransferred, "A member's home branch changed from a date."),
            (registry.RoleAssigned, "A member holds a role in an organisation for a period."),
            (registry.RoleEnded, "A member's role ended."),
            (registry.ObserverAssigned, "An upper-level committee member follows a branch."),
            (registry.ObserverEnded, "An observer assignment ended."),
            (registry.RotationClusterFormed, "Branches that attend each other's meetings."),
        )
    ),
    EventSpec(
        meetings.MeetingSubmitted,
        public=False,
        description="A branch submitted the complete record of a meeting (ids only, no personal "
        "data). Scoring computes its score from it.",
    ),
    EventSpec(
        meetings.MeetingAmended,
        public=False,
        description="A submitted meeting was amended (a new version, with the reason); scores "
        "follow the latest version.",
    ),
    EventSpec(
        meetings.MeetingFormalityAssessed,
        public=False,
        description="Signals that a meeting was held for form's sake (copied minutes, no "
        "measurable target, speakers not named, unchanged attendance); never change the score.",
    ),
    EventSpec(
        meetings.ObserverReportFiled,
        public=False,
        description="An observer filed the report on a meeting (attendance, scores, requests).",
    ),
    EventSpec(
        meetings.ObserverReportOverdue,
        public=False,
        description="An assigned observer's report is overdue.",
    ),
    EventSpec(
        meetings.MeetingMissed,
        public=True,
        description="A branch held no regular meeting in a month (window plus grace passed).",
    ),
    *(
        EventSpec(model, public=True, description=text)
        for model, text in (
            (meetings.RequestRaised, "A request (kiến nghị) was raised at a meeting."),
            (meetings.RequestAcknowledged, "The addressee acknowledged a request."),
            (meetings.RequestAnswered, "The organisation that owes the answer answered."),
            (meetings.RequestClosed, "The branch was satisfied with the answer."),
            (meetings.RequestReopened, "The branch was not satisfied, or raised it again."),
            (meetings.RequestForwarded, "Forwarded to a higher competence, with a new clock."),
            (meetings.RequestReturned, "Returned to the branch with a reason."),
            (meetings.RequestRejected, "Rejected with an explanation."),
            (meetings.RequestDueSoon, "Part of the time to acknowledge or answer has passed."),
            (meetings.RequestEscalated, "A deadline passed: the next level up must answer."),
        )
    ),
    EventSpec(
        scoring.MeetingScored,
        public=True,
        description="A meeting was scored against a rubric version; carries the total, the grade "
        "and the points of each criterion.",
    ),
    EventSpec(
        scoring.MeetingScoreConfirmed,
        public=False,
        description="The superior committee confirmed a meeting's score, which is now official.",
    ),
    EventSpec(
        scoring.ComplianceFlagged,
        public=False,
        description="A compliance detector fired (missing thematic meeting, unexcused absences, "
        "low attendance, two Kém meetings running, action items without follow-up); once per "
        "kind, subject and period.",
    ),
    EventSpec(
        scoring.ClassificationProposed,
        public=False,
        description="The proposed annual classification of a branch or member (not a decision).",
    ),
    EventSpec(
        scoring.ClassificationDecided,
        public=False,
        description="The superior committee decided an annual classification, with the reason.",
    ),
)

_BY_TYPE = {spec.type: spec for spec in CATALOG}
_BY_KEY = {spec.routing_key: spec for spec in CATALOG}
if len(_BY_TYPE) != len(CATALOG):
    raise RuntimeError("duplicate event type in the catalog")


def routing_key_of(model: type[EventData]) -> str:
    """`meetings.request.raised.v1` for `RequestRaised`."""
    return model.event_type.removeprefix(TYPE_PREFIX)


def verb_of(model: type[EventData]) -> str:
    """`raised` for `RequestRaised` (the past-tense verb of its type)."""
    return routing_key_of(model).split(".")[-2]


def spec_for_type(event_type: str) -> EventSpec:
    try:
        return _BY_TYPE[event_type]
    except KeyError:
        raise UnknownEventType(f"unknown event type {event_type!r}") from None


def spec_for_routing_key(routing_key: str) -> EventSpec:
    try:
        return _BY_KEY[routing_key]
    except KeyError:
        raise UnknownEventType(f"unknown routing key {routing_key!r}") from None
