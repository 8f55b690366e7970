"""The meeting submission API: validation as problem+json naming the field, idempotent creates."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa
from meetings_factories import submission

from chibo_testing.plugin import migrated
from chibo_testing.tokens import signed_client
from meetings.main import MIGRATIONS, build_app
from meetings.meetings.models import AttendanceRecord, BranchMeeting
from meetings.settings import MeetingsSettings
from service_kit.clock import VIETNAM
from service_kit.outbox import OutboxEvent

# Inside the horizon but after today: refused by the meeting rules, not the date window.
SOON = datetime.now(VIETNAM).date() + timedelta(days=3)


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, object]]:
    """The app in-process, with no broker at all: intake must not need one."""
    db = await migrated(db_url, MIGRATIONS)
    await db.dispose()
    settings = MeetingsSettings(database_url=db_url, amqp_url="amqp://guest:guest@127.0.0.1:1/")  # type: ignore[arg-type]
    app = build_app(settings)
    async with signed_client(app, "http://meetings") as client:
        yield client, app.state.runtime
    await app.state.runtime.db.dispose()


async def rows(runtime, model) -> int:  # type: ignore[no-untyped-def]
    async with runtime.db.session() as session:
        return int(
            (await session.execute(sa.select(sa.func.count()).select_from(model))).scalar_one()
        )


async def test_submission_is_stored_with_its_event_without_a_broker(api) -> None:  # type: ignore[no-untyped-def]
    client, runtime = api
    response = await client.post(
        "/v1/meetings", json=submission(), headers={"Idempotency-Key": "k1"}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"] == f"/v1/meetings/{body['id']}"
    assert body["attendance"] == {"present": 20, "excused": 1, "unexcused": 0, "exempt": 1}
    assert body["duration_minutes"] == 100
    assert await rows(runtime, AttendanceRecord) == 22
    assert await rows(runtime, OutboxEvent) == 1
    got = await client.get(body["Location"] if "Location" in body else f"/v1/meetings/{body['id']}")
    assert got.json()["id"] == body["id"]


async def test_repeated_idempotency_key_returns_first_response(api) -> None:  # type: ignore[no-untyped-def]
    client, runtime = api
    first = await client.post(
        "/v1/meetings", json=submission(), headers={"Idempotency-Key": "same"}
    )
    again = await client.post(
        "/v1/meetings", json=submission(), headers={"Idempotency-Key": "same"}
    )
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await rows(runtime, BranchMeeting) == 1
    assert await rows(runtime, OutboxEvent) == 1
    other = await client.post(
        "/v1/meetings", json=submission(place="Hội trường xã"), headers={"Idempotency-Key": "same"}
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency-key-reused"
    assert await rows(runtime, BranchMeeting) == 1


async def test_missing_idempotency_key_is_refused(api) -> None:  # type: ignore[no-untyped-def]
    client, runtime = api
    response = await client.post("/v1/meetings", json=submission())
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "idempotency-key-missing"
    assert await rows(runtime, BranchMeeting) == 0


@pytest.mark.parametrize(
    ("change", "pointer", "code"),
    [
        ({"held_on": None}, "/held_on", "date_type"),
        ({"roll": []}, "/roll", "too_short"),
        ({"started_at": "2026-11-03T19:30:00"}, "/started_at", "timezone_aware"),
        ({"meeting_type": "party"}, "/meeting_type", "enum"),
        ({"surprise": 1}, "/surprise", "extra_forbidden"),
        (
            {
                "held_on": "2099-01-05",
                "started_at": "2099-01-05T19:30:00+07:00",
                "ended_at": "2099-01-05T21:30:00+07:00",
            },
            "/held_on",
            "date-too-late",
        ),
        (
            {
                "held_on": SOON.isoformat(),
                "started_at": f"{SOON.isoformat()}T19:30:00+07:00",
                "ended_at": f"{SOON.isoformat()}T21:30:00+07:00",
            },
            "/held_on",
            "date-in-future",
        ),
        (
            {"held_on": "1929-12-31"},
            "/held_on",
            "date-too-early",
        ),
        (
            {"ended_at": "2026-11-04T09:30:00+07:00"},
            "/ended_at",
            "meeting-too-long",
        ),
        ({"ended_at": "2026-11-03T19:00:00+07:00"}, "/ended_at", "end-before-start"),
        (
            {"started_at": "2026-11-04T19:30:00+07:00", "ended_at": "2026-11-04T21:30:00+07:00"},
            "/started_at",
            "start-not-on-meeting-day",
        ),
        (
            {
                "roll": [
                    {"member_id": "m1", "attendance": "present"},
                    {"member_id": "m1", "attendance": "excused", "reason": "ốm"},
                ],
                "speaker_ids": [],
            },
            "/roll/1/member_id",
            "roll-duplicate-member",
        ),
        (
            {"roll": [{"member_id": "m1", "attendance": "excused"}], "speaker_ids": []},
            "/roll/0/reason",
            "excused-without-reason",
        ),
        (
            {"previous_action_items_done_on_time": 9},
            "/previous_action_items_done_on_time",
            "action-items-over-total",
        ),
        ({"speaker_ids": ["stranger"]}, "/speaker_ids/0", "speaker-not-on-roll"),
        ({"speaker_ids": ["m" * 65]}, "/speaker_ids/0", "string_too_long"),
        ({"self_score": {f"C{i}": 1 for i in range(51)}}, "/self_score", "too_long"),
        ({"self_score": {"C" * 33: 1}}, "/self_score/" + "C" * 33 + "/[key]", "string_too_long"),
        ({"agenda_steps_completed": ["x" * 65]}, "/agenda_steps_completed/0", "string_too_long"),
        ({"votes": {"in_favour": 20, "against": 1}}, "/votes", "votes-exceed-voters"),
        (
            {"member_reports": [{"member_id": "ghost", "self_ranking": "good"}]},
            "/member_reports/0/member_id",
            "reporter-not-on-roll",
        ),
    ],
)
async def test_bad_submissions_name_the_field(api, change, pointer, code) -> None:  # type: ignore[no-untyped-def]
    client, runtime = api
    response = await client.post(
        "/v1/meetings",
        json=submission(**change),
        headers={"Idempotency-Key": f"bad-{pointer}-{code}"},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["title"] and problem["detail"]
    assert {"pointer": pointer, "code": code} in [
        {"pointer": e["pointer"], "code": e["code"]} for e in problem["errors"]
    ], problem["errors"]
    assert await rows(runtime, BranchMeeting) == 0
    assert await rows(runtime, OutboxEvent) == 0


async def test_text_is_nfc_normalised(api) -> None:  # type: ignore[no-untyped-def]
    client, runtime = api
    decomposed = "Nha\u0300 văn hóa"  # 'à' as a + combining grave
    response = await client.post(
        "/v1/meetings", json=submission(place=decomposed), headers={"Idempotency-Key": "nfc"}
    )
    assert response.status_code == 201
    async with runtime.db.session() as session:
        place = (await session.execute(sa.select(BranchMeeting.place))).scalar_one()
    assert place == "Nhà văn hóa"


async def test_unknown_route_and_meeting_are_problems(api) -> None:  # type: ignore[no-untyped-def]
    client, _ = api
    missing = await client.get("/v1/meetings/nope")
    assert missing.status_code == 404 and missing.json()["code"] == "meeting-not-found"
    nowhere = await client.get("/v1/nowhere")
    assert nowhere.status_code == 404
    assert nowhere.headers["content-type"] == "application/problem+json"


async def test_listing_pages_with_a_cursor(api) -> None:  # type: ignore[no-untyped-def]
    client, _ = api
    for i in range(5):
        r = await client.post(
            "/v1/meetings",
            json=submission(branch_id=f"b{i}"),
            headers={"Idempotency-Key": f"page-{i}"},
        )
        assert r.status_code == 201
    seen: list[str] = []
    url = "/v1/meetings?limit=2"
    for _ in range(5):
        page = await client.get(url)
        body = page.json()
        seen += [m["id"] for m in body["items"]]
        if not body["next_cursor"]:
            break
        assert 'rel="next"' in page.headers["Link"]
        url = f"/v1/meetings?limit=2&cursor={body['next_cursor']}"
    assert len(seen) == len(set(seen)) == 5
    bad = await client.get("/v1/meetings?cursor=@@@")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid-cursor"


async def test_amendment_makes_a_new_version_with_its_reason(api) -> None:  # type: ignore[no-untyped-def]
    client, runtime = api
    first = await client.post("/v1/meetings", json=submission(), headers={"Idempotency-Key": "a0"})
    meeting = first.json()
    fixed = submission(ended_at="2026-11-03T21:30:00+07:00")
    body = {"reason": "Ghi nhầm giờ kết thúc", "record": fixed}
    stale = await client.post(
        f"/v1/meetings/{meeting['id']}/amendments",
        json=body,
        headers={"Idempotency-Key": "a1", "If-Match": '"7"'},
    )
    assert stale.status_code == 412 and stale.json()["code"] == "meeting-changed"
    amended = await client.post(
        f"/v1/meetings/{meeting['id']}/amendments",
        json=body,
        headers={"Idempotency-Key": "a2", "If-Match": '"1"'},
    )
    assert amended.status_code == 201, amended.text
    assert amended.json()["version"] == 2 and amended.json()["duration_minutes"] == 120
    again = await client.post(
        f"/v1/meetings/{meeting['id']}/amendments",
        json=body,
        headers={"Idempotency-Key": "a2", "If-Match": '"1"'},
    )
    assert again.json() == amended.json()  # replayed, not a third version
    revisions = (await client.get(f"/v1/meetings/{meeting['id']}/revisions")).json()
    assert [(r["version"], r["reason"]) for r in revisions] == [
        (1, None),
        (2, "Ghi nhầm giờ kết thúc"),
    ]
    async with runtime.db.session() as session:
        keys = (await session.execute(sa.select(OutboxEvent.routing_key))).scalars().all()
    assert sorted(keys) == ["meetings.meeting.amended.v1", "meetings.meeting.submitted.v1"]
    assert await rows(runtime, AttendanceRecord) == 22  # the roll rewritten, not doubled


async def test_amendment_cannot_move_a_meeting_to_another_branch(api) -> None:  # type: ignore[no-untyped-def]
    client, _ = api
    meeting = (
        await client.post("/v1/meetings", json=submission(), headers={"Idempotency-Key": "b0"})
    ).json()
    moved = await client.post(
        f"/v1/meetings/{meeting['id']}/amendments",
        json={"reason": "nhầm chi bộ", "record": submission(branch_id="x")},
        headers={"Idempotency-Key": "b1"},
    )
    assert moved.status_code == 422
    assert moved.json()["errors"][0]["pointer"] == "/record/branch_id"


async def test_last_months_tasks_must_all_be_accounted_for(api) -> None:  # type: ignore[no-untyped-def]
    client, _ = api
    tasks = [{"title": "Tu sửa nhà văn hóa"}, {"title": "Vận động đóng quỹ"}]
    first = await client.post(
        "/v1/meetings",
        json=submission(
            held_on="2026-10-03",
            started_at="2026-10-03T19:30:00+07:00",
            ended_at="2026-10-03T21:10:00+07:00",
            action_items=tasks,
        ),
        headers={"Idempotency-Key": "oct"},
    )
    assert first.status_code == 201, first.text
    partial = await client.post(
        "/v1/meetings",
        json=submission(
            previous_action_item_reports=[{"title": "Tu sửa nhà văn hóa", "status": "done_on_time"}]
        ),
        headers={"Idempotency-Key": "nov-1"},
    )
    assert partial.status_code == 422
    assert partial.json()["errors"][0]["code"] == "previous-items-unaccounted"
    assert "Vận động đóng quỹ" in partial.json()["errors"][0]["detail"]
    full = await client.post(
        "/v1/meetings",
        json=submission(
            previous_action_item_reports=[
                {"title": "Tu sửa nhà văn hóa", "status": "done_on_time"},
                {"title": "Vận động đóng quỹ", "status": "in_progress"},
            ]
        ),
        headers={"Idempotency-Key": "nov-2"},
    )
    assert full.status_code == 201, full.text


async def test_draft_saved_then_submitted_once_complete(api) -> None:  # type: ignore[no-untyped-def]
    client, runtime = api
    full = submission()
    partial = {k: v for k, v in full.items() if k not in ("roll", "branch_id")}
    created = await client.post(
        "/v1/meeting-drafts", json={"branch_id": full["branch_id"], "body": partial}
    )
    assert created.status_code == 201
    draft_url = created.headers["Location"]
    early = await client.post(f"{draft_url}/submission", headers={"Idempotency-Key": "d1"})
    assert early.status_code == 422 and early.json()["code"] == "draft-incomplete"
    assert {
        "pointer": "/body/roll",
        "code": "missing",
        "detail": "Thiếu danh sách điểm danh (roll).",
    } in early.json()["errors"]
    assert await rows(runtime, BranchMeeting) == 0
    body = {k: v for k, v in full.items() if k != "branch_id"}
    stale = await client.put(
        draft_url, headers={"If-Match": '"9"'}, json={"branch_id": full["branch_id"], "body": body}
    )
    assert stale.status_code == 412
    saved = await client.put(
        draft_url,
        headers={"If-Match": created.headers["ETag"]},
        json={"branch_id": full["branch_id"], "body": body},
    )
    assert saved.status_code == 200 and saved.json()["version"] == 2
    done = await client.post(f"{draft_url}/submission", headers={"Idempotency-Key": "d2"})
    assert done.status_code == 201, done.text
    assert await rows(runtime, BranchMeeting) == 1
    assert (await client.get(draft_url)).status_code == 404  # the draft became the record
    again = await client.post(f"{draft_url}/submission", headers={"Idempotency-Key": "d2"})
    assert again.status_code == 201 and again.json() == done.json()


async def test_revisions_name_the_callers_from_their_tokens(api) -> None:  # type: ignore[no-untyped-def]
    from chibo_testing.tokens import bearer

    client, _ = api
    secretary = bearer("tinh-ha-tinh", "province", subject="bi-thu-dong-ha")
    r = await client.post(
        "/v1/meetings", json=submission(), headers={"Idempotency-Key": "who-1", **secretary}
    )
    assert r.status_code == 201, r.text
    meeting_id = r.json()["id"]
    office = bearer("tinh-ha-tinh", "province", subject="van-phong-xa")
    fixed = await client.post(
        f"/v1/meetings/{meeting_id}/amendments",
        json={
            "reason": "Sửa giờ kết thúc",
            "record": submission(ended_at="2026-11-03T21:30:00+07:00"),
        },
        headers={"Idempotency-Key": "who-2", **office},
    )
    assert fixed.status_code == 201, fixed.text
    revisions = (await client.get(f"/v1/meetings/{meeting_id}/revisions")).json()
    assert [r["actor"] for r in revisions] == ["user:bi-thu-dong-ha", "user:van-phong-xa"]
