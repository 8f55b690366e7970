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


CATALOG: tuple[EventSpec, ...] = (
    EventSpec(
        registry.OrganisationRegistered,
        public=True,
        description="An organisation (province, commune, grassroots organisation, branch…) "
        "was added to the tree.",
    ),
    EventSpec(
        meetings.MeetingSubmitted,
        public=False,
        description="A branch submitted the complete record of a meeting (ids only, no personal "
        "data). Scoring computes its score from it.",
    ),
    EventSpec(
        scoring.MeetingScored,
        public=True,
        description="A meeting was scored against a rubric version; carries the total, the grade "
        "and the points of each criterion.",
    ),
)

_BY_TYPE = {spec.type: spec for spec in CATALOG}
_BY_KEY = {spec.routing_key: spec for spec in CATALOG}
if len(_BY_TYPE) != len(CATALOG):
    raise RuntimeError("duplicate event type in the catalog")


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
