"""Making and reading envelopes: a new CloudEvent around validated data, and a received one
parsed back to its data model, both through the catalog (which type, which schema)."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import ValidationError

from event_contracts.catalog import UnknownEventType, spec_for_type
from event_contracts.envelope import CloudEvent, EnvelopeError, EventData, new_event_id


def make_event(
    data: EventData,
    *,
    source: str,
    subject: str,
    correlationid: str | None = None,
    causationid: str | None = None,
    traceparent: str | None = None,
    time: datetime | None = None,
) -> CloudEvent:
    """Wrap already validated data into a new envelope with a fresh, permanent id."""
    spec = spec_for_type(data.event_type)
    if not isinstance(data, spec.model):
        raise EnvelopeError(f"{type(data).__name__} is not the data model of {spec.type}")
    return CloudEvent(
        id=new_event_id(),
        source=source,
        type=spec.type,
        time=time or datetime.now(UTC),
        subject=subject,
        dataschema=spec.dataschema,
        correlationid=correlationid,
        causationid=causationid,
        traceparent=traceparent,
        data=data.model_dump(mode="json"),
    )


def parse_envelope(body: bytes) -> tuple[CloudEvent, EventData]:
    """Read an envelope tolerantly; raise EnvelopeError when it can never be understood."""
    try:
        event = CloudEvent.model_validate_json(body)
    except ValidationError as exc:
        raise EnvelopeError(f"invalid CloudEvent envelope: {_short(exc)}") from exc
    try:
        spec = spec_for_type(event.type)
    except UnknownEventType as exc:
        raise EnvelopeError(str(exc)) from exc
    try:
        data = spec.model.model_validate(event.data)
    except ValidationError as exc:
        raise EnvelopeError(f"invalid data for {event.type}: {_short(exc)}") from exc
    return event, data


def _short(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in exc.errors()[:5]
    )
