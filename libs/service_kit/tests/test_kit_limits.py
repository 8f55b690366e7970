"""Request bodies bounded on every service (`create_app`): over Content-Length → 413 before the
route runs; a body sent without a length (chunked) stops being read at the limit; a path prefix
may allow more; JSON bodies, raw bodies and bodies nobody reads alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from pydantic import BaseModel

from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings
from service_kit.web.app import create_app
from service_kit.web.limits import BodyLimits, describe
from service_kit.web.permissions import permissions

LIMIT = 4096
BIG = 64 * 1024


class Note(BaseModel):
    text: str


def build(tmp_path: Path, reached: list[str]) -> FastAPI:
    settings = ServiceSettings(
        service_name="kit",
        database_url=f"sqlite+aiosqlite:///{tmp_path}/kit.db",
        max_body_bytes=LIMIT,
    )
    public = APIRouter()

    @public.post("/v1/raw")
    async def raw(request: Request) -> dict[str, int]:
        reached.append("raw")
        return {"bytes": len(await request.body())}

    @public.post("/v1/note")
    async def note(body: Note) -> dict[str, int]:
        reached.append("note")
        return {"chars": len(body.text)}

    @public.post("/v1/ignore")
    async def ignore() -> dict[str, str]:
        reached.append("ignore")
        return {"status": "ok"}

    @public.post("/v1/big/raw")
    async def big(request: Request) -> dict[str, int]:
        reached.append("big")
        return {"bytes": len(await request.body())}

    class Tree:
        async def ancestors(self, *_: Any) -> list[str]:
            return []

        def subtree(self, *_: Any) -> Any:
            raise NotImplementedError

    return create_app(
        ServiceRuntime(settings, migrations_dir=tmp_path),
        title="kit",
        description="kit",
        routers=[],
        public_routers=[public],
        scope_tree=Tree(),
        scope_resolvers={},
        permissions=permissions([], {}, {}),
        body_limits={"/v1/big/": BIG},
    )


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, list[str]]]:
    reached: list[str] = []
    app = build(tmp_path, reached)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://k") as c:
        yield c, reached


def chunks(count: int, size: int, sent: list[int]) -> AsyncIterator[bytes]:
    async def gen() -> AsyncIterator[bytes]:
        for _ in range(count):
            sent.append(size)
            yield b"x" * size

    return gen()


def assert_413(response: httpx.Response, limit: int) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["connection"] == "close"
    body = response.json()
    assert body["code"] == "body-too-large" and body["limit_bytes"] == limit
    assert describe(limit) in body["detail"] and "vượt quá giới hạn" in body["detail"]


async def test_a_declared_length_over_the_limit_is_refused_before_the_route_runs(
    client: tuple[httpx.AsyncClient, list[str]],
) -> None:
    c, reached = client
    for path in ("/v1/raw", "/v1/note", "/v1/ignore"):
        assert_413(await c.post(path, content=b"x" * (LIMIT + 1)), LIMIT)
    assert reached == []
    assert (await c.post("/v1/raw", content=b"x" * LIMIT)).json() == {"bytes": LIMIT}
    assert (await c.post("/v1/note", json={"text": "ngắn"})).json() == {"chars": 4}


async def test_a_body_without_a_length_stops_being_read_at_the_limit(
    client: tuple[httpx.AsyncClient, list[str]],
) -> None:
    c, reached = client
    sent: list[int] = []
    response = await c.post("/v1/raw", content=chunks(10_000, 1024, sent))
    assert_413(response, LIMIT)
    assert sum(sent) <= LIMIT + 2 * 1024  # read up to the limit, not the 10 MB offered
    # A JSON body is parsed by FastAPI itself: still 413, not "cannot parse" 400.
    sent.clear()
    assert_413(await c.post("/v1/note", content=chunks(10_000, 1024, sent)), LIMIT)
    assert sum(sent) <= LIMIT + 2 * 1024
    assert reached == ["raw"]  # the raw route started reading; the JSON route never ran
    small: list[int] = []
    assert (await c.post("/v1/raw", content=chunks(3, 1000, small))).json() == {"bytes": 3000}


async def test_a_path_prefix_may_take_more(client: tuple[httpx.AsyncClient, list[str]]) -> None:
    c, _ = client
    assert (await c.post("/v1/big/raw", content=b"x" * (BIG - 1))).json() == {"bytes": BIG - 1}
    assert_413(await c.post("/v1/big/raw", content=b"x" * (BIG + 1)), BIG)
    sent: list[int] = []
    assert_413(await c.post("/v1/big/raw", content=chunks(1000, 1024, sent)), BIG)
    assert sum(sent) <= BIG + 2 * 1024


def test_the_longest_prefix_wins_and_sizes_read_well() -> None:
    limits = BodyLimits(100, {"/v1/": 200, "/v1/imports/": 300})
    assert limits.for_path("/healthz") == 100
    assert limits.for_path("/v1/members") == 200
    assert limits.for_path("/v1/imports/members") == 300
    assert [describe(n) for n in (1024 * 1024, 10 * 1024 * 1024, 1536, 900)] == [
        "1 MiB",
        "10 MiB",
        "1.5 KiB",
        "900 byte",
    ]
    with pytest.raises(ValueError):
        BodyLimits(-1)
