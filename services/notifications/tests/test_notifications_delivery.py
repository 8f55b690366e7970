"""Delivering by e-mail and webhook against a real local SMTP server and a real local receiver."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import aio_pika
import pytest
from notifications_servers import (
    Service,
    WebhookReceiver,
    fast_settings,
    scored,
    service,
    wait_until,
    worker_running,
)

from chibo_testing.plugin import migrated
from notifications.deliveries.models import Delivery, DeliveryAttempt
from notifications.email.sink import SmtpSink
from notifications.main import MIGRATIONS

SECRETARY = "branch-secretary:branch-dong-ha"
COMMISSION = "organisation-commission:province"


@pytest.mark.broker
async def test_a_scored_meeting_sends_one_email_and_one_signed_webhook_even_when_replayed(
    db_url: str, amqp_url: str, sink: SmtpSink, receiver: WebhookReceiver
) -> None:
    await (await migrated(db_url, MIGRATIONS)).dispose()
    settings = fast_settings(db_url, sink.port, amqp_url)
    async with service(settings, sink) as svc:
        await svc.contact(SECRETARY, "email", "bithu.dongha@example.vn")
        hook = await svc.contact(COMMISSION, "webhook", receiver.url("commission"))
        assert hook["secret"].startswith("whsec_")
        receiver.secrets["commission"] = [hook["secret"]]
        await svc.runtime.start()  # broker, consumer, outbox relay and the delivery worker
        try:
            await asyncio.wait_for(svc.runtime.bus.wait_connected(), 20)
            async with svc.runtime.uow() as uow:  # publish as scoring would
                event = uow.emit(scored(), subject="meeting-1")
                await uow.commit()

            mails = await sink.wait_for(1)
            await wait_until(lambda: receiver.for_path("commission"), what="webhook received")
            mail = mails[0].message
            assert mails[0].rcpt_to == ["bithu.dongha@example.vn"]
            assert "99/100" in mail["Subject"] and "Tốt" in mail["Subject"]
            assert "Tổng điểm: 99/100 — xếp loại Tốt." in mail.get_content()
            hit = receiver.for_path("commission")[0]
            assert hit.verified == "ok"
            assert json.loads(hit.body)["id"] == event.id
            notes = await svc.client.get("/v1/notifications", params={"recipient": SECRETARY})
            assert [n["event_id"] for n in notes.json()["items"]] == [event.id]

            # The broker delivers the same event again (a DLQ replay, a redelivery)…
            connection = await aio_pika.connect(amqp_url)
            async with connection:
                channel = await connection.channel()
                exchange = await channel.get_exchange("events")
                await exchange.publish(
                    aio_pika.Message(event.to_json(), type=event.type, message_id=event.id),
                    routing_key=event.routing_key,
                )
            # …and a second copy reaches the handler past the inbox: still one of each.
            await svc.dispatch(event)
            await asyncio.sleep(1.0)
            assert len(sink.messages) == 1
            assert len(receiver.for_path("commission")) == 1
            deliveries = await svc.rows(Delivery)
            assert sorted((d.channel, d.status) for d in deliveries) == [
                ("email", "delivered"),
                ("webhook", "delivered"),
            ]
        finally:
            await svc.runtime.stop()


async def publish_rules(svc: Service, recipients: list[str]) -> None:
    current = (await svc.client.get("/v1/rules")).json()
    document = current["document"]
    document["rules"].append(
        {
            "id": "agencies",
            "event_type": "scoring.meeting.scored.v1",
            "recipients": recipients,
            "channels": ["webhook"],
        }
    )
    response = await svc.client.post(
        "/v1/rules/versions",
        json={**document, "based_on_version": current["version"], "note": "thử nghiệm"},
    )
    assert response.status_code == 201, response.text


def gaps(times: list[float]) -> list[float]:
    return [round(b - a, 3) for a, b in itertools.pairwise(times)]


async def test_misbehaving_receivers_are_retried_as_configured_and_do_not_delay_the_others(
    sqlite_url: str, sink: SmtpSink, receiver: WebhookReceiver
) -> None:
    await (await migrated(sqlite_url, MIGRATIONS)).dispose()
    behaviours = {
        "ok": "ok",
        "fail": "fail",
        "slow": "slow",
        "throttle": "throttle",
        "gone": "gone",
    }
    receiver.behaviours.update(behaviours)
    async with service(fast_settings(sqlite_url, sink.port), sink) as svc:
        ids: dict[str, str] = {}
        for path in behaviours:
            created = await svc.contact(f"agency:{path}", "webhook", receiver.url(path))
            receiver.secrets[path] = [created["secret"]]
            ids[path] = created["id"]
        await publish_rules(svc, [f"agency:{p}" for p in behaviours])
        async with worker_running(svc):
            await svc.dispatch(svc.event())
            await wait_until(lambda: receiver.for_path("ok"), what="ok receiver served")
            # The healthy agency is served while the slow one still hangs (timeout 0.5 s).
            slow = await wait_until(lambda: receiver.for_path("slow"), what="slow called")
            assert receiver.for_path("ok")[0].at - slow[0].at < 0.5
            assert receiver.for_path("ok")[0].verified == "ok"

            async def settled() -> bool:
                rows = await svc.rows(Delivery, Delivery.channel == "webhook")
                return all(r.status != "pending" for r in rows)

            await wait_until(settled, timeout=20, what="every webhook delivery settled")

        by_path = {p: receiver.for_path(p) for p in behaviours}
        assert len(by_path["ok"]) == 1 and len(by_path["gone"]) == 1
        # 500: four attempts, spaced 0.3·2^(n-1) less at most 20 %, plus the poll.
        fail_gaps = gaps([h.at for h in by_path["fail"]])
        assert len(by_path["fail"]) == 4
        for gap, full in zip(fail_gaps, (0.3, 0.6, 1.2), strict=True):
            assert full * 0.8 - 0.02 <= gap <= full + 0.5, fail_gaps
        # 429 with Retry-After: 1 waits a second, although the back-off says 0.3 s.
        assert all(g >= 0.98 for g in gaps([h.at for h in by_path["throttle"]]))
        # A receiver slower than the timeout counts as a failure and is retried too.
        assert len(by_path["slow"]) == 4
        # Every attempt of one delivery carries the same webhook-id, and verifies.
        for hits in by_path.values():
            assert len({h.headers["webhook-id"] for h in hits}) == 1
            assert all(h.verified == "ok" for h in hits)

        deliveries = {d.recipient: d for d in await svc.rows(Delivery)}
        assert deliveries["agency:ok"].status == "delivered"
        for path in ("fail", "slow", "gone"):
            assert deliveries[f"agency:{path}"].status == "failed"
        attempts = await svc.rows(
            DeliveryAttempt, DeliveryAttempt.delivery_id == deliveries["agency:fail"].id
        )
        assert [a.outcome for a in sorted(attempts, key=lambda a: a.started_at)] == [
            "retry",
            "retry",
            "retry",
            "failed",
        ]
        assert {a.status_code for a in attempts} == {500}

        # 410 deactivated the endpoint; its next event is not even attempted.
        gone = await svc.client.get("/v1/contact-points", params={"address": "agency:gone"})
        assert gone.json()["items"][0]["active"] is False
        failed = await svc.client.get("/v1/deliveries", params={"status": "failed"})
        assert {d["recipient"] for d in failed.json()["items"]} >= {
            "agency:fail",
            "agency:slow",
            "agency:gone",
        }

        # Replays: the failing receiver is fixed → delivered; the deactivated one must be
        # reactivated first.
        receiver.behaviours["fail"] = "ok"
        replay = await svc.client.post(f"/v1/deliveries/{deliveries['agency:fail'].id}/replay")
        assert replay.status_code == 200, replay.text
        refused = await svc.client.post(f"/v1/deliveries/{deliveries['agency:gone'].id}/replay")
        assert refused.status_code == 409
        assert refused.json()["code"] == "contact-point-inactive"
        async with worker_running(svc):
            await wait_until(
                lambda: len(receiver.for_path("fail")) == 5, what="replayed delivery sent"
            )
            detail = await wait_until(
                lambda: _delivered(svc, deliveries["agency:fail"].id), what="replay recorded"
            )
        assert detail["status"] == "delivered" and len(detail["attempt_log"]) == 5
        assert receiver.for_path("fail")[-1].verified == "ok"


async def _delivered(svc: Service, delivery_id: str) -> dict[str, Any] | None:
    detail: dict[str, Any] = (await svc.client.get(f"/v1/deliveries/{delivery_id}")).json()
    return detail if detail["status"] == "delivered" else None


@pytest.mark.parametrize(
    ("reply", "status", "attempts"),
    [("451 4.3.0 busy", "failed", 4), ("550 5.1.1 no such user", "failed", 1)],
)
async def test_smtp_refusals_retry_when_temporary_and_stop_when_permanent(
    sqlite_url: str, sink: SmtpSink, reply: str, status: str, attempts: int
) -> None:
    await (await migrated(sqlite_url, MIGRATIONS)).dispose()
    sink.data_reply = reply
    async with service(fast_settings(sqlite_url, sink.port), sink) as svc:
        await svc.contact(SECRETARY, "email", "bithu.dongha@example.vn")
        async with worker_running(svc):
            await svc.dispatch(svc.event())

            async def settled() -> Delivery | None:
                rows = await svc.rows(Delivery)
                return rows[0] if rows and rows[0].status != "pending" else None

            row = await wait_until(settled, timeout=15, what="email settled")
        assert row.status == status and row.attempts == attempts
        assert reply.split(" ")[0] in (row.last_error or "") or row.last_status_code == int(
            reply[:3]
        )
        assert sink.messages == []
