"""Every field a client sends — each property of every request body (nested ones too), each query,
path and header parameter — has Vietnamese words in the glossary
(`service_kit.web.field_names`), so a validation error names it in words: "Thiếu ngày họp
(held_on)." A map's keys (a branch id → its group) are data, not fields, and are not walked.

All four services."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest

from service_kit.web.field_names import words_for

RAW_MEDIA = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def fields(
    schema: dict[str, Any], where: str, components: dict[str, Any], seen: frozenset[str]
) -> Iterator[tuple[str, str]]:
    """(field name, where it is) for every property under `schema`."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from fields(components[name], f"{where}→{name}", components, seen | {name})
        return
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from fields(schema[key], where, components, seen)
    for name, sub in schema.get("properties", {}).items():
        yield name, f"{where}.{name}"
        yield from fields(sub, f"{where}.{name}", components, seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            yield from fields(sub, where, components, seen)


def request_fields(service: str) -> Iterator[tuple[str, str]]:
    spec = importlib.import_module(f"{service}.main").build_app().openapi()
    components = spec.get("components", {}).get("schemas", {})
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            where = f"{service} {method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                yield parameter["name"], f"{where} ({parameter['in']})"
            for media, content in operation.get("requestBody", {}).get("content", {}).items():
                if media not in RAW_MEDIA:
                    yield from fields(content.get("schema", {}), where, components, frozenset())


@pytest.mark.parametrize("service", ["registry", "meetings", "scoring", "notifications"])
def test_every_field_of_a_request_has_vietnamese_words(service: str) -> None:
    found = list(request_fields(service))
    assert len(found) > 20, found  # the walk reached the bodies
    missing = sorted({f"{name}: {where}" for name, where in found if words_for(name) is None})
    assert not missing, (
        "add these to service_kit/web/field_names.py (Vietnamese words):\n" + "\n".join(missing)
    )
