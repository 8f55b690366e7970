"""Formality signals in scoring (#14), on SQLite and PostgreSQL: kept beside a meeting's score
(which they never change), the latest meeting version winning; a commune's monthly list of the
branches whose signals persist three months running."""

from __future__ import annotations

from datetime import date
from typing import Any

from scoring_factories import deliver_registry, envelope, facts, organisation, scoring_app

from chibo_testing.tokens import signed_client
from event_contracts import make_event
from event_contracts.events.meetings import FormalitySignalFact, MeetingFormalityAssessed
from scoring.formality.handlers import on_formality_assessed
from scoring.meeting_scores import handlers

COPIED = FormalitySignalFact(
    code="minutes_repeated",
    explanation="Biên bản giống khoảng 93% biên bản buổi sinh hoạt ngày 05/10/2026.",
    evidence={"matched_meeting_id": "x", "similarity": 0.93, "threshold": 0.7},
)
VAGUE = FormalitySignalFact(
    code="resolution_without_target",
    explanation="Nghị quyết không có chỉ tiêu đo được.",
    evidence={"targets_found": [], "minimum": 1},
)


def assessed(meeting_id: str, branch: str, held_on: date, *signals: Any, version: int = 1) -> Any:
    return MeetingFormalityAssessed.produce(
        aggregate_version=version,
        meeting_id=meeting_id,
        branch_id=branch,
        held_on=held_on,
        rules_id="default",
        rules_version="2026-12-01",
        signals=list(signals),
    )


async def deliver(runtime: Any, *events: Any) -> None:
    async with runtime.uow() as uow:
        for data in events:
            if isinstance(data, MeetingFormalityAssessed):
                event = make_event(data, source="/meetings", subject=f"meetings/{data.meeting_id}")
                await on_formality_assessed(runtime.context, uow, event, data)
            else:
                await handlers.on_meeting_submitted(runtime.context, uow, envelope(data), data)
        await uow.commit()


async def world(db_url: str) -> Any:
    app = await scoring_app(db_url)
    runtime = app.state.runtime
    await deliver_registry(
        runtime,
        organisation("tinh", None, kind="province"),
        organisation("thach-ngoc", "tinh", kind="commune"),
        organisation("dong-ha", "thach-ngoc"),
        organisation("tay-ha", "thach-ngoc"),
        organisation("nam-ha", "thach-ngoc"),
    )
    return app


async def test_signals_beside_the_score_never_changing_it(db_url: str) -> None:
    app = await world(db_url)
    runtime = app.state.runtime
    meeting = facts(meeting_id="dh-11", branch_id="dong-ha", held_on=date(2026, 11, 5))
    await deliver(runtime, meeting)
    async with signed_client(app, "http://scoring") as client:
        before = (await client.get("/v1/meeting-scores/dh-11")).json()
        assert before["formality"] is None
        await deliver(runtime, assessed("dh-11", "dong-ha", date(2026, 11, 5), COPIED, VAGUE))
        after = (await client.get("/v1/meeting-scores/dh-11")).json()
        assert [s["code"] for s in after["formality"]["signals"]] == [
            "minutes_repeated",
            "resolution_without_target",
        ]
        assert after["formality"]["rules_version"] == "2026-12-01"
        for key in ("total_points", "grade", "criteria", "score_version"):
            assert after[key] == before[key]
        # The amended record's assessment replaces it; a late copy of the first does not.
        await deliver(runtime, assessed("dh-11", "dong-ha", date(2026, 11, 5), version=2))
        await deliver(runtime, assessed("dh-11", "dong-ha", date(2026, 11, 5), COPIED))
        latest = (await client.get("/v1/meeting-scores/dh-11")).json()["formality"]
        assert latest["meeting_version"] == 2 and latest["signals"] == []
    await runtime.db.dispose()


async def test_commune_list_of_branches_whose_signals_persist(db_url: str) -> None:
    app = await world(db_url)
    runtime = app.state.runtime
    events = []
    for month in (9, 10, 11):
        held = date(2026, month, 5)
        # Đông Hà: a signal every month (a different one in October: still persisting).
        events.append(assessed(f"dh-{month}", "dong-ha", held, VAGUE if month == 10 else COPIED))
        # Tây Hà: signals in September and November, an honest October between.
        events.append(assessed(f"th-{month}", "tay-ha", held, *(() if month == 10 else (VAGUE,))))
        # Nam Hà: honest throughout.
        events.append(assessed(f"nh-{month}", "nam-ha", held))
    await deliver(runtime, *events)
    async with signed_client(app, "http://scoring") as client:
        answer = await client.get(
            "/v1/organisations/thach-ngoc/formality", params={"month": "2026-11"}
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["period_label"] == "Tháng 11/2026"
        assert body["persist_months"] == 3 and body["branches_checked"] == 3
        assert [b["branch_id"] for b in body["branches"]] == ["dong-ha"]
        listed = body["branches"][0]
        assert listed["months_with_signals"] == ["2026-09", "2026-10", "2026-11"]
        assert listed["signal_codes"] == ["minutes_repeated", "resolution_without_target"]
        assert listed["meeting_ids"] == ["dh-9", "dh-10", "dh-11"]
        assert "3 tháng liên tiếp có dấu hiệu hình thức" in listed["summary"]
        # October alone: not three months running for anyone.
        october = await client.get(
            "/v1/organisations/thach-ngoc/formality", params={"month": "2026-10"}
        )
        assert october.json()["branches"] == []
        bad = await client.get(
            "/v1/organisations/thach-ngoc/formality", params={"month": "2026-13"}
        )
        assert bad.status_code == 422
        unknown = await client.get(
            "/v1/organisations/nowhere/formality", params={"month": "2026-11"}
        )
        assert unknown.status_code in (403, 404)
    await runtime.db.dispose()
