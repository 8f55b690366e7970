"""Plausible dates at every route of every service, generated from their OpenAPI documents (#19).

Every date or date-time a request body carries — found by walking each service's schema, so a
new route or field cannot escape — is sent once far in the future and once long ago: each must
be answered 422 naming that field. Every query or path parameter that parses a date, a month, a
year or a period is sent garbage: 422 naming the parameter, never a 500.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from chibo_testing.plugin import migrated
from chibo_testing.tokens import bearer, signed_client
from service_kit.grants import AccessRole, Grant

SERVICES = ("registry", "meetings", "scoring", "notifications")
FAR_FUTURE = {"date": "2999-01-01", "date-time": "2999-01-01T09:00:00+07:00"}
ANCIENT = {"date": "1800-01-01", "date-time": "1800-01-01T09:00:00+07:00"}
GARBAGE = ("garbage", "0000-00", "2026-13-45", "99999")
DATE_LIKE_NAMES = {"month", "year", "period", "on", "date"}


@dataclass(frozen=True)
class DateField:
    method: str
    path: str
    pointer: str  # JSON Pointer into the body, array items at index 0
    format: str

    def body(self, value: str) -> Any:
        """The smallest body that puts `value` at `pointer` (other fields left out)."""
        parts = self.pointer.strip("/").split("/")
        built: Any = value
        for part in reversed(parts):
            built = [built] if part == "0" else {part: built}
        return built


@dataclass(frozen=True)
class DateParam:
    method: str
    path: str
    where: str  # query or path
    name: str


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    for _ in range(20):
        if "$ref" not in schema:
            return schema
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    raise AssertionError("a $ref cycle")


def _date_pointers(
    doc: dict[str, Any], schema: dict[str, Any], pointer: str = "", depth: int = 0
) -> Iterator[tuple[str, str]]:
    if depth > 8:
        return
    schema = _resolve(doc, schema)
    if schema.get("format") in ("date", "date-time"):
        yield pointer, schema["format"]
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _date_pointers(doc, option, pointer, depth + 1)
    for name, sub in schema.get("properties", {}).items():
        yield from _date_pointers(doc, sub, f"{pointer}/{name}", depth + 1)
    if schema.get("type") == "array" and "items" in schema:
        yield from _date_pointers(doc, schema["items"], f"{pointer}/0", depth + 1)


def _is_date_like(doc: dict[str, Any], param: dict[str, Any]) -> bool:
    schema = _resolve(doc, param.get("schema", {}))
    formats = {_resolve(doc, s).get("format") for s in [schema, *schema.get("anyOf", [])]}
    return bool(formats & {"date", "date-time"}) or param["name"] in DATE_LIKE_NAMES


def _app(service: str, url: str) -> Any:
    main = importlib.import_module(f"{service}.main")
    settings_mod = importlib.import_module(f"{service}.settings")
    settings_cls = next(
        v
        for k, v in vars(settings_mod).items()
        if k.endswith("Settings") and k != "ServiceSettings"
    )
    return main.build_app(settings_cls(database_url=url))


def _inventory() -> tuple[list[tuple[str, DateField]], list[tuple[str, DateParam]]]:
    fields: list[tuple[str, DateField]] = []
    params: list[tuple[str, DateParam]] = []
    for service in SERVICES:
        doc = _app(service, "sqlite+aiosqlite:///unused.db").openapi()
        for path, ops in doc["paths"].items():
            for method, op in ops.items():
                content = (op.get("requestBody") or {}).get("content", {})
                schema = content.get("application/json", {}).get("schema")
                if schema is not None:
                    for pointer, fmt in dict.fromkeys(_date_pointers(doc, schema)):
                        fields.append((service, DateField(method.upper(), path, pointer, fmt)))
                for param in op.get("parameters", []):
                    if param["in"] in ("query", "path") and _is_date_like(doc, param):
                        params.append(
                            (service, DateParam(method.upper(), path, param["in"], param["name"]))
                        )
    return fields, params


FIELDS, PARAMS = _inventory()


def test_the_inventory_finds_what_is_known() -> None:
    """The walker sees the fields and parameters #19 named (a broken walker tests nothing)."""
    found = {(s, f.method, f.path, f.pointer) for s, f in FIELDS}
    for known in [
        ("meetings", "POST", "/v1/meetings", "/held_on"),
        ("meetings", "POST", "/v1/meetings", "/action_items/0/due_on"),
        ("meetings", "POST", "/v1/meetings/{meeting_id}/amendments", "/record/started_at"),
        ("registry", "POST", "/v1/organisations/{organisation_id}/rename", "/on"),
        ("registry", "POST", "/v1/members", "/date_of_birth"),
        ("notifications", "POST", "/v1/rules/versions", "/effective_at"),
    ]:
        assert known in found, known
    names = {(s, p.path, p.name) for s, p in PARAMS}
    assert ("meetings", "/v1/meetings", "month") in names
    assert ("registry", "/v1/organisations", "on") in names
    assert ("scoring", "/v1/classifications/{year}", "year") in names


def _token() -> dict[str, str]:
    """Every role, held at the province: nothing but the body stands between call and answer."""
    grants = [Grant(role, "tinh-test", province=True) for role in AccessRole]
    return bearer("tinh-test", "province", grants=grants, member_id="m-test")


@pytest.fixture(params=SERVICES)
async def client(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    service = request.param
    url = f"sqlite+aiosqlite:///{tmp_path}/{service}.db"
    main = importlib.import_module(f"{service}.main")
    db = await migrated(url, Path(main.MIGRATIONS))
    await db.dispose()
    app = _app(service, url)
    async with signed_client(app, f"http://{service}", headers=_token()) as c:
        yield service, c
    await app.state.runtime.db.dispose()


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def _pointers(response: httpx.Response) -> list[tuple[str, str]]:
    return [(e["pointer"], e.get("code", "")) for e in response.json().get("errors", [])]


async def test_every_body_date_is_held_to_its_window(client) -> None:  # type: ignore[no-untyped-def]
    service, c = client
    mine = [f for s, f in FIELDS if s == service]
    failures = []
    for field in mine:
        for label, values in (("far future", FAR_FUTURE), ("ancient", ANCIENT)):
            r = await c.request(
                field.method,
                _url(field.path),
                json=field.body(values[field.format]),
                headers={"Idempotency-Key": f"{field.pointer}-{label}"},
            )
            found = _pointers(r) if r.status_code == 422 else []
            codes = [code for pointer, code in found if pointer == field.pointer]
            if not codes or not all(code.startswith("date-") for code in codes):
                failures.append(f"{field.method} {field.path} {field.pointer} {label}: {r.text}")
    assert not failures, "\n".join(failures)


async def test_every_date_like_parameter_answers_422_on_garbage(client) -> None:  # type: ignore[no-untyped-def]
    service, c = client
    mine = [p for s, p in PARAMS if s == service]
    failures = []
    for param in mine:
        for garbage in GARBAGE:
            path = _url(param.path)
            query: dict[str, str] = {}
            if param.where == "path":
                path = re.sub(r"\{" + param.name + r"\}", garbage, param.path)
                path = _url(path)
            else:
                query[param.name] = garbage
            r = await c.request(
                param.method,
                path,
                params=query,
                json={} if param.method != "GET" else None,
                headers={"Idempotency-Key": f"{param.name}-{garbage}"},
            )
            pointer = f"#{param.where}/{param.name}"
            if r.status_code != 422 or pointer not in [p for p, _ in _pointers(r)]:
                failures.append(f"{param.method} {path} {param.name}={garbage}: {r.status_code}")
    assert not failures, "\n".join(failures)
