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
# One folder per release of the contract: the public schemas as agencies received them.
RELEASED_DIR = Path(__file__).resolve().parents[2] / "released"


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


PATH_PARAMETER = {
    "description": "The ids of the organisation the event is about (its branch, else its "
    "organisation) and of its ancestors, from the province down, separated by dots; absent "
    "when the producer could not place it. Bind `<type>.#` for every event of the type, "
    "`<type>.<province id>.<commune id>.#` for one commune's subtree."
}


def asyncapi(*, public_only: bool = False) -> dict[str, Any]:
    """The document of every event type (committed), or of the public ones (served)."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for spec in CATALOG:
        if public_only and not spec.public:
            continue
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
            "address": f"{spec.routing_key}.{{organisationPath}}"
            if spec.public
            else spec.routing_key,
            **({"parameters": {"organisationPath": PATH_PARAMETER}} if spec.public else {}),
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
            "exchange `events`; public types are also routed to `events.public`, from which each "
            "AMQP agency's own stream `ext.<agency>.stream` is bound to its granted subtrees. "
            "A public event's routing key is its type followed by the path of the organisation "
            "it is about. The same events are served over HTTP by `GET /v1/agency-feed` of "
            "notifications and pushed by signed webhooks. Guide: docs/agencies.md.",
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
    return found + released_problems()


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


def release(version: str) -> list[Path]:
    """Snapshot the public schemas as release `version` (run when a release is cut)."""
    folder = RELEASED_DIR / version
    folder.mkdir(parents=True, exist_ok=False)
    written = []
    for spec in CATALOG:
        if spec.public:
            path = folder / f"{spec.routing_key}.json"
            path.write_text(_dump(schema_for(spec)), encoding="utf-8")
            written.append(path)
    return written


def released_problems() -> list[str]:
    """A public event released before must still be published under the same type, and every
    event valid under the new schema must be valid for a consumer of the released one: an
    incompatible change needs a new type `….v<N+1>` (published beside the old one until the
    old one's sunset, docs/agencies.md)."""
    found: list[str] = []
    current = {spec.routing_key: spec for spec in CATALOG}
    for folder in sorted(p for p in RELEASED_DIR.glob("*") if p.is_dir()):
        for path in sorted(folder.glob("*.json")):
            key = path.name.removesuffix(".json")
            spec = current.get(key)
            if spec is None or not spec.public:
                found.append(
                    f"{key} (released in {folder.name}) is no longer published as a public type"
                )
                continue
            for reason in incompatibilities(json.loads(path.read_text("utf-8")), schema_for(spec)):
                found.append(
                    f"{key}: incompatible with release {folder.name} ({reason}); "
                    "publish a new type ….v<N+1> instead"
                )
    return found
