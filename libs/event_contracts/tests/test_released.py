"""The schema evolution guard: every public event released before is still published, and its
schema today still reads as the released one did for a consumer written against it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from event_contracts import CATALOG, schemas
from event_contracts.schemas import RELEASED_DIR, released_problems, schema_for


def test_a_release_baseline_is_committed() -> None:
    """1.0.0: the public schemas before agencies' replay and feed (the first onboarding). New
    public types join the next release's snapshot (`python -m event_contracts release <v>`)."""
    released = {p.name for p in RELEASED_DIR.glob("1.0.0/*.json")}
    assert "meetings.request.escalated.v1.json" in released and len(released) >= 18


def test_public_schemas_are_compatible_with_every_release() -> None:
    assert released_problems() == []


def _release(tmp_path: Path, key: str, schema: dict[str, object]) -> None:
    folder = tmp_path / "9.9.9"
    folder.mkdir(exist_ok=True)
    (folder / f"{key}.json").write_text(json.dumps(schema), encoding="utf-8")


def test_the_guard_fails_on_an_incompatible_change_without_a_new_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = next(s for s in CATALOG if s.routing_key == "meetings.request.escalated.v1")
    today = schema_for(spec)
    # As if the release had a property that today's model dropped, and one that was optional
    # then and is required now.
    released = json.loads(json.dumps(today))
    released["properties"]["old_reason"] = {"type": "string"}
    released["required"] = [r for r in released["required"] if r != "request_id"]
    _release(tmp_path, spec.routing_key, released)
    # And a released public type that is no longer published.
    _release(tmp_path, "meetings.request.vanished.v1", {"type": "object"})
    monkeypatch.setattr(schemas, "RELEASED_DIR", tmp_path)
    found = "\n".join(released_problems())
    assert ".old_reason: property removed" in found
    assert ".request_id: property became required" in found
    assert "meetings.request.vanished.v1 (released in 9.9.9) is no longer published" in found
    assert "publish a new type" in found
    assert any("release 9.9.9" in p for p in schemas.problems())  # `make test` runs `check`


def test_an_added_optional_field_is_compatible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = next(s for s in CATALOG if s.routing_key == "scoring.meeting.scored.v1")
    released = json.loads(json.dumps(schema_for(spec)))
    optional = [n for n in released["properties"] if n not in released.get("required", [])]
    assert optional  # today's model has fields the release may not have had
    for name in optional:
        del released["properties"][name]
    _release(tmp_path, spec.routing_key, released)
    monkeypatch.setattr(schemas, "RELEASED_DIR", tmp_path)
    assert released_problems() == []
