"""Reminders and go-live: nobody is reminded of a meeting or an observer report for a month
before the branch's go-live, which reaches the replica as the registry's event; from its first
live month the reminders run as before."""

from __future__ import annotations

from datetime import UTC, date, datetime

from notifications_events import apply_registry, register_tree
from notifications_servers import fast_settings, service

from chibo_testing.plugin import migrated
from event_contracts.events import registry as rg
from notifications.inbox.models import Notification
from notifications.main import MIGRATIONS
from notifications.reminders.scheduled import remind_once
from service_kit.clock import FrozenClock


async def test_no_reminder_for_a_month_before_go_live(db_url: str, sink) -> None:  # type: ignore[no-untyped-def]
    await (await migrated(db_url, MIGRATIONS)).dispose()
    async with service(fast_settings(db_url, sink.port), sink) as svc:
        await register_tree(svc)
        observer = rg.ObserverAssigned(
            observer_assignment_id="oa-1",
            aggregate_version=1,
            member_id="m-observer",
            branch_id="cb-thon-1",
            valid_from=date(2026, 1, 1),
        )
        await apply_registry(svc, observer)
        # Bình Phú (Thôn 1) goes live in January; Thạch Hà (Thôn 9) has been live since October.
        for org_id, day in (("xa-binh-phu", date(2027, 1, 1)), ("xa-thach-ha", date(2026, 10, 1))):
            await apply_registry(
                svc,
                rg.OrganisationGoLiveSet(
                    aggregate_version=2, organisation_id=org_id, go_live_on=day
                ),
            )

        async def remind(utc: datetime) -> int:
            svc.runtime.clock = FrozenClock(utc)
            return await remind_once(svc.runtime.context)

        assert await remind(datetime(2026, 11, 29, 2, tzinfo=UTC)) == 1  # Thôn 9 (1 Dec): live
        assert await remind(datetime(2026, 12, 1, 2, tzinfo=UTC)) == 0  # Thôn 1: not in use yet
        assert await remind(datetime(2026, 12, 8, 2, tzinfo=UTC)) == 0  # no report owed either
        # January: Thôn 1's secretary and observer, and Thôn 9 (from the 1st) as every month.
        assert await remind(datetime(2027, 1, 1, 2, tzinfo=UTC)) == 3
        assert await remind(datetime(2027, 1, 8, 2, tzinfo=UTC)) == 0  # December's report: none
        assert await remind(datetime(2027, 2, 8, 2, tzinfo=UTC)) == 1  # January's report is owed
        told = await svc.rows(Notification, Notification.recipient == "member:m-observer")
        assert sorted(n.subject for n in told) == [
            "Nhắc hạn báo cáo dự sinh hoạt Chi bộ Thôn 1: 10/02/2027",
            "Nhắc lịch sinh hoạt Chi bộ Thôn 1 từ ngày 03/01/2027",
        ]
