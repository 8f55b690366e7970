"""Re-scoring a period under a new rubric version: an explicit job through the API, run a batch
at a time and resumed after a restart; the log's counts, the scores kept, the events."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from scoring_factories import deliver_registry, envelope, facts, organisation, roll

from chibo_testing.plugin import migrated
from chibo_testing.tokens import bearer, signed_client
from event_contracts.events.meetings import MeetingAmended
from scoring.main import MIGRATIONS, build_app
from scoring.meeting_scores.models import MeetingScore, MeetingScoreVersion
from scoring.meeting_scores.service import confirm_score, score_submitted_meeting
from scoring.rescoring import cli
from scoring.rescoring.scheduled import run_pending
from scoring.rubrics.book import RUBRICS_DIR
from scoring.settings import ScoringSettings
from service_kit.outbox import OutboxEvent
from service_kit.runtime import ServiceRuntime

OLD, NEW = "2025-10-28", "2027-06-01"  # after the shipped 2027-01-01
OFFICER = bearer("tinh", "province", subject="can-bo-tinh")
JOB = {
    "period": "2026-Q3",
    "rubric_id": "hd42-default",
    "organisation_id": "xa-a",
    "reason": "Tỉnh nâng thời lượng tối thiểu lên 120 phút, chấm lại quý III",
}
TREE = [
    organisation("tinh", None, kind="province"),
    organisation("xa-a", "tinh", kind="commune"),
    organisation("xa-b", "tinh", kind="commune"),
    organisation("b-1", "xa-a"),
    organisation("b-2", "xa-a"),
    organisation("b-3", "xa-b"),
]


def rubrics_with_a_new_version(directory: Path) -> Path:
    """The shipped rubrics and a new HD 42 version: 120 minutes minimum instead of 90."""
    for path in RUBRICS_DIR.glob("*.yaml"):
        (directory / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    text = (RUBRICS_DIR / f"default-hd42-{OLD}.yaml").read_text(encoding="utf-8")
    text = text.replace(f'version: "{OLD}"', f'version: "{NEW}"')
    text = text.replace(f"effective_on: {OLD}", f"effective_on: {NEW}")
    text = text.replace("{default: 90, combined: 120}", "{default: 120, combined: 150}")
    (directory / f"default-hd42-{NEW}.yaml").write_text(text, encoding="utf-8")
    return directory


def settings(db_url: str, rubrics_dir: Path | None, batch: int = 2) -> ScoringSettings:
    return ScoringSettings(
        database_url=db_url,
        amqp_url="amqp://guest:guest@127.0.0.1:1/",  # type: ignore[arg-type]
        rubrics_dir=rubrics_dir,
        rescoring_batch_size=batch,
    )


@pytest.fixture
async def world(db_url: str, tmp_path: Path) -> AsyncIterator[tuple[Any, ScoringSettings]]:
    async for built in build_world(db_url, tmp_path):
        yield built


@pytest.fixture
async def sqlite_world(
    sqlite_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Any, ScoringSettings]]:
    """For what does not depend on the database."""
    async for built in build_world(sqlite_url, tmp_path):
        yield built


async def build_world(db_url: str, tmp_path: Path) -> AsyncIterator[tuple[Any, ScoringSettings]]:
    """b-1 and b-2 under xa-a, b-3 under xa-b; meetings of Q3 (one amended, one confirmed, one
    scored before facts were kept) and of October, all under the 2025 rubric."""
    db = await migrated(db_url, MIGRATIONS)
    await db.dispose()
    config = settings(db_url, rubrics_with_a_new_version(tmp_path))
    app = build_app(config)
    runtime: ServiceRuntime = app.state.runtime
    await deliver_registry(runtime, *TREE)
    meetings = [
        facts(meeting_id="m-jul", branch_id="b-1", held_on=date(2026, 7, 6)),
        facts(meeting_id="m-aug", branch_id="b-1", held_on=date(2026, 8, 5)),
        facts(meeting_id="m-sep", branch_id="b-2", held_on=date(2026, 9, 7)),
        facts(meeting_id="m-old", branch_id="b-2", held_on=date(2026, 9, 20)),
        facts(meeting_id="m-b3", branch_id="b-3", held_on=date(2026, 8, 3)),
        facts(meeting_id="m-oct", branch_id="b-1", held_on=date(2026, 10, 5)),
        facts(
            meeting_id="m-jul",
            branch_id="b-1",
            held_on=date(2026, 7, 6),
            aggregate_version=2,
            roll=roll(19, 1),
            speaker_ids=[f"present{i}" for i in range(10)],
        ),
    ]
    consumer = runtime.consumers[0]
    handler = consumer.subscription.handlers["meetings.meeting.submitted.v1"]
    for meeting in meetings:  # scored, roll kept, detectors run: as the consumer does
        assert await consumer._apply(handler, envelope(meeting), meeting) == "ack"
    async with runtime.uow() as uow:
        await confirm_score(
            uow,
            runtime.context.rubrics,
            "m-aug",
            {"C3": 3, "C4": 15, "C5": 5},
            "Cấp ủy xã chấm lại phần điều hành",
            datetime(2026, 8, 20, tzinfo=UTC),
        )
        await uow.session.execute(
            sa.update(MeetingScore).where(MeetingScore.meeting_id == "m-old").values(facts={})
        )
        await uow.commit()
    yield app, config
    await app.state.runtime.db.dispose()


async def scores(runtime: ServiceRuntime) -> dict[str, dict[str, Any]]:
    async with runtime.db.session() as session:
        rows = (await session.execute(sa.select(MeetingScore))).scalars()
        return {s.meeting_id: s.model_dump() for s in rows}


async def kept(runtime: ServiceRuntime) -> list[dict[str, Any]]:
    async with runtime.db.session() as session:
        rows = (await session.execute(sa.select(MeetingScoreVersion))).scalars()
        return sorted((r.model_dump() for r in rows), key=lambda r: (r["meeting_id"], r["id"]))


async def scored_events(runtime: ServiceRuntime) -> list[dict[str, Any]]:
    """Every `scoring.meeting.scored.v1` in the outbox, as CloudEvent JSON."""
    async with runtime.db.session() as session:
        stmt = sa.select(OutboxEvent.payload).where(
            OutboxEvent.event_type == "vn.chibo.scoring.meeting.scored.v1"
        )
        return [json.loads(p) for p in (await session.execute(stmt)).scalars()]


async def ask(client: httpx.AsyncClient, key: str, body: dict[str, Any] = JOB) -> httpx.Response:
    return await client.post("/v1/rescoring-jobs", json=body, headers={"Idempotency-Key": key})


async def test_a_job_rescores_the_subtree_keeps_the_old_scores_and_resumes(
    world: tuple[Any, ScoringSettings],
) -> None:
    app, config = world
    runtime: ServiceRuntime = app.state.runtime
    before = await scores(runtime)
    events_before = len(await scored_events(runtime))
    jul_before, aug_before = before["m-jul"], before["m-aug"]

    async with signed_client(app, "http://scoring", headers=OFFICER) as client:
        asked = await ask(client, "job-1")
        assert asked.status_code == 202, asked.text
        job = asked.json()
        assert asked.headers["location"] == f"/v1/rescoring-jobs/{job['id']}"
        assert (job["status"], job["requested_by"], job["rubric_version"]) == (
            "queued",
            "can-bo-tinh",
            NEW,  # the newest loaded version when none is named
        )
        assert (await ask(client, "job-1")).json() == job  # the same key: the same job

    # Two batches of two, then the process dies; a new one resumes at the cursor.
    assert await run_pending(runtime.context, batches=1) == 1
    await runtime.db.dispose()
    app = build_app(config)
    runtime = app.state.runtime
    async with signed_client(app, "http://scoring", headers=OFFICER) as client:
        half = (await client.get(f"/v1/rescoring-jobs/{job['id']}")).json()
        assert (half["status"], half["considered"]) == ("running", 2)
        assert await run_pending(runtime.context) == 2  # the second batch, then the empty one: done
        done = (await client.get(f"/v1/rescoring-jobs/{job['id']}")).json()
        counts = {k: done[k] for k in ("considered", "rescored", "kept_confirmed")}
        assert counts == {"considered": 4, "rescored": 2, "kept_confirmed": 1}
        assert (done["unchanged"], done["failed"], done["status"]) == (0, 1, "done")
        assert done["failures"] == [
            {
                "meeting_id": "m-old",
                "branch_id": "b-2",
                "reason": "điểm được chấm trước khi lưu dữ kiện, không chấm lại được",
            }
        ]

        # The amended meeting: a new official score under the new version, the old one kept.
        jul = (await client.get("/v1/meeting-scores/m-jul")).json()
        assert (jul["rubric_version"], jul["meeting_version"]) == (NEW, 2)
        assert jul["score_version"] == jul_before["score_version"] + 1
        c1 = next(c for c in jul["criteria"] if c["code"] == "C1")
        assert c1["explanation"] == "họp 100 phút (tối thiểu 120) → 3/5"
        assert jul["total_points"] == jul_before["total_points"] - 2 == 98
        versions = (await client.get("/v1/meeting-scores/m-jul/versions")).json()
        assert [(v["kind"], v["rubric_version"], v["score_version"]) for v in versions] == [
            ("superseded", OLD, jul_before["score_version"])
        ]
        assert versions[0]["total_points"] == jul_before["total_points"]
        assert versions[0]["criteria"] == jul_before["criteria"]

        # The confirmed meeting: its confirmed score stays official; the new one sits beside.
        aug = (await client.get("/v1/meeting-scores/m-aug")).json()
        assert (aug["official_source"], aug["rubric_version"]) == ("confirmed", OLD)
        assert aug["total_points"] == aug_before["total_points"] == 95
        beside = (await client.get("/v1/meeting-scores/m-aug/versions")).json()
        assert [(v["kind"], v["rubric_version"]) for v in beside] == [("beside_confirmed", NEW)]
        assert (beside[0]["confirmed_total"], beside[0]["total_points"]) == (93, 93)

        listed = (await client.get("/v1/rescoring-jobs")).json()
        assert [j["id"] for j in listed] == [job["id"]]

    after = await scores(runtime)
    for untouched in ("m-aug", "m-old", "m-b3", "m-oct"):  # confirmed, failed, outside
        assert after[untouched] == before[untouched], untouched
    assert after["m-sep"]["rubric_version"] == NEW
    events = await scored_events(runtime)
    new = [e for e in events if e.get("correlationid") == job["id"]]
    assert len(events) == events_before + len(new)
    assert sorted(e["subject"] for e in new) == ["meetings/m-jul/score", "meetings/m-sep/score"]
    assert {e["data"]["rubric_version"] for e in new} == {NEW}
    assert {e["data"]["rescoring_job_id"] for e in new} == {job["id"]}  # quiet for secretaries

    # The same job again (a new key): nothing left to do, nothing written, nothing announced.
    kept_once = await kept(runtime)
    async with signed_client(app, "http://scoring", headers=OFFICER) as client:
        again = (await ask(client, "job-2")).json()
        await run_pending(runtime.context)
        rerun = (await client.get(f"/v1/rescoring-jobs/{again['id']}")).json()
    assert {k: rerun[k] for k in ("considered", "rescored", "kept_confirmed", "unchanged")} == {
        "considered": 4,
        "rescored": 0,
        "kept_confirmed": 0,
        "unchanged": 3,
    }
    assert rerun["failed"] == 1
    assert await kept(runtime) == kept_once
    assert await scores(runtime) == after
    assert len(await scored_events(runtime)) == len(events)

    # An amendment later keeps the new version; the kept scores do not move.
    amended = MeetingAmended.produce(
        **facts(meeting_id="m-jul", branch_id="b-1", held_on=date(2026, 7, 6)).model_dump()
        | {"aggregate_version": 3},
        amendment_reason="Bổ sung biên bản",
    )
    consumer = runtime.consumers[0]
    handler = consumer.subscription.handlers["meetings.meeting.amended.v1"]
    assert await consumer._apply(handler, envelope(amended), amended) == "ack"
    assert (await scores(runtime))["m-jul"]["rubric_version"] == NEW
    assert await kept(runtime) == kept_once


async def test_a_job_whose_rubric_is_gone_is_marked_failed(
    sqlite_world: tuple[Any, ScoringSettings], sqlite_url: str
) -> None:
    app, _ = sqlite_world
    async with signed_client(app, "http://scoring", headers=OFFICER) as client:
        job = (await ask(client, "job-1")).json()
    await app.state.runtime.db.dispose()
    restarted = build_app(settings(sqlite_url, None))  # deployed without the new rubric file
    await run_pending(restarted.state.runtime.context)
    async with signed_client(restarted, "http://scoring", headers=OFFICER) as client:
        failed = (await client.get(f"/v1/rescoring-jobs/{job['id']}")).json()
    assert (failed["status"], failed["considered"]) == ("failed", 0)
    assert failed["error"] == f"bảng điểm hd42-default {NEW} không còn được nạp"
    await restarted.state.runtime.db.dispose()


BAD = [
    ({"rubric_id": "hd99"}, 422, "/rubric_id"),
    ({"rubric_version": "1999"}, 422, "/rubric_version"),
    ({"period": "2026-Q5"}, 422, "/period"),
    ({"reason": None}, 422, "/reason"),
    ({"organisation_id": "xa-khong-co"}, 404, None),
]


async def test_bad_requests_are_problems(sqlite_world: tuple[Any, ScoringSettings]) -> None:
    app, _ = sqlite_world
    async with signed_client(app, "http://scoring", headers=OFFICER) as client:
        for change, status, pointer in BAD:
            body = {k: v for k, v in (JOB | change).items() if v is not None}
            response = await ask(client, f"bad-{status}-{pointer}", body)
            assert response.status_code == status, response.text
            if pointer:
                assert [e["pointer"] for e in response.json()["errors"]] == [pointer]
        missing_key = await client.post("/v1/rescoring-jobs", json=JOB)
        assert missing_key.status_code == 400
        assert (await client.get("/v1/rescoring-jobs")).json() == []


def test_the_cli_records_and_runs_a_job(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    config = settings(url, rubrics_with_a_new_version(tmp_path))

    async def seed() -> None:
        db = await migrated(url, MIGRATIONS)
        await db.dispose()
        runtime = build_app(config).state.runtime
        async with runtime.uow() as uow:
            await score_submitted_meeting(
                uow, runtime.context.rubrics, facts(held_on=date(2026, 9, 7))
            )
            await uow.commit()
        await runtime.db.dispose()

    asyncio.run(seed())
    _, _, run = cli.command(build_app)
    args = argparse.Namespace(
        period="2026-09",
        rubric_id="hd42-default",
        rubric_version=None,
        organisation_id=None,
        reason="Chấp hành hướng dẫn mới",
    )
    assert run(config, args) == 0
    printed = capsys.readouterr().out
    assert '"status": "done"' in printed and '"rescored": 1' in printed
    assert '"requested_by": "cli:' in printed
