"""Every service's API: errors documented as problem+json, /v1 prefix, operations summarised."""

from __future__ import annotations

import importlib

import pytest

SERVICES = ("registry", "meetings", "scoring", "notifications")


@pytest.mark.parametrize("service", SERVICES)
def test_openapi_is_versioned_and_summarised(service: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    main = importlib.import_module(f"{service}.main")
    settings_mod = importlib.import_module(f"{service}.settings")
    settings_cls = next(
        v
        for k, v in vars(settings_mod).items()
        if k.endswith("Settings") and k != "ServiceSettings"
    )
    app = main.build_app(settings_cls(database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db"))
    doc = app.openapi()
    # Health probes, well-known URIs (RFC 8615, e.g. the JWKS) and the event contract's
    # documents (at the path of each event's `dataschema`) live outside the version.
    outside = ("/healthz", "/.well-known/", "/schemas/events/")
    paths = [p for p in doc["paths"] if not p.startswith(outside)]
    assert paths and all(p.startswith("/v1/") for p in paths)
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op.get("summary"), f"{method.upper()} {path} has no summary"
