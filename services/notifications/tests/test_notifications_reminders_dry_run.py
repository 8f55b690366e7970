"""Dry run of the reminder job "as of a day" (#14), on SQLite and PostgreSQL: asked about a day,
it names the reminders the job sends when the clock reaches that day — the same recipients, the
same subjects, the same count — and writes nothing; once sent, the same question answers that
they were sent already. Scoped to the subtree asked; a bad date is a 422 naming `as_of`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from notifications_events import apply_registry, register_tree
from notifications_servers import Service, fast_settings, service

from chibo_testing.plugin import migrated
from chibo_testing.rows import row_counts
from event_contracts.events import registry as rg
from notifications.email.sink import SmtpSink
from notifications.inbox.models import Notification
from notifications.main import MIGRATIONS
from notifications.reminders.scheduled import remind_once
from service_kit.clock import FrozenClock

URL = "/v1/organisations/{}/reminders-dry-run"


async def observers(svc: Service) -> None:
    for oa, member, branch in (
        ("oa-1", "m-observer", "cb-thon-1"),
        ("oa-9", "m-nine", "cb-thon-9"),
    ):
        await apply_registry(
            svc,
            rg.ObserverAssigned(
                observer_assignment_id=oa,
                aggregate_version=1,
                member_id=member,
                branch_id=branch,
                valid_from=date(2026, 1, 1),
            ),
        )


async def inbox(svc: Service) -> set[tuple[str, str]]:
    return {(n.recipient, n.subject) for n in await svc.rows(Notification)}


async def dry_run(svc: Service, org: str, day: date) -> dict[str, Any]:
    r = await svc.client.get(URL.format(org), params={"as_of": day.isoformat()})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    assert body["written"] is False
    return body


async def test_the_dry_run_names_what_the_job_then_sends_and_writes_nothing(
    db_url: str, sink: SmtpSink
) -> None:
    await (await migrated(db_url, MIGRATIONS)).dispose()
    async with service(fast_settings(db_url, sink.port), sink) as svc:
        await register_tree(svc)
        await observers(svc)
        # Thôn 9 meets from the 1st, Thôn 1 from the 3rd (two days' lead); reports by the 10th.
        days = [date(2026, 11, 29), date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 15)]
        for day in days:
            before = await row_counts(svc.runtime.db)
            asked = await dry_run(svc, "tinh-ht", day)
            assert await row_counts(svc.runtime.db) == before, day  # nothing written
            # Due that day and not sent before (Thôn 9's window reminder of 29/11 is due until
            # the 1st, sent once): what the job sends.
            would = {
                (r["recipient"], r["subject"]) for r in asked["reminders"] if not r["already_sent"]
            }
            assert len(would) == asked["would_send"], day

            told_before = await inbox(svc)
            svc.runtime.clock = FrozenClock(datetime(day.year, day.month, day.day, 2, tzinfo=UTC))
            sent = await remind_once(svc.runtime.context)  # the real job, on that day (09:00)
            assert sent == asked["would_send"], day
            assert await inbox(svc) - told_before == would, day

            again = await dry_run(svc, "tinh-ht", day)
            assert again["would_send"] == 0, day
            assert again["already_sent"] == len(asked["reminders"]), day
            assert all(r["already_sent"] for r in again["reminders"])

        first = await dry_run(svc, "tinh-ht", date(2026, 12, 1))
        assert first["by_kind"] == {}  # all sent now
        rows = {(r["kind"], r["recipient"], r["recipient_role"]) for r in first["reminders"]}
        assert rows == {
            ("meeting_window", "branch-secretary:cb-thon-1", "secretary"),
            ("meeting_window", "member:m-observer", "observer"),
            ("meeting_window", "branch-secretary:cb-thon-9", "secretary"),
            ("meeting_window", "member:m-nine", "observer"),
        }
        assert {r["subject"] for r in first["reminders"]} == {
            "Nhắc lịch sinh hoạt Chi bộ Thôn 1 từ ngày 03/12/2026",
            "Nhắc lịch sinh hoạt Chi bộ Thôn 9 từ ngày 01/12/2026",
        }
        # A day not asked about yet: what the job would send, by kind and by role.
        january = await dry_run(svc, "tinh-ht", date(2027, 1, 8))
        assert january["by_kind"] == {"report_due": 2}
        assert january["by_role"] == {"observer": 2}
        # The subtree only: Bình Phú's commune sees Thôn 1's observer, not Thôn 9's.
        binh_phu = await dry_run(svc, "xa-binh-phu", date(2027, 1, 8))
        assert [(r["branch_id"], r["member_id"]) for r in binh_phu["reminders"]] == [
            ("cb-thon-1", "m-observer")
        ]
        assert binh_phu["reminders"][0]["branch_name"] == "Chi bộ Thôn 1"


async def test_a_bad_date_is_a_422_naming_as_of(sqlite_url: str, sink: SmtpSink) -> None:
    await (await migrated(sqlite_url, MIGRATIONS)).dispose()
    async with service(fast_settings(sqlite_url, sink.port), sink) as svc:
        await register_tree(svc)
        for params in ({}, {"as_of": "2026-02-30"}, {"as_of": "1929-12-31"}, {"as_of": "hôm nay"}):
            r = await svc.client.get(URL.format("tinh-ht"), params=params)
            assert r.status_code == 422, (params, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert [e["pointer"] for e in r.json()["errors"]] == ["#query/as_of"], r.text
        unknown = await svc.client.get(URL.format("khong-co"), params={"as_of": "2026-12-01"})
        assert unknown.status_code == 404, unknown.text
