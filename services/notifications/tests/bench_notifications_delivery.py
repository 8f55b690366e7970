"""Deliveries per second to a local SMTP sink and a local webhook receiver (not a test).

    PYTHONPATH=services/notifications/tests .venv/bin/python \
        services/notifications/tests/bench_notifications_delivery.py [events] [sqlite|<pg url>]

Plans `events` scored meetings (one e-mail and one signed webhook each) before the clock starts,
then times the delivery worker until every delivery is recorded as delivered.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from notifications_servers import WebhookReceiver, running_receiver, scored

from chibo_testing.plugin import migrated
from event_contracts import make_event, parse_envelope
from notifications.deliveries.models import Delivery
from notifications.deliveries.scheduled import senders
from notifications.deliveries.worker import DeliveryWorker
from notifications.dispatch.handlers import on_event
from notifications.email.sink import SmtpSink
from notifications.main import MIGRATIONS, build_app
from notifications.rules.defaults import DEFAULT_RULES
from notifications.rules.models import RuleSetVersion
from notifications.rules.schemas import FatiguePolicy
from notifications.settings import NotificationsSettings


async def main(events: int, db_url: str) -> None:
    await (await migrated(db_url, MIGRATIONS)).dispose()
    sink = await SmtpSink().start()
    async with running_receiver(WebhookReceiver()) as receiver:
        settings = NotificationsSettings(
            database_url=db_url,
            amqp_url="amqp://guest:guest@127.0.0.1:1/",
            smtp_port=sink.port,
            delivery_poll_seconds=0.05,
            webhook_allow_insecure=True,  # the receiver is on 127.0.0.1
        )
        runtime = build_app(settings).state.runtime
        async with runtime.db.transaction() as session:
            from notifications.directory.models import ContactPoint
            from notifications.webhooks.service import add_secret

            session.add(
                ContactPoint(
                    id="c-mail",
                    address="branch-secretary:branch-dong-ha",
                    channel="email",
                    target="bithu@example.vn",
                )
            )
            session.add(
                ContactPoint(
                    id="c-hook",
                    address="organisation-commission:province",
                    channel="webhook",
                    target=receiver.url("commission"),
                )
            )
            await session.flush()
            receiver.secrets["commission"] = [(await add_secret(session, "c-hook")).secret]
            # One secretary gets every e-mail here: lift the per-person budget so none folds.
            lifted = DEFAULT_RULES.model_copy(
                update={"fatigue": FatiguePolicy(daily_immediate_budget=events)}
            )
            session.add(RuleSetVersion(version=1, document=lifted.model_dump_json()))
        for n in range(events):
            event = make_event(scored(meeting_id=f"m{n}"), source="/bench", subject=f"m{n}")
            _, data = parse_envelope(event.to_json())
            async with runtime.uow(causation=event) as uow:
                await on_event(runtime.context, uow, event, data)
                await uow.commit()
        channels = senders(settings)
        worker = DeliveryWorker(runtime.db, settings, channels)
        started = time.perf_counter()
        await worker.drain(timeout_seconds=600)
        elapsed = time.perf_counter() - started
        async with runtime.db.session() as session:
            delivered = (
                await session.execute(
                    sa.select(sa.func.count()).where(Delivery.status == "delivered")
                )
            ).scalar_one()
        for sender in channels.values():
            await sender.close()
        await runtime.db.dispose()
        ok = sum(1 for h in receiver.hits if h.verified == "ok")
        print(
            f"{delivered} deliveries ({len(sink.messages)} e-mails, {ok} verified webhooks) "
            f"in {elapsed:.2f} s = {delivered / elapsed:.0f} deliveries/s "
            f"({db_url.split(':')[0]}, concurrency {settings.delivery_concurrency})"
        )
    await sink.stop()


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    target = sys.argv[2] if len(sys.argv) > 2 else "sqlite"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp)}/bench.db" if target == "sqlite" else target
        asyncio.run(main(count, url))
