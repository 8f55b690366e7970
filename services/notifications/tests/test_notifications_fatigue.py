"""Fatigue control and reminders: one digest a day, urgent at once within a budget, reminders
once each — time moved with an injected clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

from notifications_events import apply_registry, event, missed, register_tree, request
from notifications_servers import fast_settings, service, worker_running

from chibo_testing.plugin import migrated
from event_contracts.events import meetings as mt
from event_contracts.events import registry as rg
from notifications.deliveries.models import Delivery
from notifications.email.sink import SmtpSink
from notifications.fatigue.models import Digest, DigestItem
from notifications.fatigue.rules import DigestLine, compose, digest_due, percentiles, send_now
from notifications.fatigue.scheduled import digest_once
from notifications.inbox.models import Notification
from notifications.main import MIGRATIONS
from notifications.reminders.rules import due_reminders
from notifications.reminders.scheduled import remind_once
from service_kit.clock import FrozenClock

SECRETARY = "branch-secretary:cb-thon-1"
OBSERVER = "member:m-observer"


def test_urgent_is_immediate_within_the_budget_and_routine_waits_for_the_digest() -> None:
    assert send_now("urgent", "by_urgency", sent_today=0, budget=2)
    assert not send_now("urgent", "by_urgency", sent_today=2, budget=2)
    assert not send_now("routine", "by_urgency", sent_today=0, budget=2)
    assert send_now("routine", "immediate", sent_today=1, budget=2)
    assert not send_now("urgent", "digest", sent_today=0, budget=2)


def test_the_digest_is_due_from_the_local_hour_and_groups_urgent_items_first() -> None:
    assert digest_due(datetime(2026, 12, 1, 9, 59, tzinfo=UTC), 17) is None  # 16:59 ICT
    assert digest_due(datetime(2026, 12, 1, 10, 0, tzinfo=UTC), 17) == date(2026, 12, 1)
    assert digest_due(datetime(2026, 12, 1, 17, 30, tzinfo=UTC), 17) is None  # 00:30 on the 2nd
    t = datetime(2026, 12, 1, 2, tzinfo=UTC)
    subject, body = compose(
        date(2026, 12, 1),
        [
            DigestLine("vn.chibo.meetings.request.answered.v1", "Đã trả lời", False, t),
            DigestLine("vn.chibo.meetings.meeting.missed.v1", "Chưa sinh hoạt", True, t),
        ],
    )
    assert subject == "Tổng hợp thông báo ngày 01/12/2026: 2 mục"
    assert body.index("[KHẨN] Chưa sinh hoạt") < body.index("Đã trả lời (09:00 01/12/2026)")
    assert "Kiến nghị thay đổi trạng thái (1):" in body


def test_weekly_counts_are_published_as_percentiles_not_per_person() -> None:
    counts = [1] * 90 + [10] * 9 + [60]
    assert percentiles(counts, [0.5, 0.9, 0.99, 1.0]) == {0.5: 1.0, 0.9: 1.0, 0.99: 10.0, 1.0: 60.0}
    assert percentiles([], [0.5]) == {0.5: 0.0}


def test_reminders_fall_before_the_window_and_before_the_tenth_across_month_ends() -> None:
    windows = [("cb-1", 3, 5), ("cb-2", 1, 3)]
    observers = {"cb-1": ["m-1"]}

    def due(on: date) -> set[tuple[str, str, str, str]]:
        found = due_reminders(on, windows, observers, lead_days=2, report_due_day=10)
        return {(r.kind, r.branch_id, r.period, r.recipient) for r in found}

    assert due(date(2026, 12, 1)) == {
        ("meeting_window", "cb-1", "2026-12", "branch-secretary:cb-1"),
        ("meeting_window", "cb-1", "2026-12", "member:m-1"),
        ("meeting_window", "cb-2", "2026-12", "branch-secretary:cb-2"),
    }
    assert due(date(2026, 12, 30)) == {
        ("meeting_window", "cb-2", "2027-01", "branch-secretary:cb-2")
    }
    assert due(date(2026, 12, 8)) == {("report_due", "cb-1", "2026-11", "member:m-1")}
    assert due(date(2027, 1, 9)) == {("report_due", "cb-1", "2026-12", "member:m-1")}
    assert due(date(2026, 12, 15)) == set()


async def test_a_day_of_events_makes_one_digest_and_the_urgent_item_goes_at_once(
    db_url: str, sink: SmtpSink
) -> None:
    await (await migrated(db_url, MIGRATIONS)).dispose()
    async with service(fast_settings(db_url, sink.port), sink) as svc:
        await register_tree(svc)
        await svc.contact(SECRETARY, "email", "bithu.thon1@example.vn")
        routine = [
            request(mt.RequestAcknowledged, status="acknowledged"),
            request(mt.RequestAnswered, status="answered"),
            request(mt.RequestReturned, status="returned", request_id="req-2", subject="Đèn"),
        ]
        for data in routine:
            await svc.dispatch(event(data))
        await svc.dispatch(event(missed()))
        async with worker_running(svc):
            first = await sink.wait_for(1)
            assert (
                first[0].message["Subject"] == "[KHẨN] Chi bộ Thôn 1 chưa sinh hoạt tháng 11/2026"
            )

            svc.runtime.clock = FrozenClock(datetime(2026, 12, 1, 9, 59, tzinfo=UTC))
            assert await digest_once(svc.runtime.context) == 0  # 16:59: not yet
            svc.runtime.clock = FrozenClock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
            assert await digest_once(svc.runtime.context) == 1
            assert await digest_once(svc.runtime.context) == 0  # once a day, however often it runs
            mails = await sink.wait_for(2)
        digest = mails[1].message
        assert digest["Subject"] == "Tổng hợp thông báo ngày 01/12/2026: 3 mục"
        text = digest.get_content()
        assert "Kiến nghị thay đổi trạng thái (3):" in text
        for word in ("đã tiếp nhận", "đã trả lời", "bị trả lại"):
            assert word in text
        assert "chưa sinh hoạt" not in text  # the urgent one went at once, not again
        inbox = await svc.rows(Notification, Notification.recipient == SECRETARY)
        assert len(inbox) == 4  # the inbox shows everything as it happens
        assert [d.item_count for d in await svc.rows(Digest)] == [3]


async def test_beyond_the_daily_budget_urgent_items_fold_into_the_digest(
    sqlite_url: str, sink: SmtpSink
) -> None:
    await (await migrated(sqlite_url, MIGRATIONS)).dispose()
    async with service(fast_settings(sqlite_url, sink.port), sink) as svc:
        current = (await svc.client.get("/v1/rules")).json()
        document = {**current["document"], "fatigue": {"daily_immediate_budget": 1}}
        published = await svc.client.post(
            "/v1/rules/versions", json={**document, "based_on_version": 0, "note": "ngân sách 1"}
        )
        assert published.status_code == 201, published.text
        await svc.contact(SECRETARY, "email", "bithu.thon1@example.vn")
        await svc.dispatch(event(missed("2026-10")))
        await svc.dispatch(event(missed("2026-11")))
        immediate = await svc.rows(Delivery, Delivery.channel == "email")
        assert len(immediate) == 1
        folded = await svc.rows(DigestItem)
        assert [(i.urgent, i.reason) for i in folded] == [(True, "budget")]
        assert "11/2026" in folded[0].subject
        assert await digest_once(svc.runtime.context, datetime(2026, 12, 1, 11, tzinfo=UTC)) == 1
        digest = next(d for d in await svc.rows(Delivery) if d.rule_id == "digest")
        assert "[KHẨN]" in digest.body and "11/2026" in digest.body


async def test_reminders_fire_once_each_with_the_injected_clock(
    db_url: str, sink: SmtpSink
) -> None:
    await (await migrated(db_url, MIGRATIONS)).dispose()
    async with service(fast_settings(db_url, sink.port), sink) as svc:
        await register_tree(svc)
        await apply_registry(
            svc,
            rg.ObserverAssigned(
                observer_assignment_id="oa-1",
                aggregate_version=1,
                member_id="m-observer",
                branch_id="cb-thon-1",
                valid_from=date(2026, 1, 1),
            ),
        )

        async def remind(utc: datetime) -> int:
            svc.runtime.clock = FrozenClock(utc)
            return await remind_once(svc.runtime.context)

        # Thôn 1 meets from the 3rd, Thôn 9 from the 1st; two days ahead, 09:00 ICT.
        assert await remind(datetime(2026, 11, 29, 2, tzinfo=UTC)) == 1  # Thôn 9 (1 Dec)
        assert (
            await remind(datetime(2026, 12, 1, 2, tzinfo=UTC)) == 2
        )  # Thôn 1: secretary, observer
        assert await remind(datetime(2026, 12, 1, 9, tzinfo=UTC)) == 0  # same day again
        assert await remind(datetime(2026, 12, 2, 2, tzinfo=UTC)) == 0  # next day: already told
        assert await remind(datetime(2026, 12, 8, 2, tzinfo=UTC)) == 1  # report due the 10th
        assert await remind(datetime(2026, 12, 9, 2, tzinfo=UTC)) == 0
        await apply_registry(
            svc,
            rg.ObserverEnded(
                observer_assignment_id="oa-1",
                aggregate_version=2,
                member_id="m-observer",
                branch_id="cb-thon-1",
                on=date(2026, 12, 20),
            ),
        )
        assert await remind(datetime(2027, 1, 2, 2, tzinfo=UTC)) == 1  # secretary only now

        notes = await svc.rows(Notification, Notification.recipient == OBSERVER)
        subjects = sorted(n.subject for n in notes)
        assert subjects == [
            "Nhắc hạn báo cáo dự sinh hoạt Chi bộ Thôn 1: 10/12/2026",
            "Nhắc lịch sinh hoạt Chi bộ Thôn 1 từ ngày 03/12/2026",
        ]
        secretary = await svc.rows(Notification, Notification.recipient == SECRETARY)
        assert len(secretary) == 2


async def test_a_member_nearing_the_absence_threshold_reaches_the_secretary(
    sqlite_url: str, sink: SmtpSink
) -> None:
    from event_contracts.events.scoring import ComplianceFlagged

    await (await migrated(sqlite_url, MIGRATIONS)).dispose()
    async with service(fast_settings(sqlite_url, sink.port), sink) as svc:
        await register_tree(svc)
        await svc.contact(SECRETARY, "email", "bithu.thon1@example.vn")

        def flag(months: int, severity: str) -> ComplianceFlagged:
            return ComplianceFlagged.produce(
                aggregate_version=1,
                flag_id=f"unexcused:m-7:2026:{months}",
                kind="unexcused_absence_warning" if months == 2 else "name_removal_proposal",
                severity=severity,
                subject_type="member",
                subject_id="m-7",
                branch_id="cb-thon-1",
                period="2026",
                message=f"Đảng viên m-7 vắng không lý do {months} tháng trong năm 2026.",
            )

        await svc.dispatch(event(flag(2, "warning")))
        await svc.dispatch(event(flag(3, "proposal")))
        async with worker_running(svc):
            (urgent,) = await sink.wait_for(1)  # the warning waits for the digest
        assert urgent.message["Subject"] == "[KHẨN] Chi bộ Thôn 1: cảnh báo kỳ 2026"
        assert "vắng không lý do 3 tháng" in urgent.message.get_content()
        assert "quyết định thuộc cấp có thẩm quyền" in urgent.message.get_content()
        inbox = await svc.rows(Notification, Notification.recipient == SECRETARY)
        assert sorted(n.body.strip() for n in inbox) == [
            "Đảng viên m-7 vắng không lý do 2 tháng trong năm 2026.",
            "Đảng viên m-7 vắng không lý do 3 tháng trong năm 2026.",
        ]
