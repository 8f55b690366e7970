"""Go-live in scoring, on SQLite and PostgreSQL: a branch going live mid-quarter is not flagged
for the quarters before; its year's classification counts only its live months; back-filled
minutes are scored and stop the gap's flags; roll-ups, rankings and reports show a period before
go-live as not in use; the roll-out view counts who is live, planned and logging.

Thạch Ngọc commune rolled out on 1 January 2026 (Đông Hà inherits it); Tây Hà went live on
15 May (mid-quarter) after back-filling February and April; Nam Hà on 1 November, after
back-filling July and a thematic meeting in October; Bắc Hà, in a commune with no plan yet, is
not planned at all.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from scoring_factories import deliver_registry, envelope, facts, organisation, scoring_app

from chibo_testing.tokens import signed_client
from event_contracts.events.meetings import RollEntry
from event_contracts.events.registry import OrganisationGoLiveSet
from scoring.compliance.models import ComplianceFlag
from scoring.compliance.scheduled import sweep_once
from scoring.meeting_scores import handlers
from scoring.meeting_scores.models import MeetingScore
from service_kit.clock import FrozenClock

ABSENT = RollEntry(member_id="m-x", attendance="unexcused")


def go_live(org_id: str, on: date) -> OrganisationGoLiveSet:
    return OrganisationGoLiveSet.produce(aggregate_version=2, organisation_id=org_id, go_live_on=on)


def meeting(branch: str, month: int, day: int = 5, *, thematic: bool = False, **extra: Any) -> Any:
    return facts(
        meeting_id=f"{branch}-{month:02d}-{day:02d}",
        branch_id=branch,
        held_on=date(2026, month, day),
        meeting_type="combined" if thematic else "regular",
        duration_minutes=130 if thematic else 100,
        **extra,
    )


def year() -> list[Any]:
    absent = [*facts().roll, ABSENT]
    out = [meeting("dong-ha", m, thematic=m % 3 == 0) for m in range(1, 13)]
    # Tây Hà: paper minutes of February and April back-filled (no thematic meeting in Q1, and
    # m-x absent without excuse twice), then every month from June, a thematic one a quarter.
    out += [meeting("tay-ha", m, roll=absent) for m in (2, 4)]
    out += [
        meeting("tay-ha", m, thematic=m in (6, 9, 12), **({"roll": absent} if m == 7 else {}))
        for m in range(6, 13)
    ]
    # Nam Hà: July and a thematic meeting in October back-filled, then November and December.
    out += [meeting("nam-ha", 7), meeting("nam-ha", 10, 10, thematic=True)]
    out += [meeting("nam-ha", m) for m in (11, 12)]
    out += [meeting("bac-ha", m) for m in range(1, 7)]
    return out


async def world(db_url: str) -> Any:
    app = await scoring_app(db_url)
    runtime = app.state.runtime
    await deliver_registry(
        runtime,
        organisation("tinh", None, kind="province"),
        organisation("thach-ngoc", "tinh", kind="commune"),
        organisation("thach-bac", "tinh", kind="commune"),
        *(
            organisation(b, "thach-ngoc", branch_kind="residential")
            for b in ("dong-ha", "tay-ha", "nam-ha")
        ),
        organisation("bac-ha", "thach-bac", branch_kind="residential"),
        go_live("thach-ngoc", date(2026, 1, 1)),
        go_live("tay-ha", date(2026, 5, 15)),
        go_live("nam-ha", date(2026, 11, 1)),
    )
    async with runtime.uow() as uow:
        for data in year():
            await handlers.on_meeting_submitted(runtime.context, uow, envelope(data), data)
        await uow.commit()
    return app


async def flags(runtime: Any) -> set[tuple[str, str, str]]:
    async with runtime.db.session() as session:
        rows = await session.execute(
            sa.select(ComplianceFlag.kind, ComplianceFlag.subject_id, ComplianceFlag.period)
        )
        return {tuple(r) for r in rows.all()}  # type: ignore[misc]


async def test_only_live_quarters_are_flagged_and_back_filled_minutes_count(db_url: str) -> None:
    app = await world(db_url)
    runtime = app.state.runtime
    async with runtime.db.session() as session:
        scored = dict(
            (await session.execute(sa.select(MeetingScore.meeting_id, MeetingScore.grade))).all()
        )
    assert {"tay-ha-02-05", "tay-ha-04-05", "nam-ha-07-05", "nam-ha-10-10"} <= set(scored)

    runtime.clock = FrozenClock(datetime(2027, 1, 5, tzinfo=UTC))  # all of 2026 has ended
    await sweep_once(runtime.context)
    # Nothing at all: Tây Hà's Q1 lies before its go-live though it "met that year", Nam Hà's
    # Q3 too, and Nam Hà's Q4 has the thematic meeting it back-filled; Bắc Hà is not planned;
    # m-x's two unexcused months before go-live do not count towards a warning.
    assert await flags(runtime) == set()

    await runtime.db.dispose()


async def test_without_any_date_the_same_year_is_judged_whole(sqlite_url: str) -> None:
    """As before go-live dates existed: the gaps of the back-filled year are flagged."""
    app = await scoring_app(sqlite_url)
    runtime = app.state.runtime
    async with runtime.uow() as uow:
        for data in year():
            await handlers.on_meeting_submitted(runtime.context, uow, envelope(data), data)
        await uow.commit()
    runtime.clock = FrozenClock(datetime(2027, 1, 5, tzinfo=UTC))
    await sweep_once(runtime.context)
    assert {
        ("quarter_without_thematic", "tay-ha", "2026-Q1"),
        ("quarter_without_thematic", "nam-ha", "2026-Q3"),
        ("unexcused_absence_warning", "m-x", "2026"),
    } <= await flags(runtime)
    await runtime.db.dispose()


async def test_the_year_is_classified_on_live_months_and_live_branches(db_url: str) -> None:
    app = await world(db_url)
    runtime = app.state.runtime
    async with signed_client(app, "http://scoring") as client:
        run = await client.post(
            "/v1/classifications/2026/proposals", json={}, headers={"Idempotency-Key": "p"}
        )
        assert run.status_code == 201, run.text

        async def of(subject_type: str, subject_id: str) -> dict[str, Any]:
            r = await client.get(f"/v1/classifications/2026/{subject_type}/{subject_id}")
            assert r.status_code == 200, r.text
            return dict(r.json())

        tay_ha = await of("branch", "tay-ha")
        # Seven live months (June–December), three quarters with a live month; the back-filled
        # February and April count in the points, not as months owed or met.
        assert tay_ha["basis"]["months_met"] == 7
        assert tay_ha["basis"]["quarters_with_thematic"] == 3
        assert tay_ha["basis"]["meetings"] == 9
        assert tay_ha["basis"]["on_time_share"] == 1.0
        assert tay_ha["proposed_level"] in ("excellent", "good")
        assert (await of("member", "m-x"))["basis"]["unexcused_months"] == 1

        nam_ha = await of("branch", "nam-ha")
        assert nam_ha["proposed_level"] is None
        assert "chưa đủ 6 tháng" in nam_ha["excluded_reason"]
        bac_ha = await of("branch", "bac-ha")
        assert bac_ha["excluded_reason"] == "chi bộ chưa đưa vào sử dụng trong năm 2026"
        # The excellent quota is taken over the live branches only: Đông Hà and Tây Hà.
        levels = [(await of("branch", b))["proposed_level"] for b in ("dong-ha", "tay-ha")]
        assert sorted(levels) in (["excellent", "good"], ["good", "good"])
        assert run.json()["branch"]["excluded"] == 2
    await runtime.db.dispose()


async def test_reports_show_periods_before_go_live_as_not_in_use(db_url: str) -> None:
    app = await world(db_url)
    runtime = app.state.runtime
    runtime.clock = FrozenClock(datetime(2027, 1, 5, tzinfo=UTC))
    async with signed_client(app, "http://scoring") as client:

        async def get(path: str, **params: Any) -> dict[str, Any]:
            r = await client.get(path, params=params)
            assert r.status_code == 200, r.text
            return dict(r.json())

        year_rollup = await get("/v1/branches/tay-ha/rollups", period="2026")
        assert (year_rollup["in_use"], year_rollup["months_in_use"]) == ("partly_in_use", 7)
        assert year_rollup["missed_months"] == [] and year_rollup["quarters_without_thematic"] == []
        assert year_rollup["thematic_required"] == 3
        assert [m["in_use"] for m in year_rollup["months"]] == [False] * 5 + [True] * 7
        assert year_rollup["months"][1]["meetings"] == 1  # February's back-filled minutes

        q3 = await get("/v1/branches/nam-ha/rollups", period="2026-Q3")
        assert (q3["in_use"], q3["missed_months"], q3["thematic_required"]) == (
            "not_in_use",
            [],
            0,
        )
        commune = await get("/v1/organisations/thach-ngoc/rollups", period="2026-Q3")
        assert (commune["branches"], commune["branches_in_use"]) == (3, 2)
        assert commune["thematic_required"] == 2

        ranking = await client.post(
            "/v1/organisations/thach-ngoc/rankings",
            json={"period": "2026-Q3"},
            headers={"Idempotency-Key": "r"},
        )
        assert ranking.status_code == 201, ranking.text
        (group,) = ranking.json()["groups"]
        assert [(b["branch_id"], b["rank"] is not None, b["in_use"]) for b in group["branches"]][
            -1
        ] == ("nam-ha", False, False)
        assert all(b["rank"] for b in group["branches"][:2])

        report = await get("/v1/reports/branches", organisation_id="thach-ngoc", period="2026-Q3")
        assert (report["branches"], report["branches_in_use"], report["coverage"]) == (3, 2, 1.0)
        line = next(x for x in report["lines"] if x["branch_id"] == "nam-ha")
        assert line["in_use"] == "not_in_use" and line["meetings"] == 1  # July, back-filled
    await runtime.db.dispose()


async def test_the_roll_out_view_counts_live_planned_and_logging(db_url: str) -> None:
    app = await world(db_url)
    runtime = app.state.runtime
    async with signed_client(app, "http://scoring") as client:
        r = await client.get("/v1/organisations/tinh/roll-out", params={"on": "2026-10-20"})
        assert r.status_code == 200, r.text
        view = r.json()
        assert view["planned_anywhere"] is True
        levels = {
            lv["kind"]: (lv["live"], lv["planned"], lv["not_planned"]) for lv in view["levels"]
        }
        assert levels == {
            "province": (0, 0, 1),
            "commune": (1, 0, 1),
            "grassroots_branch": (2, 1, 1),
        }
        assert (view["branches"], view["branches_live"]) == (4, 2)
        # Logging since 1 September: Đông Hà, Tây Hà, and Nam Hà's back-filled October.
        assert view["branches_logging"] == 3 and view["logging_share_of_live"] == 1.0
        assert view["upcoming"] == [{"go_live_on": "2026-11-01", "organisations": 1, "branches": 1}]
        later = (
            await client.get("/v1/organisations/thach-ngoc/roll-out", params={"on": "2026-12-15"})
        ).json()
        assert (later["branches"], later["branches_live"], later["live_share"]) == (3, 3, 1.0)
        assert later["upcoming"] == []
    await runtime.db.dispose()
