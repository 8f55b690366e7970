"""Roll-ups and reports for an organisation subtree, taken on the period's last day from the
organisation-tree replica, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from scoring_subtree import MEETINGS, subtree_api


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    async for pair in subtree_api(db_url):
        yield pair


async def test_subtree_rollup_sums_the_branches_under_it_on_the_last_day(api: Any) -> None:
    client, _ = api
    q3 = (await client.get("/v1/organisations/xa-binh-phu/rollups?period=2026-Q3")).json()
    # b-moved was still in Bình Phú on 30/9, b-old existed in July; An Hòa's branch is not ours.
    parts = [
        (await client.get(f"/v1/branches/{b}/rollups?period=2026-Q3")).json()
        for b in ("b-res1", "b-res2", "b-school", "b-silent", "b-moved", "b-old")
    ]
    assert q3["organisation_id"] == "xa-binh-phu" and q3["tree_on"] == "2026-09-30"
    assert q3["branches"] == 6
    assert q3["meetings"] == sum(p["meetings"] for p in parts) == 6
    assert q3["by_grade"] == {g: sum(p["by_grade"][g] for p in parts) for g in q3["by_grade"]}
    points = sum(p["average_points"] * p["meetings"] for p in parts if p["meetings"])
    assert q3["average_points"] == pytest.approx(points / 6, abs=0.01)
    assert q3["thematic_required"] == 6  # one whole quarter, six branches
    lost = {c["code"]: c["points_lost"] for c in q3["criteria_lost"]}
    for code in lost:
        assert lost[code] == pytest.approx(
            sum(c["points_lost"] for p in parts for c in p["criteria_lost"] if c["code"] == code)
        )

    q4 = (await client.get("/v1/organisations/xa-binh-phu/rollups?period=2026-Q4")).json()
    # On 31/12 b-moved is in An Hòa and b-old is gone; b-new has joined.
    assert q4["branches"] == 5 and q4["meetings"] == 1
    an_hoa = (await client.get("/v1/organisations/xa-an-hoa/rollups?period=2026-Q4")).json()
    assert an_hoa["branches"] == 2 and an_hoa["meetings"] == 1
    province = (await client.get("/v1/organisations/tinh/rollups?period=2026")).json()
    assert province["meetings"] == len(MEETINGS)


async def test_subtree_rollup_problems(api: Any) -> None:
    client, _ = api
    unknown = await client.get("/v1/organisations/xa-khong-co/rollups?period=2026-Q3")
    assert unknown.status_code == 404 and unknown.json()["code"] == "organisation-not-found"
    bad = await client.get("/v1/organisations/xa-binh-phu/rollups?period=2026-Q5")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["pointer"] == "#query/period"


async def test_report_scoped_to_a_subtree(api: Any) -> None:
    client, _ = api
    response = await client.get(
        "/v1/reports/branches", params={"period": "2026-Q3", "organisation_id": "xa-binh-phu"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["scope"] == "organisation"
    assert [line["branch_id"] for line in body["lines"]] == [
        "b-moved",
        "b-old",
        "b-res1",
        "b-res2",
        "b-school",
        "b-silent",
    ]
    # b-silent never met: named by the tree, so it counts against coverage.
    assert body["branches_met"] == 5 and body["coverage"] == pytest.approx(5 / 6, abs=1e-4)
    assert body["weakest"][0]["branch_id"] == "b-silent"

    both = await client.get(
        "/v1/reports/branches",
        params={"period": "2026-Q3", "organisation_id": "xa-binh-phu", "branch_id": "b-res1"},
    )
    assert both.status_code == 422
    assert both.json()["errors"][0]["code"] == "scope_ambiguous"
    csv = await client.get(
        "/v1/reports/branches",
        params={"period": "2026-Q3", "organisation_id": "xa-binh-phu", "format": "csv"},
    )
    assert csv.status_code == 200 and "b-silent" in csv.text
