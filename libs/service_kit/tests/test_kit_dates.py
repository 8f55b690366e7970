"""Plausible dates: the window follows the service's clock and horizon, per request."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, ValidationError

from service_kit.clock import FrozenClock
from service_kit.web.dates import (
    BirthDate,
    DateWindowMiddleware,
    PlausibleDate,
    PlausibleEndDate,
    check_day,
)


class Body(BaseModel):
    on: PlausibleDate | None = None
    until: PlausibleEndDate | None = None
    born: BirthDate | None = None


class Runtime:
    def __init__(self, at: datetime, horizon: int) -> None:
        self.clock = FrozenClock(at)
        self.settings = type("S", (), {"date_horizon_days": horizon})()


def app(runtime: Runtime) -> FastAPI:
    api = FastAPI()

    @api.post("/x")
    async def x(body: Body) -> dict[str, str]:
        return {"ok": "yes"}

    api.add_middleware(DateWindowMiddleware, runtime=runtime)
    return api


async def codes(runtime: Runtime, body: dict[str, str]) -> list[str]:
    transport = httpx.ASGITransport(app=app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.post("/x", json=body)
    return [] if r.status_code == 200 else [e["type"] for e in r.json()["detail"]]


async def test_the_window_is_today_in_vietnam_plus_the_horizon() -> None:
    # 20:00 UTC on 31 Dec is already 1 Jan in Việt Nam.
    runtime = Runtime(datetime(2026, 12, 31, 20, tzinfo=UTC), horizon=10)
    assert await codes(runtime, {"on": "2027-01-11"}) == []
    assert await codes(runtime, {"on": "2027-01-12"}) == ["date-too-late"]
    assert await codes(runtime, {"on": "1929-12-31"}) == ["date-too-early"]
    assert await codes(runtime, {"until": "2031-12-31"}) == []  # a term ahead
    assert await codes(runtime, {"born": "2027-01-01"}) == []
    assert await codes(runtime, {"born": "2027-01-02"}) == ["date-in-future"]
    runtime.clock.advance(days=30)  # the window moves with the service's clock
    assert await codes(runtime, {"on": "2027-01-12"}) == []


def test_outside_a_request_only_the_fixed_bounds_hold() -> None:
    assert Body(on=date(2150, 1, 1)).on == date(2150, 1, 1)
    with pytest.raises(ValidationError):
        Body(on=date(2300, 1, 1))
    assert check_day(date(1930, 1, 1)) == date(1930, 1, 1)
