"""Requests end to end inside the service: raised with a meeting, swept by an injected clock,
acknowledged and answered through the API; on SQLite and PostgreSQL, without a broker."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from meetings_factories import request, seed_tree, submission

from chibo_testing.plugin import migrated
from chibo_testing.tokens import holding, signed_client
from event_contracts.events.registry import OrganisationDissolved, OrganisationMoved
from meetings.main import MIGRATIONS, build_app
from meetings.requests.scheduled import sweep_once
from meetings.settings import MeetingsSettings
from org_tree.replica import apply_ceased, apply_moved
from service_kit.clock import VIETNAM, FrozenClock
from service_kit.outbox import OutboxEvent
from service_kit.runtime import ServiceRuntime

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hà Nội


class Env:
    def __init__(self, client: httpx.AsyncClient, runtime: ServiceRuntime, rules: Any) -> None:
        self.client, self.runtime, self.rules = client, runtime, rules
        self.clock = FrozenClock(START)
        runtime.clock = self.clock

    async def submit(self, requests: list[dict[str, Any]], key: str, **kw: Any) -> httpx.Response:
        # A meeting that ended an hour ago, on today's date in Việt Nam.
        start = self.clock.now().astimezone(VIETNAM) - timedelta(hours=3)
        body = submission(
            requests_raised=requests,
            held_on=start.date().isoformat(),
            started_at=start.isoformat(),
            ended_at=(start + timedelta(hours=2)).isoformat(),
            **kw,
        )
        return await self.client.post("/v1/meetings", json=body, headers={"Idempotency-Key": key})

    async def events(self, suffix: str) -> list[dict[str, Any]]:
        async with self.runtime.db.session() as session:
            rows = (
                await session.execute(
                    sa.select(OutboxEvent.payload).where(
                        OutboxEvent.routing_key == f"meetings.request.{suffix}.v1"
                    )
                )
            ).scalars()
            return [json.loads(r)["data"] for r in rows]

    async def sweep_at(self, when: datetime) -> int:
        self.clock.set(when)
        return await sweep_once(self.runtime.context)

    async def request_(self, request_id: str) -> dict[str, Any]:
        return dict((await self.client.get(f"/v1/requests/{request_id}")).json())


@pytest.fixture
async def env(db_url: str) -> AsyncIterator[Env]:
    db = await migrated(db_url, MIGRATIONS)
    await db.dispose()
    app = build_app(
        MeetingsSettings(database_url=db_url, amqp_url="amqp://guest:guest@127.0.0.1:1/")
    )  # type: ignore[arg-type]
    runtime: ServiceRuntime = app.state.runtime
    async with runtime.uow() as uow:
        await seed_tree(uow)
        await uow.commit()
    async with signed_client(app, "http://meetings") as client:
        yield Env(client, runtime, runtime.context.request_rules)
    await runtime.db.dispose()


async def test_requests_raised_with_a_meeting(env: Env) -> None:
    r = await env.submit([request(), request(subject="Nước sạch")], "m1")
    assert r.status_code == 201, r.text
    listed = (await env.client.get("/v1/requests?branch_id=branch-dong-ha")).json()["items"]
    assert {i["subject"] for i in listed} == {"Đường liên thôn xuống cấp", "Nước sạch"}
    assert all(
        i["status"] == "submitted" and i["level_organisation_id"] == "xa-thach-ngoc" for i in listed
    )
    raised = await env.events("raised")
    assert len(raised) == 2 and raised[0]["meeting_id"] == r.json()["id"]


async def test_unknown_addressee_is_a_422_naming_the_field(env: Env) -> None:
    r = await env.submit([request(), request(addressee_id="nowhere")], "bad")
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "/requests_raised/1/addressee_id"
    assert (await env.client.get("/v1/requests")).json()["items"] == []


async def test_reminders_then_escalation_once_then_answer_stops_the_clock(env: Env) -> None:
    await env.submit([request()], "m1")
    (req,) = (await env.client.get("/v1/requests")).json()["items"]
    # Acknowledge by 10 working days: Mon 02/03 → Mon 16/03; 50% ≈ Mon 09/03 noon.
    assert await env.sweep_at(START + timedelta(days=3)) == 0
    assert await env.sweep_at(START + timedelta(days=7, hours=12)) == 1
    assert [e["stage"] for e in await env.events("due_soon")] == ["acknowledge"]
    assert await env.sweep_at(START + timedelta(days=7, hours=13)) == 0  # not twice
    assert await env.sweep_at(datetime(2026, 3, 16, 16, 59, tzinfo=UTC)) == 1  # 80% reminder
    assert await env.sweep_at(datetime(2026, 3, 16, 17, 0, tzinfo=UTC)) == 1  # midnight ICT
    escalated = await env.events("escalated")
    assert len(escalated) == 1
    assert escalated[0]["level_organisation_id"] == "huyen-thach-ha"
    assert escalated[0]["breached_stage"] == "acknowledge"
    # Back in time: nothing new; forward again: nothing twice.
    assert await env.sweep_at(START) == 0
    assert await env.sweep_at(datetime(2026, 3, 16, 17, 0, tzinfo=UTC)) == 0
    # The district acknowledges and answers: no more deadlines.
    ack = await env.client.post(
        f"/v1/requests/{req['id']}/actions", json={"action": "acknowledge", "actor": "VP huyện ủy"}
    )
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    ans = await env.client.post(
        f"/v1/requests/{req['id']}/actions",
        json={"action": "answer", "text": "Đã giao UBND xã sửa trong quý II."},
    )
    assert ans.status_code == 200 and ans.json()["next_check_at"] is None
    assert await env.sweep_at(datetime(2026, 12, 31, tzinfo=UTC)) == 0
    assert len(await env.events("escalated")) == 1
    kinds = [t["kind"] for t in (await env.request_(req["id"]))["timeline"]]
    assert kinds == ["raised", "reminded", "reminded", "escalated", "acknowledge", "answer"]


async def test_after_the_2025_reform_a_dissolved_district_is_skipped(env: Env) -> None:
    reform = date(2025, 7, 1)
    async with env.runtime.uow() as uow:  # the facts the registry publishes for the reform
        await apply_moved(
            uow.session,
            OrganisationMoved.produce(
                aggregate_version=2,
                organisation_id="xa-thach-ngoc",
                from_parent_id="huyen-thach-ha",
                parent_id="tinh-ha-tinh",
                on=reform,
                reason="dissolve",
            ),
        )
        await apply_ceased(
            uow.session,
            OrganisationDissolved.produce(
                aggregate_version=2,
                organisation_id="huyen-thach-ha",
                on=reform,
                children_moved_to_id="tinh-ha-tinh",
            ),
        )
        await uow.commit()
    r = await env.submit([request(addressee_id="huyen-thach-ha"), request()], "m-reform")
    assert r.status_code == 201, r.text
    items = (await env.client.get("/v1/requests")).json()["items"]
    by_addressee = {i["addressee_id"]: i for i in items}
    to_district = by_addressee["huyen-thach-ha"]
    assert to_district["level_organisation_id"] == "tinh-ha-tinh"
    timeline = (await env.request_(to_district["id"]))["timeline"]
    assert timeline[1]["kind"] == "level_skipped"
    assert timeline[1]["details"] == {"organisation_id": "huyen-thach-ha", "reason": "abolished"}
    # The commune's request climbs straight to the province when it escalates.
    await env.sweep_at(datetime(2026, 3, 16, 17, 0, tzinfo=UTC))
    escalated = {e["request_id"]: e for e in await env.events("escalated")}
    assert escalated[by_addressee["xa-thach-ngoc"]["id"]]["level_organisation_id"] == "tinh-ha-tinh"
    assert to_district["id"] not in escalated  # the province is the top: nothing above it


async def test_re_raising_an_unanswered_request_escalates_it_at_once(env: Env) -> None:
    await env.submit([request()], "m1")
    (first,) = (await env.client.get("/v1/requests")).json()["items"]
    env.clock.advance(days=31)  # next month's meeting
    r = await env.submit([request(re_raises_request_id=first["id"])], "m2")
    assert r.status_code == 201
    escalated = await env.events("escalated")
    assert [(e["request_id"], e["breached_stage"]) for e in escalated] == [
        (first["id"], "re_raised")
    ]
    env.clock.advance(days=31)  # next month's meeting
    await env.submit([request(re_raises_request_id=first["id"])], "m3")
    assert len(await env.events("escalated")) == 2  # now from the district to the province
    env.clock.advance(days=31)  # next month's meeting
    await env.submit([request(re_raises_request_id=first["id"])], "m4")
    assert len(await env.events("escalated")) == 2  # the province is the top


@pytest.mark.parametrize(
    ("action", "body", "status", "code"),
    [
        ("answer", {}, 422, "request-action-invalid"),
        ("accept_answer", {}, 409, "request-transition-not-allowed"),
        (
            "forward",
            {"text": "vượt thẩm quyền", "forward_to_id": "nowhere"},
            422,
            "request-action-invalid",
        ),
    ],
)
async def test_bad_actions_are_problems(
    env: Env, action: str, body: dict[str, Any], status: int, code: str
) -> None:
    await env.submit([request()], "m1")
    (req,) = (await env.client.get("/v1/requests")).json()["items"]
    # Accepting an answer is the raising branch's act; the others, the addressee's.
    side = holding(("secretary", "branch-dong-ha")) if action == "accept_answer" else {}
    r = await env.client.post(
        f"/v1/requests/{req['id']}/actions", json={"action": action, **body}, headers=side
    )
    assert r.status_code == status and r.json()["code"] == code
    assert r.headers["content-type"] == "application/problem+json"


async def test_stale_if_match_is_refused(env: Env) -> None:
    await env.submit([request()], "m1")
    (req,) = (await env.client.get("/v1/requests")).json()["items"]
    got = await env.client.get(f"/v1/requests/{req['id']}")
    etag = got.headers["ETag"]
    ok = await env.client.post(
        f"/v1/requests/{req['id']}/actions",
        json={"action": "acknowledge"},
        headers={"If-Match": etag},
    )
    assert ok.status_code == 200
    stale = await env.client.post(
        f"/v1/requests/{req['id']}/actions", json={"action": "start"}, headers={"If-Match": etag}
    )
    assert stale.status_code == 412 and stale.json()["code"] == "request-changed"


async def test_next_meeting_prefill_closes_the_loop(env: Env) -> None:
    tasks = [{"title": "Sửa mương thoát nước", "owner_member_id": "m01", "due_on": "2026-03-30"}]
    await env.submit([request(), request(subject="Nước sạch")], "m1", action_items=tasks)
    first, second = (await env.client.get("/v1/requests")).json()["items"]
    await env.client.post(
        f"/v1/requests/{second['id']}/actions",
        json={"action": "answer", "text": "Đã lắp đường ống."},
    )
    prefill = (await env.client.get("/v1/branches/branch-dong-ha/next-meeting")).json()
    assert prefill["previous_action_items"][0]["title"] == "Sửa mương thoát nước"
    assert [r["id"] for r in prefill["open_requests"]] == [first["id"]]
    assert [r["id"] for r in prefill["answers_to_review"]] == [second["id"]]
    # At the next meeting the branch is not satisfied: the request reopens with a new clock.
    reopened = await env.client.post(
        f"/v1/requests/{second['id']}/actions",
        json={"action": "reopen", "text": "Nước vẫn chưa về."},
        headers=holding(("secretary", "branch-dong-ha")),
    )
    assert reopened.json()["status"] == "submitted" and reopened.json()["next_check_at"]
    assert len(await env.events("reopened")) == 1


async def test_reads_by_subtree_and_summary_by_level(env: Env) -> None:
    await env.submit([request(), request(subject="Nước sạch")], "m1")
    await env.sweep_at(datetime(2026, 3, 16, 17, 0, tzinfo=UTC))  # both climb to the district
    env.clock.set(datetime(2026, 3, 17, 2, tzinfo=UTC))
    under_province = (await env.client.get("/v1/requests?organisation_id=tinh-ha-tinh")).json()
    assert len(under_province["items"]) == 2
    under_commune = (await env.client.get("/v1/requests?organisation_id=xa-thach-ngoc")).json()
    assert under_commune["items"] == []  # they are owed by the district now
    summary = (await env.client.get("/v1/requests/summary?organisation_id=tinh-ha-tinh")).json()
    assert summary == [{"level": 1, "open": 2, "escalated": 2}]
    month = (
        await env.client.get("/v1/meetings?organisation_id=huyen-thach-ha&month=2026-03")
    ).json()
    assert len(month["items"]) == 1
    other = await env.client.get("/v1/meetings?organisation_id=huyen-thach-ha&month=2026-04")
    assert other.json()["items"] == []
