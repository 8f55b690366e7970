"""One meeting, one record (#19): a branch's regular meeting of a month is recorded once — two
devices racing with two keys get one 201 and one 409 naming the first record — on SQLite and
PostgreSQL; amendments keep or move the slot; drafts warn; cluster meetings stand for every branch
of the cluster; one request per subject and addressee in a meeting; one observer report each."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from meetings_factories import meetings_api, observed_dong_ha, request, submission
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from chibo_testing.tokens import bearer, holding
from event_contracts.events.registry import (
    OrganisationDissolved,
    RotationClusterFormed,
)
from meetings.main import MIGRATIONS
from meetings.meetings.models import BranchMeeting, MeetingSlot
from meetings.replica.service import apply_cluster_formed
from meetings.requests.rules import subject_key
from org_tree.replica import apply_ceased
from service_kit import migrations
from service_kit.outbox import OutboxEvent
from service_kit.runtime import ServiceRuntime

OBSERVER = holding(("observer", "branch-dong-ha"), member_id="uv-xa-01")
SUBMITTED = "meetings.meeting.submitted.v1"


def day(iso: str, **overrides: Any) -> dict[str, Any]:
    """A submission held on `iso` (19:30–21:10 that evening)."""
    return submission(
        held_on=iso,
        started_at=f"{iso}T19:30:00+07:00",
        ended_at=f"{iso}T21:10:00+07:00",
        **overrides,
    )


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, ServiceRuntime]]:
    async with meetings_api(
        db_url, now=datetime(2026, 11, 20, 3, tzinfo=UTC), seed=observed_dong_ha
    ) as found:
        yield found


async def count(rt: ServiceRuntime, model: Any, *where: Any) -> int:
    async with rt.db.session() as session:
        stmt = sa.select(sa.func.count()).select_from(model).where(*where)
        return int((await session.execute(stmt)).scalar_one())


async def submitted_events(rt: ServiceRuntime) -> list[dict[str, Any]]:
    async with rt.db.session() as session:
        rows = await session.execute(
            sa.select(OutboxEvent.payload).where(OutboxEvent.routing_key == SUBMITTED)
        )
        return [json.loads(p)["data"] for p in rows.scalars()]


async def test_two_devices_racing_get_one_record_and_one_409(api) -> None:  # type: ignore[no-untyped-def]
    """Each of four branches' regular meeting sent twice at once, with two keys by two people:
    one 201 and one 409 per branch, one record and one event (so one score, one roll-up)."""
    client, rt = api
    branches = [f"b-race-{i}" for i in range(4)]
    phones = {
        "a": bearer("tinh-ha-tinh", "province", subject="bi-thu"),
        "b": bearer("tinh-ha-tinh", "province", subject="pho-bi-thu"),
    }
    answers = await asyncio.gather(
        *(
            client.post(
                "/v1/meetings",
                json=day("2026-11-03", branch_id=branch),
                headers={"Idempotency-Key": f"{branch}-{phone}", **phones[phone]},
            )
            for branch in branches
            for phone in phones
        )
    )
    for branch, pair in zip(branches, [answers[i : i + 2] for i in range(0, 8, 2)], strict=True):
        assert sorted(r.status_code for r in pair) == [201, 409], [r.text for r in pair]
        won = next(r for r in pair if r.status_code == 201).json()
        problem = next(r for r in pair if r.status_code == 409)
        assert problem.headers["content-type"] == "application/problem+json"
        body = problem.json()
        assert body["code"] == "meeting-already-recorded"
        assert body["existing_meeting_id"] == won["id"]
        assert body["branch_id"] == branch and body["period"] == "2026-11"
        assert body["submitted_by"] in ("user:bi-thu", "user:pho-bi-thu")
        assert body["submitted_at"] and body["amend"] == {
            "method": "POST",
            "href": f"/v1/meetings/{won['id']}/amendments",
        }
    assert await count(rt, BranchMeeting) == 4
    assert await count(rt, MeetingSlot) == 4
    events = await submitted_events(rt)
    assert sorted(e["branch_id"] for e in events) == branches  # the score counts one each


async def test_a_same_key_twin_racing_gets_the_first_answer(api) -> None:  # type: ignore[no-untyped-def]
    client, rt = api
    body = day("2026-11-03")
    first, second = await asyncio.gather(
        *(client.post("/v1/meetings", json=body, headers={"Idempotency-Key": "same"}) for _ in "ab")
    )
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert first.json() == second.json()
    assert await count(rt, BranchMeeting) == 1
    # Sent again later from the other device with another key: 409, not a second record.
    other = await client.post("/v1/meetings", json=body, headers={"Idempotency-Key": "other"})
    assert other.status_code == 409
    assert other.json()["existing_meeting_id"] == first.json()["id"]


async def test_the_database_holds_the_key_whatever_the_code(api) -> None:  # type: ignore[no-untyped-def]
    client, rt = api
    first = await client.post(
        "/v1/meetings", json=day("2026-11-03"), headers={"Idempotency-Key": "k"}
    )
    async with rt.uow() as uow:
        uow.session.add(
            MeetingSlot(branch_id="branch-dong-ha", period="2026-11", meeting_id=first.json()["id"])
        )
        with pytest.raises(IntegrityError):
            await uow.session.flush()


async def test_other_types_may_be_several_and_other_months_are_free(api) -> None:  # type: ignore[no-untyped-def]
    client, rt = api
    sent = [
        day("2026-11-03"),
        day("2026-11-10", meeting_type="thematic"),
        day("2026-11-17", meeting_type="thematic"),
        day("2026-11-18", meeting_type="extraordinary"),
        day("2026-10-03"),
    ]
    for i, body in enumerate(sent):
        r = await client.post("/v1/meetings", json=body, headers={"Idempotency-Key": f"t{i}"})
        assert r.status_code == 201, r.text
    # A combined session is the month's regular meeting too.
    combined = await client.post(
        "/v1/meetings",
        json=day("2026-11-05", meeting_type="combined"),
        headers={"Idempotency-Key": "c"},
    )
    assert combined.status_code == 409
    assert await count(rt, BranchMeeting) == 5


async def test_amendments_keep_or_move_the_slot(api) -> None:  # type: ignore[no-untyped-def]
    client, _ = api
    nov = (
        await client.post("/v1/meetings", json=day("2026-11-03"), headers={"Idempotency-Key": "n"})
    ).json()
    oct_ = (
        await client.post("/v1/meetings", json=day("2026-10-03"), headers={"Idempotency-Key": "o"})
    ).json()
    url = f"/v1/meetings/{nov['id']}/amendments"
    same_month = await client.post(
        url,
        json={"reason": "Sửa ngày họp", "record": day("2026-11-04")},
        headers={"Idempotency-Key": "a1", "If-Match": '"1"'},
    )
    assert same_month.status_code == 201, same_month.text  # its own slot does not trip the key
    onto_october = await client.post(
        url,
        json={"reason": "Nhầm tháng", "record": day("2026-10-05")},
        headers={"Idempotency-Key": "a2", "If-Match": '"2"'},
    )
    assert onto_october.status_code == 409
    assert onto_october.json()["existing_meeting_id"] == oct_["id"]
    to_thematic = await client.post(
        url,
        json={"reason": "Là buổi chuyên đề", "record": day("2026-11-04", meeting_type="thematic")},
        headers={"Idempotency-Key": "a3", "If-Match": '"2"'},
    )
    assert to_thematic.status_code == 201, to_thematic.text
    # The regular slot of November is free again.
    again = await client.post(
        "/v1/meetings", json=day("2026-11-06"), headers={"Idempotency-Key": "n2"}
    )
    assert again.status_code == 201, again.text


async def test_a_draft_warns_and_its_submission_is_refused(api) -> None:  # type: ignore[no-untyped-def]
    client, rt = api
    recorded = (
        await client.post("/v1/meetings", json=day("2026-11-03"), headers={"Idempotency-Key": "m"})
    ).json()
    body = {k: v for k, v in day("2026-11-04").items() if k != "branch_id"}
    created = await client.post(
        "/v1/meeting-drafts", json={"branch_id": "branch-dong-ha", "body": body}
    )
    assert created.status_code == 201
    assert created.json()["existing_meeting_id"] == recorded["id"]
    url = created.headers["Location"]
    assert (await client.get(url)).json()["existing_meeting_id"] == recorded["id"]
    refused = await client.post(f"{url}/submission", headers={"Idempotency-Key": "d"})
    assert refused.status_code == 409, refused.text
    assert refused.json()["existing_meeting_id"] == recorded["id"]
    assert (await client.get(url)).status_code == 200  # the draft is kept, nothing half-written
    assert await count(rt, BranchMeeting) == 1
    thematic = {**body, "meeting_type": "thematic"}
    other = await client.post(
        "/v1/meeting-drafts", json={"branch_id": "branch-dong-ha", "body": thematic}
    )
    assert other.json()["existing_meeting_id"] is None


async def test_a_cluster_meeting_stands_for_each_branch_of_the_cluster(api) -> None:  # type: ignore[no-untyped-def]
    client, rt = api
    async with rt.uow() as uow:
        await apply_cluster_formed(
            uow.session,
            RotationClusterFormed.produce(
                aggregate_version=1,
                rotation_cluster_id="cum-2",
                code="CUM-2",
                branch_ids=["branch-dong-ha", "branch-tay-ha", "branch-nam-ha"],
                valid_from=date(2026, 1, 1),
            ),
        )
        await uow.commit()
    cluster = await client.post(
        "/v1/meetings",
        json=day("2026-11-03", meeting_type="cluster"),
        headers={"Idempotency-Key": "cum"},
    )
    assert cluster.status_code == 201, cluster.text
    other_branch = await client.post(
        "/v1/meetings",
        json=day("2026-11-05", branch_id="branch-nam-ha"),
        headers={"Idempotency-Key": "nam"},
    )
    assert other_branch.status_code == 409
    assert other_branch.json()["existing_meeting_id"] == cluster.json()["id"]
    assert other_branch.json()["branch_id"] == "branch-nam-ha"
    outside = await client.post(
        "/v1/meetings",
        json=day("2026-11-05", branch_id="branch-bac-ha"),
        headers={"Idempotency-Key": "bac"},
    )
    assert outside.status_code == 201
    assert await count(rt, MeetingSlot) == 4


async def test_a_meeting_is_held_while_its_branch_exists(api) -> None:  # type: ignore[no-untyped-def]
    client, rt = api
    before = await client.post(
        "/v1/meetings", json=day("2019-12-03"), headers={"Idempotency-Key": "old"}
    )
    assert before.status_code == 422
    assert {"pointer": "/held_on", "code": "before-branch-existed"} in [
        {"pointer": e["pointer"], "code": e["code"]} for e in before.json()["errors"]
    ]
    async with rt.uow() as uow:
        await apply_ceased(
            uow.session,
            OrganisationDissolved.produce(
                aggregate_version=2,
                organisation_id="branch-dong-ha",
                on=date(2026, 11, 1),
                children_moved_to_id=None,
            ),
        )
        await uow.commit()
    after = await client.post(
        "/v1/meetings", json=day("2026-11-03"), headers={"Idempotency-Key": "gone"}
    )
    assert after.status_code == 422
    assert "after-branch-ended" in [e["code"] for e in after.json()["errors"]]
    last = await client.post(
        "/v1/meetings", json=day("2026-10-30"), headers={"Idempotency-Key": "last"}
    )
    assert last.status_code == 201, last.text  # its last month, sent late: fine


def test_subjects_compare_nfc_case_and_space_folded() -> None:
    assert subject_key("  Đường  liên thôn\u00a0XUỐNG cấp ") == subject_key(
        "đường liên thôn xuống cấp"
    )
    assert subject_key("Nha\u0300 văn hóa") == subject_key("Nhà văn hóa")
    assert subject_key("đường") != subject_key("dương")  # diacritics are words, kept


async def test_a_request_raised_twice_in_a_meeting_points_at_the_duplicate(api) -> None:  # type: ignore[no-untyped-def]
    client, rt = api
    twice = [
        request(),
        request(subject="Nước sạch"),
        request(subject=" ĐƯỜNG liên  thôn xuống cấp"),
    ]
    r = await client.post(
        "/v1/meetings",
        json=day("2026-11-03", requests_raised=twice),
        headers={"Idempotency-Key": "m"},
    )
    assert r.status_code == 422
    assert r.json()["code"] == "request-duplicate"
    assert [(e["pointer"], e["code"]) for e in r.json()["errors"]] == [
        ("/requests_raised/2/subject", "request-duplicate")
    ]
    assert await count(rt, BranchMeeting) == 0
    # To another addressee it is another request.
    other = [request(), request(addressee_id="huyen-thach-ha")]
    ok = await client.post(
        "/v1/meetings",
        json=day("2026-11-03", requests_raised=other),
        headers={"Idempotency-Key": "m2"},
    )
    assert ok.status_code == 201, ok.text
    # The observer raising the branch's own request again at the same meeting: the same 422.
    report = {"attended": True, "requests_raised": [request(subject="Đường liên thôn XUỐNG cấp")]}
    filed = await client.post(
        f"/v1/meetings/{ok.json()['id']}/observer-reports",
        json=report,
        headers={"Idempotency-Key": "r", **OBSERVER},
    )
    assert filed.status_code == 422
    assert filed.json()["errors"][0]["pointer"] == "/requests_raised/0/subject"


async def test_an_observer_files_once_and_the_409_names_the_report(api) -> None:  # type: ignore[no-untyped-def]
    client, _ = api
    meeting = (
        await client.post("/v1/meetings", json=day("2026-11-03"), headers={"Idempotency-Key": "m"})
    ).json()
    url = f"/v1/meetings/{meeting['id']}/observer-reports"
    first, second = await asyncio.gather(
        client.post(url, json={"attended": True}, headers={"Idempotency-Key": "p1", **OBSERVER}),
        client.post(url, json={"attended": False}, headers={"Idempotency-Key": "p2", **OBSERVER}),
    )
    assert sorted((first.status_code, second.status_code)) == [201, 409]
    won = first if first.status_code == 201 else second
    lost = second if won is first else first
    assert lost.json()["code"] == "observer-report-filed"
    assert lost.json()["existing_report_id"] == won.json()["id"]
    assert lost.json()["filed_at"] and lost.json()["observer_member_id"] == "uv-xa-01"


async def test_garbage_months_are_422_not_500(api) -> None:  # type: ignore[no-untyped-def]
    client, _ = api
    for month in ("0000-00", "2026-13", "9999-12", "2026-1", "tháng 11"):
        r = await client.get("/v1/meetings", params={"month": month})
        assert r.status_code == 422, (month, r.text)
        assert r.json()["errors"][0]["pointer"] == "#query/month"
    ok = await client.get("/v1/meetings", params={"month": "2026-11"})
    assert ok.status_code == 200


async def test_the_migration_keeps_old_duplicates_and_gives_the_slot_to_the_first(
    db_url: str,
) -> None:
    """A database from before #19 may hold two regular meetings of one month and a request
    typed twice: the revision keeps every row, the first submitted holds the slot."""
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, db_url, "f6aed7efb8b3")
    meeting = (
        "INSERT INTO branch_meeting (id, branch_id, meeting_type, status, version, held_on, "
        "started_at, ended_at, duration_minutes, within_scheduled_window, record, submitted_at) "
        "VALUES (:id, 'b1', :type, 'submitted', 1, :held, :at, :at, 90, true, '{}', :sub)"
    )
    req = (
        "INSERT INTO request (id, meeting_id, branch_id, subject, text, addressee_id, status, "
        "level, level_organisation_id, level_kind, level_started_at, policy_id, policy_version, "
        "version, created_at) VALUES (:id, 'm-1', 'b1', :subject, 't', 'xa', 'submitted', 0, "
        "'xa', 'commune', :at, 'p', '1', 1, :at)"
    )
    at = datetime(2026, 11, 3, 12, tzinfo=UTC)
    engine = create_async_engine(db_url)
    async with engine.begin() as conn:
        for i, (kind, submitted) in enumerate(
            [("regular", 2), ("regular", 1), ("thematic", 0), ("combined", 3)], start=1
        ):
            await conn.execute(
                sa.text(meeting),
                {
                    "id": f"m-{i}",
                    "type": kind,
                    "held": date(2026, 11, i),
                    "at": at,
                    "sub": at.replace(hour=submitted),
                },
            )
        for i, subject in enumerate(["Đường liên thôn", " ĐƯỜNG  liên thôn", "Nước sạch"]):
            await conn.execute(sa.text(req), {"id": f"r-{i}", "subject": subject, "at": at})
    await engine.dispose()
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, db_url)
    engine = create_async_engine(db_url)
    async with engine.connect() as conn:
        slots = (
            await conn.execute(sa.text("SELECT branch_id, period, meeting_id FROM meeting_slot"))
        ).all()
        keys: dict[str, str] = dict(
            (await conn.execute(sa.text("SELECT id, subject_key FROM request"))).all()
        )
    await engine.dispose()
    assert [tuple(s) for s in slots] == [("b1", "2026-11", "m-2")]  # the earliest submitted
    assert keys["r-0"] == "đường liên thôn" and keys["r-2"] == "nước sạch"
    assert keys["r-1"] == "đường liên thôn#r-1"  # the old duplicate kept, apart
