"""`GET /schemas/events/<type key>.json`: each public event's JSON Schema at the path of its
`dataschema` (`https://chibo.vn/schemas/events/<type key>.json`, the deployment's public host
routing `/schemas/` here), and `GET /schemas/events/asyncapi.json`: the AsyncAPI document of the
public events. Public, no token: what an integrator needs before having one. Internal event
types are not served."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from fastapi import APIRouter, Response

from event_contracts import CATALOG
from event_contracts.schemas import asyncapi, schema_for
from service_kit.web.problems import Problem

router = APIRouter(prefix="/schemas/events", tags=["contract"])

MEDIA_TYPE = "application/schema+json"
CACHE = "public, max-age=3600"


@cache
def _documents() -> dict[str, bytes]:
    def dump(doc: dict[str, Any]) -> bytes:
        return json.dumps(doc, ensure_ascii=False, sort_keys=True).encode()

    docs = {f"{s.routing_key}.json": dump(schema_for(s)) for s in CATALOG if s.public}
    docs["asyncapi.json"] = dump(asyncapi(public_only=True))
    return docs


@router.get("/asyncapi.json", summary="AsyncAPI 3.0 document of the public events")
async def asyncapi_document() -> Response:
    return Response(
        _documents()["asyncapi.json"],
        media_type="application/json",
        headers={"Cache-Control": CACHE},
    )


@router.get("/{file}", summary="JSON Schema of one public event type (its dataschema)")
async def event_schema(file: str) -> Response:
    found = _documents().get(file)
    if found is None or file == "asyncapi.json":
        raise Problem(404, "not-found", f"Không có lược đồ công khai {file[:100]!r}.")
    return Response(found, media_type=MEDIA_TYPE, headers={"Cache-Control": CACHE})
