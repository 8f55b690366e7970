"""Subtree scope on the scoring API, by example: Xã An Hòa's officers see and act on An Hòa only
(b-other, and b-moved since it moved there), a branch on itself, the province everywhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from scoring_factories import CLASSIFICATION, RUBRICS, facts, scoring_app
from scoring_subtree import subtree_api

from chibo_testing.tokens import bearer, province_headers
from event_contracts.events.meetings import RollEntry
from scoring.classification import service
from scoring.classification.models import Classification
from scoring.compliance.models import ObserverReportFact
from scoring.compliance.service import record_roll
from scoring.meeting_scores.service import score_submitted_meeting

PROBLEM = "application/problem+json"
AN_HOA = bearer("xa-an-hoa", "commune")
CONFIRM = {"points": {"C3": 2, "C4": 5, "C5": 4}, "reason": "Cấp ủy xã đánh giá lại"}


@pytest.fixture
async def api(sqlite_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    async for pair in subtree_api(sqlite_url):
        yield pair


async def test_no_token_is_401(api: Any) -> None:
    client, _ = api
    response = await client.get("/v1/meeting-scores/m1", headers={"Authorization": ""})
    assert response.status_code == 401 and response.headers["content-type"] == PROBLEM


async def test_lists_and_reports_never_show_a_foreign_branch(api: Any) -> None:
    client, _ = api
    report = (
        await client.get("/v1/reports/branches", params={"period": "2026"}, headers=AN_HOA)
    ).json()
    assert [line["branch_id"] for line in report["lines"]] == ["b-moved", "b-other"]
    assert report["meetings"] == 3  # m5, m6 and m8: totals count An Hòa's branches only
    flags = await client.get("/v1/compliance-flags", headers=AN_HOA)
    assert flags.status_code == 200 and all(
        f["branch_id"] in {"b-moved", "b-other"} for f in flags.json()
    )


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/reports/branches", {"period": "2026", "organisation_id": "xa-binh-phu"}),
        ("/v1/reports/branches", {"period": "2026", "branch_id": ["b-other", "b-res1"]}),
        ("/v1/compliance-flags", {"branch_id": "b-res1"}),
        ("/v1/classifications/2026", {"branch_id": "b-res1"}),
        ("/v1/organisations/xa-binh-phu/rollups", {"period": "2026"}),
        ("/v1/branches/b-res1/rollups", {"period": "2026"}),
        ("/v1/meeting-scores/m1", {}),
    ],
)
async def test_naming_a_foreign_organisation_is_403(
    api: Any, path: str, params: dict[str, Any]
) -> None:
    client, _ = api
    response = await client.get(path, params=params, headers=AN_HOA)
    assert response.status_code == 403 and response.headers["content-type"] == PROBLEM


async def test_only_the_branches_commune_confirms(api: Any) -> None:
    client, _ = api
    foreign = await client.post(
        "/v1/meeting-scores/m1/confirmation",
        json=CONFIRM,
        headers={**AN_HOA, "Idempotency-Key": "c"},
    )
    assert foreign.status_code == 403
    own = await client.post(
        "/v1/meeting-scores/m8/confirmation",
        json=CONFIRM,
        headers={**AN_HOA, "Idempotency-Key": "c"},
    )
    assert own.status_code == 201 and own.json()["official_source"] == "confirmed"
    assert (await client.get("/v1/meeting-scores/m1")).json()["official_source"] == "self"


async def test_a_proposal_run_names_its_organisation(api: Any) -> None:
    client, _ = api
    url = "/v1/classifications/2026/proposals"

    async def run(body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
        return await client.post(url, json=body, headers={**headers, "Idempotency-Key": "r"})

    assert (await run({}, AN_HOA)).status_code == 403  # the whole province is not An Hòa's
    assert (await run({"organisation_id": "xa-binh-phu"}, AN_HOA)).status_code == 403
    assert (await run({"branch_ids": ["b-other", "b-res1"]}, AN_HOA)).status_code == 403
    both = await run({"organisation_id": "xa-an-hoa", "branch_ids": ["b-other"]}, AN_HOA)
    assert both.status_code == 422 and both.json()["errors"][0]["pointer"] == "/organisation_id"
    ok = await run({"organisation_id": "xa-an-hoa"}, AN_HOA)
    assert ok.status_code == 201, ok.text
    rows = (await client.get("/v1/classifications/2026")).json()
    assert sorted(r["subject_id"] for r in rows) == ["b-moved", "b-other"]
    assert (await run({}, province_headers())).status_code == 201


async def test_idempotency_keys_are_per_caller(api: Any) -> None:
    client, _ = api
    url, key = "/v1/organisations/xa-an-hoa/rankings", {"Idempotency-Key": "same"}
    first = await client.post(url, json={"period": "2026"}, headers={**AN_HOA, **key})
    replay = await client.post(url, json={"period": "2026"}, headers={**AN_HOA, **key})
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json() == first.json()
    colleague = bearer("xa-an-hoa", "commune", subject="another-officer")
    other = await client.post(url, json={"period": "2026"}, headers={**colleague, **key})
    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers
    assert other.json()["id"] != first.json()["id"]


async def test_a_scoped_run_leaves_members_of_foreign_branches_alone(sqlite_url: str) -> None:
    """An observer from b-2 who reported on b-1: a run over b-1 does not classify them."""
    runtime = (await scoring_app(sqlite_url)).state.runtime
    try:
        async with runtime.uow() as uow:
            for branch, members in (("b-1", ["b1-a", "b1-b"]), ("b-2", ["cv-x"])):
                record = facts(
                    meeting_id=f"mt-{branch}",
                    branch_id=branch,
                    roll=[RollEntry(member_id=m, attendance="present") for m in members],
                    speaker_ids=members,
                )
                await score_submitted_meeting(uow, RUBRICS, record)
                await record_roll(uow, record)
            uow.session.add(
                ObserverReportFact(
                    meeting_id="mt-b-1",
                    observer_member_id="cv-x",
                    branch_id="b-1",
                    held_on=record.held_on,
                    status="filed",
                    filed_on_time=True,
                    attended=True,
                )
            )
            scope = service.Scope(2026, frozenset({"b-1"}), {}, {})
            await service.run_proposals(
                uow, CLASSIFICATION.for_year(2026), scope, datetime.now(UTC)
            )
            await uow.commit()
        async with runtime.db.session() as session:
            rows = await session.execute(sa.select(Classification.subject_id))
            assert sorted(rows.scalars()) == ["b-1", "b1-a", "b1-b"]
    finally:
        await runtime.db.dispose()
