"""The meeting calendar as dated rule data (#14): the default window, the grace before a month is
missed and the observer report's due day come from the rule set in force on the day, for the
branch's province; a rule file that does not validate stops the start-up, naming file and field."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from meetings_factories import meeting_rules, meetings_api, observed_dong_ha, submission

from event_contracts.events.registry import OrganisationRegistered
from meetings.main import build_app
from meetings.policy import load_meeting_rules
from meetings.schedules.models import MeetingExpectation
from meetings.schedules.scheduled import sweep_once
from meetings.settings import MeetingsSettings
from org_tree.replica import apply_registered
from service_kit.rulesets import NoRuleSet, RuleSetError
from service_kit.runtime import ServiceRuntime
from service_kit.uow import UnitOfWork

NO_BROKER = "amqp://guest:guest@127.0.0.1:1/"


def test_the_shipped_national_rules_are_todays_values() -> None:
    book = load_meeting_rules()
    national = book.in_force(date(2026, 11, 1))
    assert national.province_code is None and book.provinces == frozenset()
    assert national.window(None) == (1, 5) and national.window((4, 4)) == (4, 4)
    assert (national.missed_grace_days, national.observer_report_due_before_day) == (5, 10)
    assert national.observer_min_days == 5
    assert book.in_force(date(1930, 1, 1)) == national  # every day the service accepts


def test_the_set_in_force_the_province_s_own_first(tmp_path: Path) -> None:
    book = load_meeting_rules(
        meeting_rules(
            tmp_path,
            later={"version": "2", "effective_from": date(2026, 12, 1), "missed_grace_days": 7},
            ha_tinh={
                "version": "ht-1",
                "province_code": "HT",
                "effective_from": date(2026, 6, 1),
                "missed_grace_days": 2,
            },
        )
    )
    assert book.provinces == {"HT"}
    assert book.in_force(date(2026, 11, 30)).missed_grace_days == 5
    assert book.in_force(date(2026, 12, 1)).missed_grace_days == 7
    assert book.in_force(date(2026, 5, 31), "HT").missed_grace_days == 5  # not yet its own
    assert book.in_force(date(2026, 6, 1), "HT").missed_grace_days == 2
    assert book.in_force(date(2027, 1, 1), "HT").missed_grace_days == 2  # its own still wins
    assert book.in_force(date(2027, 1, 1), "NA").missed_grace_days == 7
    with pytest.raises(NoRuleSet, match="áp dụng từ 01/01/1930"):
        book.in_force(date(1929, 12, 31))


async def expectations(rt: ServiceRuntime, period: str) -> dict[str, tuple[str, datetime]]:
    async with rt.db.session() as session:
        rows = (
            await session.execute(
                sa.select(MeetingExpectation).where(MeetingExpectation.period == period)
            )
        ).scalars()
        return {r.branch_id: (r.status, r.due_at) for r in rows}


async def test_grace_days_changed_from_a_date(db_url: str, tmp_path: Path) -> None:
    """Seven days' grace from 1 December 2026: November's month keeps five, December's has
    seven — the sweep flags each at its own time, not at the other's."""
    rules_dir = meeting_rules(
        tmp_path,
        december={"version": "2", "effective_from": date(2026, 12, 1), "missed_grace_days": 7},
    )
    now = datetime(2026, 11, 3, 12, tzinfo=UTC)
    async with meetings_api(db_url, now=now, rules_dir=rules_dir) as (_, rt):
        clock = rt.clock
        assert await sweep_once(rt.context) == 0  # November expected
        assert await expectations(rt, "2026-11") == {
            "branch-dong-ha": ("expected", datetime(2026, 11, 10, 17, tzinfo=UTC))  # 5 + 5
        }
        clock.set(datetime(2026, 11, 10, 16, 59, tzinfo=UTC))  # type: ignore[attr-defined]
        assert await sweep_once(rt.context) == 0
        clock.set(datetime(2026, 11, 10, 17, 0, tzinfo=UTC))  # type: ignore[attr-defined]
        assert await sweep_once(rt.context) == 1  # missed with the old grace
        clock.set(datetime(2026, 12, 10, 17, 0, tzinfo=UTC))  # type: ignore[attr-defined]
        assert await sweep_once(rt.context) == 0  # the old grace would have flagged it now
        assert await expectations(rt, "2026-12") == {
            "branch-dong-ha": ("expected", datetime(2026, 12, 12, 17, tzinfo=UTC))  # 5 + 7
        }
        clock.set(datetime(2026, 12, 12, 16, 59, tzinfo=UTC))  # type: ignore[attr-defined]
        assert await sweep_once(rt.context) == 0
        clock.set(datetime(2026, 12, 12, 17, 0, tzinfo=UTC))  # type: ignore[attr-defined]
        assert await sweep_once(rt.context) == 1
        assert {s for s, _ in (await expectations(rt, "2026-12")).values()} == {"missed"}


NGHE_AN = [
    ("tinh-nghe-an", "province", None),
    ("xa-nghi-loc", "commune", "tinh-nghe-an"),
    ("branch-nghi-loc", "grassroots_branch", "xa-nghi-loc"),
]


async def two_provinces(uow: UnitOfWork) -> None:
    """Đông Hà (Hà Tĩnh, of the factories' tree) observed by uv-xa-01; Nghi Lộc in Nghệ An."""
    await observed_dong_ha(uow)
    for org_id, kind, parent in NGHE_AN:
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
            ),
        )


async def test_a_province_s_own_rules_win_over_the_national_ones(
    db_url: str, tmp_path: Path
) -> None:
    """Hà Tĩnh meets on days 10–15, has two days' grace and wants observer reports before the
    5th; the nation moves to nine days' grace in June. Hà Tĩnh's branches follow Hà Tĩnh's set,
    Nghệ An's the national one."""
    rules_dir = meeting_rules(
        tmp_path,
        june={"version": "2", "effective_from": date(2026, 6, 1), "missed_grace_days": 9},
        ha_tinh={
            "version": "ha-tinh-1",
            "province_code": "tinh-ha-tinh",
            "effective_from": date(2026, 1, 1),
            "meeting_window": {"from_day": 10, "to_day": 15},
            "missed_grace_days": 2,
            "observer_report_due_before_day": 5,
            "observer_min_days": 3,
        },
    )
    now = datetime(2026, 11, 4, 3, tzinfo=UTC)
    async with meetings_api(db_url, now=now, seed=two_provinces, rules_dir=rules_dir) as (
        client,
        rt,
    ):
        for branch, within in (("branch-dong-ha", False), ("branch-nghi-loc", True)):
            r = await client.post(
                "/v1/meetings",
                json=submission(branch_id=branch),
                headers={"Idempotency-Key": branch},
            )
            assert r.status_code == 201, r.text
            assert r.json()["within_scheduled_window"] is within, branch  # held on the 3rd
        (report,) = (await client.get("/v1/observer-reports?branch_id=branch-dong-ha")).json()
        assert report["due_at"] == "2026-12-04T17:00:00Z"  # before the 5th, Hà Tĩnh's
        rt.clock.set(datetime(2026, 12, 1, 3, tzinfo=UTC))  # type: ignore[attr-defined]
        await sweep_once(rt.context)
        assert await expectations(rt, "2026-12") == {
            "branch-dong-ha": ("expected", datetime(2026, 12, 17, 17, tzinfo=UTC)),  # 15 + 2
            "branch-nghi-loc": ("expected", datetime(2026, 12, 14, 17, tzinfo=UTC)),  # 5 + 9
        }


BROKEN = {
    "missed_grace_days": -1,
    "meeting_window": {"from_day": 6, "to_day": 2},
}


def broken_rules(directory: Path) -> Path:
    meeting_rules(directory, broken=BROKEN)
    text = (directory / "broken.yaml").read_text(encoding="utf-8")
    (directory / "broken.yaml").write_text(
        text.replace("observer_min_days: 5\n", ""), encoding="utf-8"
    )
    return directory


def test_a_malformed_rule_file_is_refused_naming_file_and_field(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError) as caught:
        load_meeting_rules(broken_rules(tmp_path))
    message = str(caught.value)
    assert "broken.yaml: missed_grace_days: Input should be greater than or equal to 0" in message
    assert "broken.yaml: meeting_window: from_day không được sau to_day" in message
    assert "broken.yaml: observer_min_days: Field required" in message
    assert "national.yaml" not in message.split("\n", 1)[1]


def test_unreadable_clashing_or_without_a_national_set(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(RuleSetError, match=r"a\.yaml: không đọc được YAML"):
        load_meeting_rules(tmp_path)
    (tmp_path / "a.yaml").unlink()
    meeting_rules(tmp_path, again={"version": "2"})
    with pytest.raises(RuleSetError, match="hai bộ quy định toàn quốc cùng áp dụng từ 01/01/1930"):
        load_meeting_rules(tmp_path)
    (tmp_path / "national.yaml").unlink()
    (tmp_path / "again.yaml").write_text(
        (tmp_path / "again.yaml")
        .read_text(encoding="utf-8")
        .replace("province_code: null", "province_code: HT"),
        encoding="utf-8",
    )
    with pytest.raises(RuleSetError, match="thiếu bộ quy định chung toàn quốc"):
        load_meeting_rules(tmp_path)
    with pytest.raises(RuleSetError, match="không có tệp quy định"):
        load_meeting_rules(tmp_path / "nowhere")


def test_a_malformed_rule_file_stops_the_start_up(tmp_path: Path) -> None:
    broken = broken_rules(tmp_path)
    with pytest.raises(RuleSetError, match=r"broken\.yaml: missed_grace_days"):
        build_app(
            MeetingsSettings(
                database_url=f"sqlite+aiosqlite:///{tmp_path}/m.db",
                amqp_url=NO_BROKER,  # type: ignore[arg-type]
                meeting_rules_dir=broken,
            )
        )
    # The command line says so in a sentence and exits 2, before touching any database.
    done = subprocess.run(
        [sys.executable, "-m", "meetings", "openapi"],
        env={**os.environ, "MEETINGS_MEETING_RULES_DIR": str(broken)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("meetings: không khởi động: tệp quy định không hợp lệ")
    assert "broken.yaml: observer_min_days: Field required" in done.stderr
    assert done.stdout == ""
