"""Every list, map and string a request body may carry has a bound in the service's OpenAPI
(`maxItems`, `maxProperties`, `maxLength`, or an enum / format / pattern), so a body within the
byte limit still cannot ask for unbounded work item by item. Raw file bodies (an import's CSV or
XLSX) are bounded by the body limit of their path and the import's own caps.

All four services."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest

RAW_MEDIA = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def unbounded(
    schema: dict[str, Any], where: str, components: dict[str, Any], seen: frozenset[str]
) -> Iterator[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from unbounded(components[name], f"{where}→{name}", components, seen | {name})
        return
    kind = schema.get("type")
    if kind == "array" and "maxItems" not in schema:
        yield f"{where}: a list without maxItems"
    is_map = kind == "object" and schema.get("additionalProperties") not in (None, False)
    if is_map and "maxProperties" not in schema:
        yield f"{where}: a map without maxProperties"
    if kind == "string" and not {"maxLength", "enum", "const", "format", "pattern"} & set(schema):
        yield f"{where}: a string without maxLength"
    for key in ("items", "additionalProperties", "propertyNames"):
        if isinstance(schema.get(key), dict):
            yield from unbounded(schema[key], f"{where}[{key}]", components, seen)
    for name, sub in schema.get("properties", {}).items():
        yield from unbounded(sub, f"{where}.{name}", components, seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            yield from unbounded(sub, where, components, seen)


@pytest.mark.parametrize("service", ["registry", "meetings", "scoring", "notifications"])
def test_every_list_map_and_string_of_a_request_body_is_bounded(service: str) -> None:
    spec = importlib.import_module(f"{service}.main").build_app().openapi()
    components = spec.get("components", {}).get("schemas", {})
    found = [
        problem
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        for media, content in operation.get("requestBody", {}).get("content", {}).items()
        if media not in RAW_MEDIA
        for problem in unbounded(
            content.get("schema", {}), f"{method.upper()} {path}", components, frozenset()
        )
    ]
    assert not found, "\n".join(found)
