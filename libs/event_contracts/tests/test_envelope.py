"""The envelope: strict on produce, tolerant on consume, permanent ids."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pydantic import ValidationError

from event_contracts import EnvelopeError, make_event, parse_envelope
from event_contracts.events.registry import OrganisationRegistered


def _org(**overrides: object) -> OrganisationRegistered:
    fields: dict[str, object] = {
        "aggregate_version": 1,
        "organisation_id": "org-1",
        "code": "HT.TH.01",
        "name": "Chi bộ thôn Đông Hà",
        "kind": "grassroots_branch",
        "parent_id": None,
        "valid_from": date(2025, 7, 1),
    }
    fields.update(overrides)
    return OrganisationRegistered.produce(**fields)


def test_produce_refuses_unknown_fields() -> None:
    with pytest.raises(ValidationError, match="unknown field"):
        _org(nickname="x")


def test_produce_requires_aggregate_version() -> None:
    with pytest.raises(ValidationError, match="aggregate_version"):
        _org(aggregate_version=0)


def test_round_trip_and_tolerant_read() -> None:
    event = make_event(_org(), source="/services/registry", subject="organisations/org-1")
    assert event.type == "vn.chibo.registry.organisation.registered.v1"
    assert event.routing_key == "registry.organisation.registered.v1"
    body = json.loads(event.to_json())
    body["data"]["added_later"] = "ignored by old consumers"
    body["newextension"] = "kept"
    parsed, data = parse_envelope(json.dumps(body).encode())
    assert parsed.id == event.id
    assert isinstance(data, OrganisationRegistered)
    assert data.name == "Chi bộ thôn Đông Hà"


def test_ids_are_unique_and_time_ordered() -> None:
    ids = [make_event(_org(), source="/s", subject="x").id for _ in range(200)]
    assert len(set(ids)) == 200
    assert all(i[14] == "7" for i in ids)  # UUID version 7
    assert [i[:13] for i in ids] == sorted(i[:13] for i in ids)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "invalid CloudEvent envelope"),
        (
            json.dumps(
                {
                    "id": "1",
                    "source": "/s",
                    "type": "vn.chibo.x.y.z.v1",
                    "time": "2026-01-01T00:00:00Z",
                    "data": {},
                }
            ).encode(),
            "unknown event type",
        ),
        (
            json.dumps(
                {
                    "id": "1",
                    "source": "/s",
                    "type": "vn.chibo.registry.organisation.registered.v1",
                    "time": "2026-01-01T00:00:00Z",
                    "data": {"aggregate_version": 1},
                }
            ).encode(),
            "invalid data",
        ),
    ],
)
def test_unreadable_envelopes_are_permanent_errors(body: bytes, reason: str) -> None:
    with pytest.raises(EnvelopeError, match=reason):
        parse_envelope(body)
