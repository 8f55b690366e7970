"""Rankings of a subtree's branches, grouped by sub-kind and frozen when published: a score
confirmed or amended afterwards changes the next ranking, never the published one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from scoring_factories import RUBRICS, facts
from scoring_subtree import MEETINGS, subtree_api

from scoring.meeting_scores.service import score_submitted_meeting

CONFIRMATION = {"points": {"C3": 2, "C4": 5, "C5": 4}, "reason": "Cấp ủy xã đánh giá lại"}


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    async for pair in subtree_api(db_url):
        yield pair


async def totals(client: httpx.AsyncClient) -> dict[str, float]:
    return {
        m: (await client.get(f"/v1/meeting-scores/{m}")).json()["total_points"]
        for m, *_ in MEETINGS
    }


def table(body: dict[str, Any]) -> dict[str, list[tuple[int | None, str, float | None]]]:
    return {
        g["branch_kind"]: [(b["rank"], b["branch_id"], b["average_points"]) for b in g["branches"]]
        for g in body["groups"]
    }


async def publish(client: httpx.AsyncClient, key: str, period: str = "2026-Q3") -> Any:
    return await client.post(
        "/v1/organisations/xa-binh-phu/rankings",
        json={"period": period},
        headers={"Idempotency-Key": key},
    )


async def test_ranking_groups_by_sub_kind_and_stays_as_published(api: Any) -> None:
    client, runtime = api
    t = await totals(client)  # the rubric's max is 100, so totals are already out of 100
    response = await publish(client, "r-1")
    assert response.status_code == 201, response.text
    published = response.json()
    assert response.headers["Location"] == f"/v1/rankings/{published['id']}"
    assert published["tree_on"] == "2026-09-30" and published["period"] == "2026-Q3"
    res1 = round((t["m1"] + t["m2"]) / 2, 2)
    assert res1 == t["m3"]  # b-res1 and b-res2 tie: they share the first place
    assert table(published) == {
        "residential": [
            (1, "b-res1", res1),
            (1, "b-res2", t["m3"]),
            (3, "b-old", t["m7"]),
            (4, "b-moved", t["m5"]),
        ],
        "school": [(1, "b-school", t["m4"])],
        "unknown": [(None, "b-silent", None)],  # no sub-kind given, no meeting held
    }
    assert published["groups"][0]["label"] == "Chi bộ thôn, tổ dân phố"

    # After publishing: the committee confirms a lower score for m3, b-moved amends m5 upwards.
    confirmed = await client.post(
        "/v1/meeting-scores/m3/confirmation", json=CONFIRMATION, headers={"Idempotency-Key": "c"}
    )
    assert confirmed.status_code == 201, confirmed.text
    async with runtime.uow() as uow:
        amended = facts(
            aggregate_version=2,
            meeting_id="m5",
            branch_id="b-moved",
            held_on=MEETINGS[4][2],
            self_score={"C3": 3, "C4": 20, "C5": 5},
        )
        assert await score_submitted_meeting(uow, RUBRICS, amended) is not None
        await uow.commit()

    frozen = await client.get(f"/v1/rankings/{published['id']}")
    assert frozen.status_code == 200 and frozen.json() == published

    fresh = (await publish(client, "r-2")).json()
    assert fresh["id"] != published["id"]
    now = await totals(client)
    assert now["m3"] < t["m3"] and now["m5"] > t["m5"]
    assert table(fresh)["residential"][0] == (1, "b-moved", now["m5"])
    assert (await client.get(f"/v1/rankings/{published['id']}")).json() == published


async def test_publishing_is_idempotent_and_problems_are_clear(api: Any) -> None:
    client, _ = api
    first = await publish(client, "same")
    again = await publish(client, "same")
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    reused = await publish(client, "same", period="2026-Q4")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency-key-reused"

    missing = await client.post("/v1/organisations/xa-binh-phu/rankings", json={"period": "2026"})
    assert missing.status_code == 400
    bad = await publish(client, "bad", period="2026-13")
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/period"
    unknown = await client.post(
        "/v1/organisations/nowhere/rankings",
        json={"period": "2026"},
        headers={"Idempotency-Key": "u"},
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "organisation-not-found"
    assert (await client.get("/v1/rankings/nope")).status_code == 404
