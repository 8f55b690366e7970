"""Dry run of escalation "as of a date" (#14), on SQLite and PostgreSQL: for 18 March 2026 it
answers exactly what the request sweeper and the missed-meeting sweeper then do with the clock
at the start of that day — an escalation past an abolished district, a request overdue at the
top, a reminder, months missed (one stored, one the sweep expects first), a month not in use —
and it writes nothing: every table keeps its row count, the outbox too."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from meetings_factories import meetings_api, request, submission

from chibo_testing.tokens import holding
from event_contracts.events.registry import (
    OrganisationDissolved,
    OrganisationGoLiveSet,
    OrganisationRegistered,
)
from meetings.requests.models import RequestActionDone
from meetings.requests.scheduled import sweep_once as request_sweep
from meetings.schedules.models import MeetingExpectation
from meetings.schedules.scheduled import sweep_once as missed_sweep
from org_tree.replica import apply_ceased, apply_go_live_set, apply_registered
from service_kit.clock import VIETNAM, start_of_vietnam_day
from service_kit.outbox import OutboxEvent
from service_kit.runtime import ServiceRuntime
from service_kit.uow import UnitOfWork

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hà Nội
AS_OF = date(2026, 3, 18)
URL = "/v1/organisations/{}/escalation-dry-run"

MORE = [  # beside the factories' tree: a second branch of Thạch Ngọc, a commune right under
    # the province with its branch
    ("branch-tay-ha", "grassroots_branch", "xa-thach-ngoc", 4),
    ("xa-thach-son", "commune", "tinh-ha-tinh", None),
    ("branch-bac-son", "grassroots_branch", "xa-thach-son", None),
]


async def more_tree(uow: UnitOfWork) -> None:
    for org_id, kind, parent, day in MORE:
        await apply_registered(
            uow.session,
            OrganisationRegistered.produce(
                aggregate_version=1,
                organisation_id=org_id,
                code=org_id,
                name=org_id,
                kind=kind,
                parent_id=parent,
                valid_from=date(2020, 1, 1),
                meeting_day_from=day,
                meeting_day_to=day,
            ),
        )
    # The district is abolished in the 2025 reform, Thạch Ngọc still linked under it.
    await apply_ceased(
        uow.session,
        OrganisationDissolved.produce(
            aggregate_version=2,
            organisation_id="huyen-thach-ha",
            on=date(2025, 7, 1),
            children_moved_to_id=None,
        ),
    )


async def go_live(rt: ServiceRuntime, **dates: date) -> None:
    async with rt.uow() as uow:
        for org_id, day in dates.items():
            await apply_go_live_set(
                uow.session,
                OrganisationGoLiveSet.produce(
                    aggregate_version=3, organisation_id=org_id.replace("_", "-"), go_live_on=day
                ),
            )
        await uow.commit()


async def submit(client: httpx.AsyncClient, rt: ServiceRuntime, branch: str, *asks: str) -> None:
    start = rt.clock.now().astimezone(VIETNAM) - timedelta(hours=3)
    body = submission(
        branch_id=branch,
        requests_raised=[request(addressee_id=a, subject=f"Kiến nghị gửi {a}") for a in asks],
        held_on=start.date().isoformat(),
        started_at=start.isoformat(),
        ended_at=(start + timedelta(hours=2)).isoformat(),
    )
    r = await client.post("/v1/meetings", json=body, headers={"Idempotency-Key": branch})
    assert r.status_code == 201, r.text


async def row_counts(rt: ServiceRuntime) -> dict[str, int]:
    async with rt.db.session() as session:
        connection = await session.connection()
        names = await connection.run_sync(lambda c: sa.inspect(c).get_table_names())
        counts = {}
        for name in names:
            query = sa.select(sa.func.count()).select_from(sa.table(name))
            counts[name] = int((await session.execute(query)).scalar_one())
        return counts


async def events(rt: ServiceRuntime, key: str) -> list[dict[str, Any]]:
    async with rt.db.session() as session:
        rows = (
            await session.execute(
                sa.select(OutboxEvent.payload).where(OutboxEvent.routing_key == key)
            )
        ).scalars()
        return [json.loads(r)["data"] for r in rows]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
async def world(db_url: str) -> Any:
    async with meetings_api(db_url, now=datetime(2026, 2, 2, 2, tzinfo=UTC), seed=more_tree) as (
        client,
        rt,
    ):
        assert await missed_sweep(rt.context) == 0  # February expected of the three branches
        # Then the roll-out: the province live all along, Tây Hà only from March.
        await go_live(rt, tinh_ha_tinh=date(2020, 1, 1), branch_tay_ha=date(2026, 3, 1))
        rt.clock.set(START)  # type: ignore[attr-defined]
        await submit(client, rt, "branch-dong-ha", "xa-thach-ngoc", "tinh-ha-tinh")
        await submit(client, rt, "branch-bac-son", "xa-thach-son")
        rt.clock.set(START + timedelta(days=7, hours=12))  # type: ignore[attr-defined]
        assert await request_sweep(rt.context) == 3  # half the time to acknowledge: reminded
        items = (await client.get("/v1/requests")).json()["items"]
        ids = {i["addressee_id"]: i["id"] for i in items}
        ack = await client.post(
            f"/v1/requests/{ids['xa-thach-son']}/actions", json={"action": "acknowledge"}
        )
        assert ack.status_code == 200, ack.text
        yield client, rt, ids


async def test_the_dry_run_answers_what_the_sweeps_then_do_and_writes_nothing(
    world: Any,
) -> None:
    client, rt, ids = world
    before = await row_counts(rt)
    r = await client.get(URL.format("tinh-ha-tinh"), params={"as_of": AS_OF.isoformat()})
    assert r.status_code == 200, r.text
    dry = r.json()
    assert await row_counts(rt) == before  # nothing written, the outbox included
    assert dry["written"] is False and at(dry["as_of_at"]) == start_of_vietnam_day(AS_OF)

    # What it says, in the branch's words.
    (escalation,) = dry["escalations"]
    assert escalation["request_id"] == ids["xa-thach-ngoc"]
    assert (escalation["from_organisation_id"], escalation["to_organisation_id"]) == (
        "xa-thach-ngoc",
        "tinh-ha-tinh",
    )
    assert (escalation["from_level"], escalation["to_level"]) == (0, 1)
    assert escalation["skipped_organisation_ids"] == ["huyen-thach-ha"]
    assert escalation["breached_stage"] == "acknowledge"
    assert at(escalation["deadline_at"]) == datetime(2026, 3, 16, 17, tzinfo=UTC)  # 10 days
    assert [t["request_id"] for t in dry["overdue_at_top"]] == [ids["tinh-ha-tinh"]]
    # Half the time to answer gone (30 days at a commune): reminded — Thạch Ngọc's too, in the
    # pass that escalates it, as the sweep does.
    assert {(m["request_id"], m["stage"], m["fraction"]) for m in dry["reminders"]} == {
        (ids["xa-thach-son"], "answer", 0.5),
        (ids["xa-thach-ngoc"], "answer", 0.5),
    }
    missed = {(m["branch_id"], m["period"]): m for m in dry["missed_meetings"]}
    assert set(missed) == {
        ("branch-dong-ha", "2026-02"),
        ("branch-bac-son", "2026-02"),
        ("branch-tay-ha", "2026-03"),
    }
    assert missed["branch-tay-ha", "2026-03"]["expected_first"] is True
    assert at(missed["branch-tay-ha", "2026-03"]["due_at"]) == datetime(2026, 3, 9, 17, tzinfo=UTC)
    assert dry["not_in_use"] == [{"branch_id": "branch-tay-ha", "period": "2026-02"}]

    # A commune sees its own: the requests its branch raised or it owes, its branches' months.
    commune = (
        await client.get(URL.format("xa-thach-ngoc"), params={"as_of": AS_OF.isoformat()})
    ).json()
    assert [e["request_id"] for e in commune["escalations"]] == [ids["xa-thach-ngoc"]]
    assert [t["request_id"] for t in commune["overdue_at_top"]] == [ids["tinh-ha-tinh"]]
    assert [m["request_id"] for m in commune["reminders"]] == [ids["xa-thach-ngoc"]]
    assert {(m["branch_id"], m["period"]) for m in commune["missed_meetings"]} == {
        ("branch-dong-ha", "2026-02"),
        ("branch-tay-ha", "2026-03"),
    }

    # The real sweeps with the clock at that moment do exactly that.
    rt.clock.set(start_of_vietnam_day(AS_OF))
    await request_sweep(rt.context)
    await missed_sweep(rt.context)
    escalated = await events(rt, "meetings.request.escalated.v1")
    assert {
        (
            e["request_id"],
            e["from_level_organisation_id"],
            e["level_organisation_id"],
            e["level"],
            tuple(e["skipped_organisation_ids"]),
            e["breached_stage"],
            at(e["breached_due_at"]),
        )
        for e in escalated
    } == {
        (
            e["request_id"],
            e["from_organisation_id"],
            e["to_organisation_id"],
            e["to_level"],
            tuple(e["skipped_organisation_ids"]),
            e["breached_stage"],
            at(e["deadline_at"]),
        )
        for e in dry["escalations"]
    }
    reminded = await events(rt, "meetings.request.due_soon.v1")
    assert len(reminded) == 3 + len(dry["reminders"])
    assert {(e["request_id"], e["stage"], e["fraction"]) for e in reminded[3:]} == {
        (m["request_id"], m["stage"], m["fraction"]) for m in dry["reminders"]
    }
    async with rt.db.session() as session:
        at_top = (
            await session.execute(
                sa.select(RequestActionDone.request_id).where(
                    RequestActionDone.key.like("overdue_at_top:%")  # type: ignore[attr-defined]
                )
            )
        ).scalars()
        assert set(at_top) == {t["request_id"] for t in dry["overdue_at_top"]}
        settled = (
            await session.execute(
                sa.select(MeetingExpectation.branch_id, MeetingExpectation.period).where(
                    MeetingExpectation.status == "not_in_use"
                )
            )
        ).all()
        assert {tuple(s) for s in settled} == {
            (n["branch_id"], n["period"]) for n in dry["not_in_use"]
        }
    flagged = await events(rt, "meetings.meeting.missed.v1")
    assert {(e["branch_id"], e["period"], at(e["due_at"])) for e in flagged} == {
        (m["branch_id"], m["period"], at(m["due_at"])) for m in dry["missed_meetings"]
    }
    # Afterwards nothing is left to do as of that day.
    again = (await client.get(URL.format("tinh-ha-tinh"), params={"as_of": "2026-03-18"})).json()
    assert again["escalations"] == again["overdue_at_top"] == again["missed_meetings"] == []


async def test_a_bad_date_is_a_422_and_the_scope_holds(world: Any) -> None:
    client, _, _ = world
    for bad in ("garbage", "2026-13-45", "1800-01-01", "99999"):
        r = await client.get(URL.format("xa-thach-ngoc"), params={"as_of": bad})
        assert r.status_code == 422, (bad, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert [e["pointer"] for e in r.json()["errors"]] == ["#query/as_of"], bad
    missing = await client.get(URL.format("xa-thach-ngoc"))
    assert missing.status_code == 422
    assert [e["pointer"] for e in missing.json()["errors"]] == ["#query/as_of"]

    as_of = {"as_of": AS_OF.isoformat()}
    bac_son = holding(("secretary", "branch-bac-son"))
    outside = await client.get(URL.format("xa-thach-ngoc"), params=as_of, headers=bac_son)
    assert outside.status_code == 403, outside.text
    assert outside.headers["content-type"].startswith("application/problem+json")
    own = await client.get(URL.format("branch-bac-son"), params=as_of, headers=bac_son)
    assert own.status_code == 200, own.text
    assert {m["period"] for m in own.json()["missed_meetings"]} == {"2026-02"}
    assert own.json()["escalations"] == []  # Thạch Ngọc's request is not Bắc Sơn's
    unknown = await client.get(URL.format("nowhere"), params=as_of)
    assert unknown.status_code == 404 and unknown.json()["code"] == "organisation-not-found"
    # Outside the caller's subtree whether it exists or not: no telling which.
    nowhere = await client.get(URL.format("nowhere"), params=as_of, headers=bac_son)
    assert nowhere.status_code == 403
