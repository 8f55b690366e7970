"""The scoring HTTP API in-process (no broker): scores, confirmation, roll-ups, problem+json."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from scoring_factories import ALL_STEPS, RUBRICS, facts, scoring_app

from chibo_testing.tokens import signed_client
from scoring.meeting_scores.service import score_submitted_meeting
from service_kit.outbox import OutboxEvent

PROBLEM = "application/problem+json"
GOOD = {"points": {"C3": 2, "C4": 5, "C5": 4}, "reason": "Cấp ủy xã đánh giá lại phần điều hành"}


@pytest.fixture
async def api(sqlite_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    app = await scoring_app(sqlite_url)
    runtime = app.state.runtime
    async with runtime.uow() as uow:
        # Full marks but for the documents posted within 2 days (C7, 1 point): 99, Tốt.
        steps = [s for s in ALL_STEPS if s != "documents_posted"]
        meeting = facts(meeting_id="mt-1", branch_id="b-1", agenda_steps_completed=steps)
        await score_submitted_meeting(uow, RUBRICS, meeting)
        await uow.commit()
    async with signed_client(app, "http://scoring") as client:
        yield client, runtime
    await runtime.db.dispose()


async def confirmed_events(runtime: Any) -> int:
    async with runtime.db.session() as session:
        stmt = sa.select(sa.func.count()).where(
            OutboxEvent.event_type == "vn.chibo.scoring.meeting.confirmed.v1"
        )
        return int((await session.execute(stmt)).scalar_one())


async def test_score_shows_the_sheets_side_by_side(api: Any) -> None:
    client, _ = api
    body = (await client.get("/v1/meeting-scores/mt-1")).json()
    assert body["official_source"] == "self" and body["total_points"] == 99
    assert body["self_score"] == {
        "total_points": 99,
        "grade": "tot",
        "difference_to_self": 0,
        "manual_points": {"C3": 3, "C4": 20, "C5": 5},
    }
    assert body["observer_score"] is None and body["confirmed_score"] is None


async def test_unknown_score_is_a_problem(api: Any) -> None:
    client, _ = api
    response = await client.get("/v1/meeting-scores/nope")
    assert response.status_code == 404 and response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "score-not-found"


async def test_confirmation_becomes_the_official_score_once(api: Any) -> None:
    client, runtime = api
    response = await client.post(
        "/v1/meeting-scores/mt-1/confirmation", json=GOOD, headers={"Idempotency-Key": "c-1"}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["official_source"] == "confirmed"
    assert body["total_points"] == 99 - 1 - 15 - 1 == body["confirmed_score"]["total_points"]
    assert body["confirmed_score"]["difference_to_self"] == -17
    assert body["grade"] == "kha" and body["self_score"]["grade"] == "tot"
    assert body["confirmation_reason"] == GOOD["reason"]
    assert (await client.get("/v1/meeting-scores/mt-1")).json() == body

    again = await client.post(
        "/v1/meeting-scores/mt-1/confirmation", json=GOOD, headers={"Idempotency-Key": "c-1"}
    )
    assert again.status_code == 201 and again.json() == body
    assert again.headers["Idempotent-Replayed"] == "true"
    other = await client.post(
        "/v1/meeting-scores/mt-1/confirmation", json=GOOD, headers={"Idempotency-Key": "c-2"}
    )
    assert other.status_code == 409 and other.json()["code"] == "score-already-confirmed"
    assert await confirmed_events(runtime) == 1


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        (
            {"points": {"C3": 2, "C4": 25, "C9": 1}, "reason": "vì sao"},
            ["/points/C9", "/points/C5", "/points/C4"],
        ),
        ({"points": {"C3": 2, "C4": 15, "C5": 4}}, ["/reason"]),
        ({"points": {"C3": "nhiều"}, "reason": "vì sao"}, ["/points/C3"]),
        ({"points": {"C3": 2, "C4": 15, "C5": 4}, "reason": "ok", "by": "x"}, ["/reason", "/by"]),
    ],
)
async def test_bad_confirmation_names_the_fields(
    api: Any, body: dict[str, Any], pointers: list[str]
) -> None:
    client, runtime = api
    response = await client.post(
        "/v1/meeting-scores/mt-1/confirmation", json=body, headers={"Idempotency-Key": "bad"}
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert [e["pointer"] for e in response.json()["errors"]] == pointers
    assert await confirmed_events(runtime) == 0


async def test_confirmation_needs_a_key_and_a_score(api: Any) -> None:
    client, _ = api
    missing_key = await client.post("/v1/meeting-scores/mt-1/confirmation", json=GOOD)
    assert (
        missing_key.status_code == 400 and missing_key.json()["code"] == "idempotency-key-missing"
    )
    unknown = await client.post(
        "/v1/meeting-scores/nope/confirmation", json=GOOD, headers={"Idempotency-Key": "k"}
    )
    assert unknown.status_code == 404 and unknown.headers["content-type"] == PROBLEM


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "2026-H3", "26", "2026-q3", ""])
async def test_bad_period_is_a_problem_naming_the_parameter(api: Any, period: str) -> None:
    client, _ = api
    response = await client.get("/v1/branches/b-1/rollups", params={"period": period})
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    assert response.json()["errors"][0]["pointer"] == "#query/period"


async def test_rollup_of_a_quarter(api: Any) -> None:
    client, _ = api
    response = await client.get("/v1/branches/b-1/rollups", params={"period": "2026-Q4"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["starts_on"], body["ends_on"]) == ("2026-10-01", "2026-12-31")
    assert body["meetings"] == 1 and body["by_grade"]["tot"] == 1
    assert body["thematic_required"] == 1 and body["thematic_held"] == 0
    assert body["criteria_lost"][0] == {
        "code": "C7",
        "name": "Kết thúc sinh hoạt",
        "points_lost": 1,
        "meetings_below_max": 1,
        "average_lost": 1,
    }
    november = next(m for m in body["months"] if m["month"] == "2026-11")
    assert november["attendance_rate"] == 1 and november["most_lost_criterion"] == "C7"
