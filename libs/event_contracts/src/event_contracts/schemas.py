"""JSON Schemas and the AsyncAPI document, generated from the catalog and committed.

`python -m event_contracts generate` rewrites them; `python -m event_contracts check` (and the
contract tests) fail when a model changed without regenerating, or changed incompatibly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from event_contracts.catalog import CATALOG, EventSpec
from event_contracts.compat import incompatibilities
from event_contracts.envelope import CONTENT_TYPE

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
ASYNCAPI_FILE = SCHEMA_DIR / "asyncapi.json"


def schema_for(spec: EventSpec) -> dict[str, Any]:
    schema = spec.model.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": spec.dataschema,
        "x-event-type": spec.type,
        "x-routing-key": spec.routing_key,
        "x-public": spec.public,
        **schema,
    }


def asyncapi() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for spec in CATALOG:
        name = spec.routing_key.replace(".", "_")
        messages[name] = {
            "name": spec.type,
            "title": spec.type,
            "summary": spec.description,
            "contentType": CONTENT_TYPE,
            "payload": {"$ref": f"{spec.routing_key}.json"},
            "x-public": spec.public,
        }
        channels[name] = {
            "address": spec.routing_key,
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {
                        "name": "events.public" if spec.public else "events",
                        "type": "topic",
                        "durable": True,
                        "autoDelete": False,
                        "vhost": "/",
                    },
                }
            },
        }
        operations[f"receive_{name}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{name}"},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "chibo events",
            "version": "1.0.0",
            "description": "CloudEvents 1.0 (structured JSON mode) published on the topic "
            "exchange `events`; public types are also routed to `events.public`, the only "
            "exchange agencies can read.",
        },
        "defaultContentType": CONTENT_TYPE,
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def _dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def expected_files() -> dict[Path, str]:
    files = {SCHEMA_DIR / f"{spec.routing_key}.json": _dump(schema_for(spec)) for spec in CATALOG}
    files[ASYNCAPI_FILE] = _dump(asyncapi())
    return files


def problems() -> list[str]:
    """What is wrong with the committed files, as sentences; empty when all is in order."""
    found: list[str] = []
    expected = expected_files()
    for path, text in expected.items():
        if not path.exists():
            found.append(f"{path.name} is missing: run `python -m event_contracts generate`")
            continue
        committed = path.read_text(encoding="utf-8")
        if committed == text:
            continue
        if path != ASYNCAPI_FILE:
            for reason in incompatibilities(json.loads(committed), json.loads(text)):
                found.append(
                    f"{path.name}: incompatible change inside a major version ({reason}); "
                    "publish a new type ….v<N+1> instead"
                )
        found.append(f"{path.name} is stale: run `python -m event_contracts generate`")
    for path in SCHEMA_DIR.glob("*.json"):
        if path not in expected:
            found.append(f"{path.name} has no event type in the catalog any more")
    return found


def generate() -> list[Path]:
    """Write every file; refuse when a change is incompatible within a major version."""
    incompatible = [p for p in problems() if "incompatible" in p]
    if incompatible:
        raise SystemExit("\n".join(incompatible))
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for path, text in expected_files().items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
