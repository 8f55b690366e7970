"""Committed schemas match the models, and incompatible changes within a major are caught."""

from __future__ import annotations

import copy
import json

from event_contracts.catalog import CATALOG
from event_contracts.compat import incompatibilities
from event_contracts.schemas import ASYNCAPI_FILE, SCHEMA_DIR, problems, schema_for


def test_committed_schemas_are_current() -> None:
    assert problems() == []


def test_every_type_has_an_asyncapi_entry() -> None:
    doc = json.loads(ASYNCAPI_FILE.read_text(encoding="utf-8"))
    addresses = {c["address"] for c in doc["channels"].values()}
    # A public event's key carries its organisation's path after the type.
    assert addresses == {
        f"{spec.routing_key}.{{organisationPath}}" if spec.public else spec.routing_key
        for spec in CATALOG
    }


def test_every_schema_is_compatible_with_itself() -> None:
    for spec in CATALOG:
        committed = json.loads((SCHEMA_DIR / f"{spec.routing_key}.json").read_text())
        assert incompatibilities(committed, schema_for(spec)) == []


def _scored() -> dict:
    return next(schema_for(s) for s in CATALOG if s.routing_key.startswith("scoring.meeting"))


def test_adding_an_optional_field_is_compatible() -> None:
    old = _scored()
    new = copy.deepcopy(old)
    new["properties"]["comment"] = {"type": "string"}
    assert incompatibilities(old, new) == []


def test_removing_retyping_or_requiring_is_incompatible() -> None:
    old = _scored()
    removed = copy.deepcopy(old)
    del removed["properties"]["grade"]
    retyped = copy.deepcopy(old)
    retyped["properties"]["total_points"] = {"type": "string"}
    required = copy.deepcopy(old)
    required["properties"]["comment"] = {"type": "string"}
    required["required"].append("comment")
    narrowed = copy.deepcopy(old)
    narrowed["properties"]["grade"]["enum"].remove("kem")
    nested = copy.deepcopy(old)
    del nested["$defs"]["CriterionScore"]["properties"]["max_points"]
    assert "property removed" in incompatibilities(old, removed)[0]
    assert "became" in incompatibilities(old, retyped)[0]
    assert "became required" in incompatibilities(old, required)[0]
    assert "enum value" in incompatibilities(old, narrowed)[0]
    assert "criteria[].max_points: property removed" in incompatibilities(old, nested)[0]


def test_stale_file_is_reported(tmp_path, monkeypatch) -> None:
    import event_contracts.schemas as schemas

    for path in SCHEMA_DIR.glob("*.json"):
        (tmp_path / path.name).write_text(path.read_text())
    target = tmp_path / "scoring.meeting.scored.v1.json"
    doc = json.loads(target.read_text())
    doc["properties"]["grade"]["enum"].append("xuat_sac")  # the committed one has more: removal
    target.write_text(json.dumps(doc))
    monkeypatch.setattr(schemas, "SCHEMA_DIR", tmp_path)
    monkeypatch.setattr(schemas, "ASYNCAPI_FILE", tmp_path / "asyncapi.json")
    found = schemas.problems()
    assert any("incompatible" in p and "enum value" in p for p in found)
    assert any("stale" in p for p in found)
