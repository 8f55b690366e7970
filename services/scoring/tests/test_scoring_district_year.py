"""A Bắc Mê-sized district's year through the event edge: classification within the quota,
the planted member proposed for removal, detectors firing once, reports and the decision API."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from scoring_factories import envelope, scoring_app
from scoring_year import (
    EXEMPT,
    LATE_JOINER,
    NO_THEMATIC_Q2,
    PLANTED,
    PLANTED_MONTHS,
    YEAR,
    generate,
)

from chibo_testing.tokens import signed_client
from event_contracts.events.meetings import (
    MeetingAmended,
    ObserverReportFiled,
    ObserverReportOverdue,
)
from scoring.classification.rules import quota_limit
from scoring.compliance import handlers as compliance_handlers
from scoring.compliance.models import ComplianceFlag
from scoring.compliance.scheduled import sweep_once
from scoring.meeting_scores import handlers
from scoring.rollups.periods import parse_period
from scoring.rollups.service import branch_rollup
from service_kit.clock import FrozenClock
from service_kit.outbox import OutboxEvent

pytestmark = pytest.mark.slow

FLAGGED = "vn.chibo.scoring.compliance.flagged.v1"


async def _deliver(runtime: Any, items: list[Any], batch: int = 250) -> None:
    """Each (handler, data) as the consumer would apply it, many per transaction for speed."""
    for start in range(0, len(items), batch):
        async with runtime.uow() as uow:
            for handler, data in items[start : start + batch]:
                event = envelope(data)
                await handler(runtime.context, uow, event, data)
            await uow.commit()


async def _events(runtime: Any, event_type: str) -> list[dict[str, Any]]:
    async with runtime.db.session() as session:
        rows = await session.execute(
            sa.select(OutboxEvent.payload).where(OutboxEvent.event_type == event_type)
        )
        return [json.loads(p)["data"] for p in rows.scalars()]


async def test_a_district_year(sqlite_url: str) -> None:
    app = await scoring_app(sqlite_url)
    runtime = app.state.runtime
    year = generate()
    await _deliver(runtime, [(handlers.on_meeting_submitted, m) for m in year.meetings])

    # Committee members observing branches: one reports on time, one lets reports go overdue.
    observed = [m for m in year.meetings if m.branch_id in ("b-000", "b-001", "b-002")]
    await _deliver(
        runtime,
        [
            (
                handlers.on_observer_report_filed,
                ObserverReportFiled.produce(
                    aggregate_version=1, report_id=f"r-{m.meeting_id}", meeting_id=m.meeting_id,
                    branch_id=m.branch_id, observer_member_id="cv-1", attended=True,
                    scores={"C3": 3, "C4": 20, "C5": 5}, filed_on_time=True,
                ),
            )
            for m in observed
        ]
        + [
            (
                compliance_handlers.on_observer_report_overdue,
                ObserverReportOverdue.produce(
                    aggregate_version=1, meeting_id=m.meeting_id, branch_id=m.branch_id,
                    observer_member_id="cv-2",
                    due_at=datetime(YEAR, m.held_on.month, 20, tzinfo=UTC),
                ),
            )
            for m in observed
        ],
    )  # fmt: skip

    # The planted member, and only them, is proposed for removal; others reach a warning.
    flags = await _events(runtime, FLAGGED)
    removal = [f for f in flags if f["kind"] == "name_removal_proposal"]
    assert [f["subject_id"] for f in removal] == [PLANTED]
    assert removal[0]["severity"] == "proposal" and removal[0]["period"] == str(YEAR)
    assert removal[0]["details"]["unexcused_months_calendar_year"] == 3
    assert "xóa tên" in removal[0]["message"]
    warned = {f["subject_id"] for f in flags if f["kind"] == "unexcused_absence_warning"}
    two_months = {m for m, months in year.unexcused_months.items() if len(months) == 2}
    assert warned == two_months | {PLANTED} and len(two_months) > 5

    # An amendment re-runs the detectors: no flag is raised twice.
    planted_meeting = next(
        m for m in year.meetings if m.branch_id == "b-007" and m.held_on.month == PLANTED_MONTHS[-1]
    )
    amended = MeetingAmended.produce(
        **{
            **planted_meeting.model_dump(),
            "aggregate_version": 2,
            "amendment_reason": "sửa biên bản",
        }
    )
    await _deliver(runtime, [(handlers.on_meeting_submitted, amended)])
    assert len(await _events(runtime, FLAGGED)) == len(flags)

    # A quarter without a thematic meeting: found by the sweep on the injected clock, once.
    runtime.clock = FrozenClock(datetime(YEAR + 1, 1, 10, tzinfo=UTC))
    assert await sweep_once(runtime.context) == len(NO_THEMATIC_Q2)
    assert await sweep_once(runtime.context) == 0
    async with runtime.db.session() as session:
        thematic = (
            await session.execute(
                sa.select(ComplianceFlag.subject_id, ComplianceFlag.period).where(
                    ComplianceFlag.kind == "quarter_without_thematic"
                )
            )
        ).all()
    assert sorted(thematic) == [(b, f"{YEAR}-Q2") for b in NO_THEMATIC_Q2]

    async with signed_client(app, "http://scoring") as client:
        run = await client.post(
            f"/v1/classifications/{YEAR}/proposals",
            json={"exclusions": [{"subject_id": "b-012-m01", "reason": "đình chỉ sinh hoạt đảng"}]},
            headers={"Idempotency-Key": "year-1"},
        )
        assert run.status_code == 201, run.text
        counts = run.json()
        rows = []
        for offset in range(0, 5000, 2000):
            page = await client.get(
                f"/v1/classifications/{YEAR}", params={"limit": 2000, "offset": offset}
            )
            rows += page.json()

        by_id = {(r["subject_type"], r["subject_id"]): r for r in rows}
        for kind in ("branch", "member"):
            levels = Counter(r["proposed_level"] for r in rows if r["subject_type"] == kind)
            good_or_better = levels["excellent"] + levels["good"]
            assert levels["excellent"] <= 0.2 * levels["good"]
            assert levels["excellent"] == quota_limit(good_or_better, 0.2) > 0
            assert any(r["capped_by_quota"] for r in rows if r["subject_type"] == kind)
            assert counts[kind]["excellent"] == levels["excellent"]
        assert counts["branch"]["excluded"] == 0 and counts["branch"]["not_fulfilled"] >= 0
        assert by_id[("member", EXEMPT)]["excluded_reason"] == "miễn sinh hoạt"
        assert by_id[("member", LATE_JOINER)]["excluded_reason"] == "chưa đủ 6 tháng"
        assert by_id[("member", "b-012-m01")]["excluded_reason"] == "đình chỉ sinh hoạt đảng"
        assert by_id[("member", PLANTED)]["proposed_level"] in ("fulfilled", "not_fulfilled")
        reporting, silent = by_id[("member", "cv-1")], by_id[("member", "cv-2")]
        assert (
            reporting["basis"]["reports_on_time"] == 36 and silent["basis"]["reports_on_time"] == 0
        )
        assert reporting["points"] > silent["points"]
        assert len(await _events(runtime, "vn.chibo.scoring.classification.proposed.v1")) == sum(
            counts[k][lv]
            for k in ("branch", "member")
            for lv in ("excellent", "good", "fulfilled", "not_fulfilled")
        )

        # The superior committee decides, once; the decision is an event.
        url = f"/v1/classifications/{YEAR}/branch/b-000/decision"
        body = {"level": "good", "reason": "Ban Thường vụ quyết định theo tỷ lệ"}
        first = await client.post(url, json=body, headers={"Idempotency-Key": "d-1"})
        assert first.status_code == 201, first.text
        assert first.json()["level"] == "good" and first.json()["decision_reason"] == body["reason"]
        replay = await client.post(url, json=body, headers={"Idempotency-Key": "d-1"})
        assert replay.json() == first.json() and replay.headers["Idempotent-Replayed"] == "true"
        again = await client.post(url, json=body, headers={"Idempotency-Key": "d-2"})
        assert again.status_code == 409
        decided = await _events(runtime, "vn.chibo.scoring.classification.decided.v1")
        assert [d["subject_id"] for d in decided] == ["b-000"]
        no_key = await client.post(url, json=body)
        assert no_key.status_code == 400

        # Reports: coverage, grades, weakest branches; the same as CSV and XLSX.
        report = (await client.get("/v1/reports/branches", params={"period": "2026-Q2"})).json()
        assert report["branches"] == 214 and report["coverage"] == 1.0
        assert sum(report["by_grade"].values()) == report["meetings"] == 214 * 3
        weakest = report["weakest"][0]
        assert year.tiers[weakest["branch_id"]] == "weak" and weakest["criteria_lost"]
        csv_text = (
            await client.get("/v1/reports/branches", params={"period": "2026", "format": "csv"})
        ).content.decode("utf-8-sig")
        assert csv_text.splitlines()[0].startswith("Chi bộ,Số cuộc họp")
        assert len(csv_text.splitlines()) == 215
        xlsx = await client.get(
            "/v1/reports/branches",
            params={"period": "2026-07", "format": "xlsx", "branch_id": ["b-000", "b-999"]},
        )
        book = load_workbook(io.BytesIO(xlsx.content))
        assert book.sheetnames == ["Tổng hợp", "Chi bộ", "Yếu nhất"]
        assert book["Tổng hợp"]["B4"].value == 0.5  # b-999 never met: half the scope covered

    # The amendment of a meeting shows in the month roll-up.
    before = planted_meeting.model_copy()
    async with runtime.db.session() as session:
        month = parse_period(f"{YEAR}-{before.held_on.month:02d}")
        old = await branch_rollup(session, "b-007", month, before.held_on.replace(year=YEAR + 1))
    worse = MeetingAmended.produce(
        **{
            **before.model_dump(),
            "aggregate_version": 3,
            "duration_minutes": 40,
            "amendment_reason": "thời lượng ghi sai",
        }
    )
    await _deliver(runtime, [(handlers.on_meeting_submitted, worse)])
    async with runtime.db.session() as session:
        new = await branch_rollup(session, "b-007", month, before.held_on.replace(year=YEAR + 1))
    assert old.average_points is not None and new.average_points is not None
    assert new.average_points < old.average_points
    assert new.months[0].most_lost_criterion is not None
    await runtime.db.dispose()
