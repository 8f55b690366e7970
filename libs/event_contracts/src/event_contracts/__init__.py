"""The public contract of chibo's events: CloudEvents envelope, data models and their catalog."""

from event_contracts.catalog import CATALOG, EventSpec, spec_for_routing_key, spec_for_type
from event_contracts.codec import make_event, parse_envelope
from event_contracts.envelope import CloudEvent, EnvelopeError, EventData

__all__ = [
    "CATALOG",
    "CloudEvent",
    "EnvelopeError",
    "EventData",
    "EventSpec",
    "make_event",
    "parse_envelope",
    "spec_for_routing_key",
    "spec_for_type",
]
