"""Recipients from the registry: an event for a branch reaches its secretary's e-mail with no
contact point configured, asked over HTTP (never from the bus) and remembered; a registry outage
delays the e-mail, it does not lose it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from notifications_events import event, request
from notifications_registry import Registry, running_registry
from notifications_servers import fast_settings, service, wait_until, worker_running

from chibo_testing.plugin import migrated
from event_contracts.events import meetings as mt
from notifications.deliveries.models import Delivery, DeliveryAttempt
from notifications.directory.registry import RegistryPeople
from notifications.directory.rules import holders, in_registry
from notifications.directory.service import RegistryDirectory
from notifications.email.sink import SmtpSink
from notifications.fatigue.scheduled import digest_once
from notifications.main import MIGRATIONS, build_app
from org_tree.registry_client import RegistryUnavailable

SECRETARY_MAIL = "bithu.thon1@example.vn"


def test_who_an_address_names() -> None:
    roles = [
        {"member_id": "m-pho", "role": "deputy_secretary"},
        {"member_id": "m-uv", "role": "branch_committee_member"},
    ]
    assert holders("branch-secretary:cb", roles) == ["m-pho"]  # vacant: the deputy acts
    with_secretary = [*roles, {"member_id": "m-bt", "role": "secretary"}]
    assert holders("branch-secretary:cb", with_secretary) == ["m-bt"]
    assert holders("committee:cb", [*with_secretary, roles[0]]) == ["m-pho", "m-uv", "m-bt"]
    assert holders("member:m-1", []) == ["m-1"]
    assert in_registry("observers:cb") and in_registry("member:m-1")
    assert not in_registry("agency:ubkt") and not in_registry("organisation-commission:province")
    assert not in_registry("committee:")


async def seed_branch(registry: Registry) -> tuple[str, str]:
    """A commune with one branch whose secretary has an e-mail; (branch id, secretary id)."""
    commune = await registry.org("HT.BP", "commune", registry.province, "Đảng ủy xã Bình Phú")
    branch = await registry.org("HT.BP.1", "grassroots_branch", commune, "Chi bộ Thôn 1")
    secretary = await registry.member(branch, "Nguyễn Văn Bí", SECRETARY_MAIL)
    await registry.role(secretary, branch, "secretary")
    return branch, secretary


async def test_a_branch_event_emails_its_secretary_found_in_the_registry(
    db_url: str, tmp_path: Path, sink: SmtpSink
) -> None:
    await (await migrated(db_url, MIGRATIONS)).dispose()
    async with running_registry(tmp_path) as registry:
        branch, _ = await seed_branch(registry)
        settings = fast_settings(db_url, sink.port)
        async with service(settings, sink, registry.client()) as svc:
            assert (await svc.client.get("/v1/contact-points")).json()["items"] == []
            await svc.dispatch(svc.event(branch_id=branch))
            assert registry.wire.calls == []  # nobody is looked up inside the event's transaction
            async with worker_running(svc):
                mails = await sink.wait_for(1)
                assert mails[0].rcpt_to == [SECRETARY_MAIL]
                assert mails[0].message["To"] == SECRETARY_MAIL
                assert len(registry.wire.calls) == 2  # the branch's roles, the secretary

                await svc.dispatch(svc.event(branch_id=branch, meeting_id="meeting-2"))
                await sink.wait_for(2)

                async def both_delivered() -> list[Delivery]:
                    done = await svc.rows(Delivery, Delivery.status == "delivered")
                    return done if len(done) == 2 else []

                emails = await wait_until(both_delivered, what="both recorded")
            assert len(registry.wire.calls) == 2  # the second e-mail: remembered, not asked
            for email in emails:
                assert email.channel == "email" and email.recipient == f"branch-secretary:{branch}"
                assert email.contact_point_id is None and email.target == SECRETARY_MAIL


async def test_while_the_registry_is_down_the_email_is_retried_not_lost(
    sqlite_url: str, tmp_path: Path, sink: SmtpSink
) -> None:
    await (await migrated(sqlite_url, MIGRATIONS)).dispose()
    async with running_registry(tmp_path) as registry:
        branch, _ = await seed_branch(registry)
        async with service(fast_settings(sqlite_url, sink.port), sink, registry.client()) as svc:
            registry.wire.down = True
            await svc.dispatch(svc.event(branch_id=branch))
            async with worker_running(svc):

                async def retried() -> list[DeliveryAttempt]:
                    return await svc.rows(DeliveryAttempt, DeliveryAttempt.outcome == "retry")

                (attempt, *_) = await wait_until(retried, what="an attempt while down")
                assert attempt.error is not None and attempt.error.startswith("registry:")
                assert sink.messages == []
                (pending,) = await svc.rows(Delivery, Delivery.channel == "email")
                assert pending.status == "pending"

                registry.wire.down = False
                mails = await sink.wait_for(1)
                (delivered,) = await wait_until(
                    lambda: svc.rows(Delivery, Delivery.status == "delivered"), what="recorded"
                )
            assert mails[0].rcpt_to == [SECRETARY_MAIL]
            assert delivered.channel == "email" and delivered.attempts >= 2


async def test_the_daily_digest_goes_to_the_registrys_people_and_nobody_fails_visibly(
    sqlite_url: str, tmp_path: Path, sink: SmtpSink
) -> None:
    await (await migrated(sqlite_url, MIGRATIONS)).dispose()
    async with running_registry(tmp_path) as registry:
        branch, _ = await seed_branch(registry)  # no observer assigned yet
        async with service(fast_settings(sqlite_url, sink.port), sink, registry.client()) as svc:
            # Routine: to the branch's observers and its secretary, by the evening digest.
            await svc.dispatch(event(request(mt.RequestAcknowledged, branch_id=branch)))
            assert await svc.rows(Delivery) == []
            assert (
                await digest_once(svc.runtime.context, datetime(2026, 12, 1, 11, tzinfo=UTC)) == 2
            )
            async with worker_running(svc):
                mails = await sink.wait_for(1)

                async def both_finished() -> list[Delivery]:
                    done = await svc.rows(Delivery, Delivery.status != "pending")
                    return done if len(done) == 2 else []

                finished = await wait_until(both_finished, what="both finished")
            assert mails[0].rcpt_to == [SECRETARY_MAIL]
            assert "Tổng hợp thông báo ngày 01/12/2026" in mails[0].message["Subject"]
            outcome = {d.recipient.partition(":")[0]: (d.status, d.last_error) for d in finished}
            assert outcome == {
                "branch-secretary": ("delivered", None),
                "observers": ("failed", "registry không có địa chỉ thư điện tử của người nhận này"),
            }


async def test_registry_answers_are_remembered_and_serve_through_an_outage(
    tmp_path: Path,
) -> None:
    async with running_registry(tmp_path) as registry:
        branch, secretary = await seed_branch(registry)
        other = await registry.org("HT.TH", "commune", registry.province)
        vacant = await registry.org("HT.TH.1", "grassroots_branch", other)  # no secretary
        deputy = await registry.member(vacant, "Trần Thị Phó", "pho.thon2@example.vn")
        await registry.role(deputy, vacant, "deputy_secretary")
        silent = await registry.member(vacant, "Lê Văn Lặng", None)  # no e-mail on record
        await registry.role(silent, vacant, "deputy_secretary")
        upper = await registry.member(branch, "Hoàng Văn Trên", "uv.tinh@example.vn")
        await registry.role(upper, registry.province, "committee_member")
        await registry.observer(upper, branch)

        now = [0.0]
        people = RegistryPeople(
            registry.client(), fresh_seconds=60, stale_seconds=3600, monotonic=lambda: now[0]
        )
        assert await people.emails(f"branch-secretary:{branch}") == [SECRETARY_MAIL]
        assert await people.emails(f"branch-secretary:{vacant}") == ["pho.thon2@example.vn"]
        assert await people.emails(f"committee:{vacant}") == ["pho.thon2@example.vn"]
        assert await people.emails(f"observers:{branch}") == ["uv.tinh@example.vn"]
        assert await people.emails(f"member:{secretary}") == [SECRETARY_MAIL]
        assert await people.emails("member:nobody") == []
        asked = len(registry.wire.calls)
        assert await people.emails(f"branch-secretary:{branch}") == [SECRETARY_MAIL]
        assert len(registry.wire.calls) == asked  # fresh: not asked again

        registry.wire.down = True
        now[0] = 600.0  # no longer fresh, still within stale_seconds: the older answer serves
        assert await people.emails(f"branch-secretary:{branch}") == [SECRETARY_MAIL]
        assert len(registry.wire.calls) == asked + 2  # it did try (roles, then e-mail)
        now[0] = 4000.0  # too old to trust: the caller retries later
        with pytest.raises(RegistryUnavailable):
            await people.emails(f"branch-secretary:{branch}")
        registry.wire.down = False
        assert await people.emails(f"branch-secretary:{branch}") == [SECRETARY_MAIL]


async def test_without_client_credentials_only_configured_contact_points_are_reached(
    sqlite_url: str, sink: SmtpSink, caplog: pytest.LogCaptureFixture
) -> None:
    await (await migrated(sqlite_url, MIGRATIONS)).dispose()
    with caplog.at_level(logging.WARNING, logger="notifications.directory.registry"):
        async with service(fast_settings(sqlite_url, sink.port), sink) as svc:
            await svc.dispatch(svc.event())
            assert await svc.rows(Delivery) == []  # nobody configured: the inbox only
    off = [r for r in caplog.records if "registry directory off" in r.getMessage()]
    assert len(off) == 1


def test_client_credentials_turn_the_registry_directory_on(sqlite_url: str) -> None:
    settings = fast_settings(sqlite_url, 8025, client_id="service-notif", client_secret="s3cret")
    app = build_app(settings)
    assert isinstance(app.state.runtime.context.directory, RegistryDirectory)
    assert app.state.runtime.context.registry is not None
    without = build_app(fast_settings(sqlite_url, 8025))
    assert not isinstance(without.state.runtime.context.directory, RegistryDirectory)
