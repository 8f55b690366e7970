"""Requests by responsible party, inside the service: an addressee outside the branch's chain (a
provincial department) sees and answers them, forwarding keeps the trail and restarts the
deadline, several branches' requests on one subject are one item for the addressee, the month is
consolidated per addressee and level (JSON and XLSX), and the branch's pre-fill shows answers."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from meetings_factories import TREE, request, seed_tree, submission
from openpyxl import load_workbook

from chibo_testing.plugin import migrated
from chibo_testing.tokens import holding, signed_client
from meetings.main import MIGRATIONS, build_app
from meetings.settings import MeetingsSettings
from service_kit.clock import VIETNAM, FrozenClock
from service_kit.runtime import ServiceRuntime

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hà Nội
DEPARTMENTS = [
    ("so-giao-thong", "sectoral", "tinh-ha-tinh", date(2020, 1, 1)),
    ("so-xay-dung", "sectoral", "tinh-ha-tinh", date(2020, 1, 1)),
    ("branch-dong-tien", "grassroots_branch", "xa-thach-ngoc", date(2020, 1, 1)),
]
DEPT_OFFICER = holding(("officer", "so-xay-dung"))
OTHER_DEPT = holding(("officer", "so-giao-thong"))
SECRETARY = holding(("secretary", "branch-dong-ha"))


class Env:
    def __init__(self, client: httpx.AsyncClient, runtime: ServiceRuntime) -> None:
        self.client, self.runtime = client, runtime
        self.clock = FrozenClock(START)
        runtime.clock = self.clock

    async def submit(self, requests: list[dict[str, Any]], key: str, **kw: Any) -> httpx.Response:
        start = self.clock.now().astimezone(VIETNAM) - timedelta(hours=3)
        body = submission(
            requests_raised=requests,
            held_on=start.date().isoformat(),
            started_at=start.isoformat(),
            ended_at=(start + timedelta(hours=2)).isoformat(),
            **kw,
        )
        r = await self.client.post("/v1/meetings", json=body, headers={"Idempotency-Key": key})
        assert r.status_code == 201, r.text
        return r

    async def act(self, request_id: str, headers: dict[str, str], **body: Any) -> httpx.Response:
        return await self.client.post(
            f"/v1/requests/{request_id}/actions", json=body, headers=headers
        )


@pytest.fixture
async def env(db_url: str) -> AsyncIterator[Env]:
    db = await migrated(db_url, MIGRATIONS)
    await db.dispose()
    app = build_app(
        MeetingsSettings(database_url=db_url, amqp_url="amqp://guest:guest@127.0.0.1:1/")
    )  # type: ignore[arg-type]
    runtime: ServiceRuntime = app.state.runtime
    async with runtime.uow() as uow:
        await seed_tree(uow, [*TREE, *DEPARTMENTS])
        await uow.commit()
    async with signed_client(app, "http://meetings") as client:
        yield Env(client, runtime)
    await runtime.db.dispose()


async def test_a_department_outside_the_chain_forwards_answers_and_is_consolidated(
    env: Env,
) -> None:
    await env.submit([request("so-giao-thong", subject="Cầu treo xuống cấp")], "m1")
    raised = (await env.client.get("/v1/requests")).json()["items"][0]
    # The addressee's officer sees it although the branch is not under the department.
    seen = (await env.client.get("/v1/requests", headers=OTHER_DEPT)).json()["items"]
    assert [r["id"] for r in seen] == [raised["id"]]
    assert (await env.client.get("/v1/requests", headers=DEPT_OFFICER)).json()["items"] == []
    # A body that is not the addressee may not act on it; the branch may not answer it.
    refused = await env.act(raised["id"], DEPT_OFFICER, action="acknowledge")
    assert refused.status_code == 403
    assert (await env.act(raised["id"], SECRETARY, action="answer", text="x")).status_code == 403
    # Forwarded to the competent department ten days later: trail kept, full deadline there.
    env.clock.set(START + timedelta(days=10))
    forwarded = await env.act(
        raised["id"],
        OTHER_DEPT,
        action="forward",
        text="Thuộc thẩm quyền Sở Xây dựng.",
        forward_to_id="so-xay-dung",
    )
    assert forwarded.status_code == 200, forwarded.text
    body = forwarded.json()
    assert body["level_organisation_id"] == "so-xay-dung"
    assert body["level_started_at"].startswith("2026-03-12")
    trail = next(t for t in body["timeline"] if t["kind"] == "forward")
    assert trail["details"]["from_organisation_id"] == "so-giao-thong"
    assert trail["details"]["to_organisation_id"] == "so-xay-dung"
    # Forwarded is not overdue: it moved up a hop with a fresh deadline.
    assert (await env.client.get("/v1/requests", params={"overdue": True})).json()["items"] == []
    # Now the competent department sees and answers it; the first one still sees the trail.
    mine = (await env.client.get("/v1/requests", headers=DEPT_OFFICER)).json()["items"]
    assert [r["id"] for r in mine] == [raised["id"]]
    env.clock.set(START + timedelta(days=14))
    answered = await env.act(raised["id"], DEPT_OFFICER, action="answer", text="Đã sửa cầu.")
    assert answered.status_code == 200, answered.text
    # The branch's next meeting reads the answer out, and still after accepting it.
    prefill = (await env.client.get("/v1/branches/branch-dong-ha/next-meeting")).json()
    assert [r["answer"] for r in prefill["answers_received"]] == ["Đã sửa cầu."]
    assert (await env.act(raised["id"], SECRETARY, action="accept_answer")).status_code == 200
    prefill = (await env.client.get("/v1/branches/branch-dong-ha/next-meeting")).json()
    assert [r["id"] for r in prefill["answers_received"]] == [raised["id"]]
    # The month, per addressee and level.
    month = await env.client.get(
        "/v1/requests/consolidation", params={"organisation_id": "tinh-ha-tinh", "month": "2026-03"}
    )
    assert month.status_code == 200, month.text
    lines = {line["organisation_id"]: line for line in month.json()["lines"]}
    assert lines["so-giao-thong"] | {} == {
        "organisation_id": "so-giao-thong",
        "level": "sectoral",
        "raised": 1,
        "received_by_forward": 0,
        "forwarded": 1,
        "answered": 0,
        "answered_late": 0,
        "overdue": 0,
        "median_days_to_answer": None,
    }
    assert lines["so-xay-dung"]["received_by_forward"] == 1
    assert lines["so-xay-dung"]["answered"] == 1
    assert lines["so-xay-dung"]["answered_late"] == 0
    assert lines["so-xay-dung"]["median_days_to_answer"] == 14.0
    sectoral = next(t for t in month.json()["by_level"] if t["level"] == "sectoral")
    assert (sectoral["organisations"], sectoral["raised"], sectoral["answered"]) == (2, 1, 1)
    # A department sees its own line only; the XLSX has Vietnamese headers.
    own = await env.client.get(
        "/v1/requests/consolidation",
        params={"organisation_id": "so-xay-dung", "month": "2026-03"},
        headers=DEPT_OFFICER,
    )
    assert [line["organisation_id"] for line in own.json()["lines"]] == ["so-xay-dung"]
    xlsx = await env.client.get(
        "/v1/requests/consolidation",
        params={"organisation_id": "tinh-ha-tinh", "month": "2026-03", "format": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet.cell(2, 1).value == "Tổ chức" and sheet.cell(2, 6).value == (
        "Đã trả lời theo thẩm quyền"
    )
    other_month = await env.client.get(
        "/v1/requests/consolidation", params={"organisation_id": "tinh-ha-tinh", "month": "2026-04"}
    )
    assert other_month.json()["lines"] == []


async def test_late_answer_is_counted_late(env: Env) -> None:
    await env.submit([request("so-xay-dung", subject="Nhà văn hóa dột")], "m1")
    raised = (await env.client.get("/v1/requests")).json()["items"][0]
    env.clock.set(START + timedelta(days=40))
    await env.act(raised["id"], DEPT_OFFICER, action="answer", text="Đã sửa mái.")
    april = await env.client.get(
        "/v1/requests/consolidation", params={"organisation_id": "so-xay-dung", "month": "2026-04"}
    )
    (line,) = april.json()["lines"]
    assert (line["answered"], line["answered_late"], line["median_days_to_answer"]) == (1, 1, 40)


async def test_same_subject_from_several_branches_is_one_item_each_answered(env: Env) -> None:
    subject = "Sạt lở bờ sông Nghèn"
    text = "Bờ sông Nghèn sạt lở uy hiếp nhà dân, đề nghị kè bờ sông."
    await env.submit([request("so-xay-dung", subject=subject, text=text)], "m1")
    await env.submit(
        [
            request("so-xay-dung", subject=subject.upper(), text=text),
            request("so-xay-dung", subject="Thiếu giáo viên mầm non", text="Trường thiếu cô."),
        ],
        "m2",
        branch_id="branch-dong-tien",
    )
    groups = (
        await env.client.get(
            "/v1/requests/grouped", params={"addressee_id": "so-xay-dung"}, headers=DEPT_OFFICER
        )
    ).json()
    assert [(g["branch_count"], len(g["requests"])) for g in groups] == [(2, 2), (1, 1)]
    assert groups[0]["label"] == "Kiến nghị của 2 chi bộ"
    assert sorted(groups[0]["branch_ids"]) == ["branch-dong-ha", "branch-dong-tien"]
    # Each branch's request is answered on its own.
    for item in groups[0]["requests"]:
        r = await env.act(item["id"], DEPT_OFFICER, action="answer", text="Đã kè 300 m.")
        assert r.status_code == 200
    left = (
        await env.client.get(
            "/v1/requests/grouped", params={"addressee_id": "so-xay-dung"}, headers=DEPT_OFFICER
        )
    ).json()
    assert [g["subject"] for g in left] == ["Thiếu giáo viên mầm non"]
    outside = await env.client.get(
        "/v1/requests/grouped", params={"addressee_id": "so-xay-dung"}, headers=OTHER_DEPT
    )
    assert outside.status_code == 403
