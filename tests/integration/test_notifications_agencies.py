"""Agencies: public events only, only their subtree by webhook, only their own queue by AMQP —
the broker itself refuses the rest (ACCESS_REFUSED)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import aio_pika
import aiormq
import pytest
from notifications_events import escalated, event, register_tree
from notifications_registry import running_registry
from notifications_servers import Service, WebhookReceiver, fast_settings, service, worker_running

from chibo_testing.plugin import migrated
from chibo_testing.servers import Broker
from chibo_testing.tokens import bearer
from event_contracts import make_event
from event_contracts.events import registry as rg
from notifications.agencies.provisioning import deprovision, provision, vhost_of
from notifications.agencies.rules import amqp_grant, pattern_problem, topic_matches, wants
from notifications.deliveries.models import Delivery
from notifications.email.sink import SmtpSink
from notifications.main import MIGRATIONS
from service_kit.bus.topology import EVENTS, PUBLIC, declare_exchanges

NEXT_LEVEL = "committee:tinh-ht"


def test_topic_patterns_and_what_an_agency_may_see() -> None:
    assert topic_matches("meetings.request.#", "meetings.request.escalated.v1")
    assert topic_matches("meetings.*.missed.v1", "meetings.meeting.missed.v1")
    assert not topic_matches("meetings.*", "meetings.request.raised.v1")
    assert topic_matches("#", "scoring.meeting.scored.v1")
    chains = [["cb-thon-1", "xa-binh-phu", "tinh-ht"]]
    key = "meetings.request.escalated.v1"
    assert wants(["meetings.request.#"], ["xa-binh-phu"], key, chains)
    assert not wants(["meetings.request.#"], ["xa-thach-ha"], key, chains)
    assert not wants(["#"], ["tinh-ht"], "registry.member.admitted.v1", chains)  # internal
    assert not wants(["#"], ["tinh-ht"], key, [])  # where it happened is unknown
    assert pattern_problem("registry.member.#") is not None  # matches internal types only
    assert pattern_problem("meetings..x") is not None
    assert pattern_problem("meetings.request.#") is None


def test_the_amqp_grant_is_limited_to_the_agencys_own_queues() -> None:
    grant = amqp_grant(
        "ubkt", ["meetings.request.#"], "/", max_length=10, max_length_bytes=2048, delivery_limit=5
    )
    assert grant.user == "ext.ubkt" and grant.queue == "ext.ubkt.events"
    assert grant.permissions["configure"] == "^$"  # declares and deletes no queue
    assert grant.topic_permissions["read"] == r"^(meetings\.request\.\#)$"
    assert grant.queue_arguments["x-overflow"] == "drop-head"
    assert grant.queue_arguments["x-queue-type"] == "quorum"
    assert grant.policy["pattern"] == r"^ext\.ubkt\."
    assert grant.policy["definition"] == {
        "max-length": 10,
        "max-length-bytes": 2048,
        "delivery-limit": 5,
    }
    assert grant.user_limits == {"max-connections": 5, "max-channels": 20}


async def register(svc: Service, **body: object) -> dict[str, object]:
    response = await svc.client.post("/v1/agencies", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


async def test_an_agency_registers_only_with_an_agency_client_of_the_registry(
    sqlite_url: str, tmp_path: Path, sink: SmtpSink
) -> None:
    await (await migrated(sqlite_url, MIGRATIONS)).dispose()
    body = {
        "name": "ubkt-tinh",
        "channel": "amqp",
        "patterns": ["meetings.request.#"],
        "organisation_ids": ["tinh-ht"],
    }
    async with running_registry(tmp_path) as registry:
        agency = await registry.app_client("Ủy ban kiểm tra tỉnh")
        a_service = await registry.app_client("Dịch vụ chấm điểm", kind="service")
        async with service(fast_settings(sqlite_url, sink.port), sink, registry.client()) as svc:
            for client_id in ("agency-khong-co", a_service):
                refused = await svc.client.post(
                    "/v1/agencies", json={**body, "client_id": client_id}
                )
                assert refused.status_code == 422, refused.text
                assert [e["pointer"] for e in refused.json()["errors"]] == ["/client_id"]
            registry.wire.down = True
            down = await svc.client.post("/v1/agencies", json={**body, "client_id": agency})
            assert down.status_code == 503, down.text
            assert down.headers["content-type"].startswith("application/problem+json")
            assert (await svc.client.get("/v1/agencies")).json() == []  # nothing stored
            registry.wire.down = False
            await register(svc, **body, client_id=agency)
            assert [a["client_id"] for a in (await svc.client.get("/v1/agencies")).json()] == [
                agency
            ]
        # Notifications' service token may read a client, never its secret; an agency's may not.
        seen = await registry.service.get(
            f"/v1/clients/{agency}",
            headers={"Authorization": f"Bearer {await registry.service_token()}"},
        )
        assert seen.json()["kind"] == "agency" and not any("secret" in k for k in seen.json())
        as_agency = bearer(registry.province, "province", roles=["reader"], client_id=agency)
        refused = await registry.service.get(f"/v1/clients/{agency}", headers=as_agency)
        assert refused.status_code == 403
    async with service(fast_settings(sqlite_url, sink.port), sink) as svc:  # no credentials
        unchecked = await svc.client.post("/v1/agencies", json={**body, "client_id": agency})
        assert unchecked.status_code == 503


async def test_an_escalation_sends_one_email_and_one_signed_webhook_to_the_right_agency(
    db_url: str, tmp_path: Path, sink: SmtpSink, receiver: WebhookReceiver
) -> None:
    await (await migrated(db_url, MIGRATIONS)).dispose()
    async with (
        running_registry(tmp_path) as registry,
        service(fast_settings(db_url, sink.port), sink, registry.client()) as svc,
    ):
        await register_tree(svc)
        await svc.contact(NEXT_LEVEL, "email", "vanphong.tinhuy@example.vn")
        for name, granted in (("ubkt-binh-phu", "xa-binh-phu"), ("ubkt-thach-ha", "xa-thach-ha")):
            created = await register(
                svc,
                name=name,
                client_id=await registry.app_client(name),
                channel="webhook",
                webhook_url=receiver.url(name),
                patterns=["meetings.request.#"],
                organisation_ids=[granted],
            )
            receiver.secrets[name] = [str(created["secret"])]
        amqp = await register(
            svc,
            name="so-noi-vu",
            client_id=await registry.app_client("Sở Nội vụ"),
            channel="amqp",
            patterns=["meetings.request.#"],
            organisation_ids=["tinh-ht"],
        )
        assert "provision-agency so-noi-vu" in str(amqp["provision_command"])
        internal = await svc.client.post(
            "/v1/agencies",
            json={
                "name": "to-mo",
                "client_id": "c-to-mo",
                "channel": "amqp",
                "patterns": ["registry.member.#"],
                "organisation_ids": ["tinh-ht"],
            },
        )
        assert internal.status_code == 422

        escalation = event(escalated())
        async with worker_running(svc):
            await svc.dispatch(escalation)
            mails = await sink.wait_for(1)
            for _ in range(50):
                if receiver.for_path("ubkt-binh-phu"):
                    break
                await asyncio.sleep(0.05)
            await svc.dispatch(escalation)  # a replay changes nothing
            await asyncio.sleep(0.5)
        assert len(sink.messages) == 1
        mail = mails[0].message
        assert mails[0].rcpt_to == ["vanphong.tinhuy@example.vn"]
        assert (
            mail["Subject"]
            == "[KHẨN] Kiến nghị quá hạn chuyển lên Tỉnh Hà Tĩnh: Sửa đường liên thôn"
        )
        assert "quá hạn tiếp nhận (hạn 20/11/2026)" in mail.get_content()
        hits = receiver.for_path("ubkt-binh-phu")
        assert len(hits) == 1 and hits[0].verified == "ok"
        assert json.loads(hits[0].body)["id"] == escalation.id
        assert receiver.for_path("ubkt-thach-ha") == []  # another subtree
        webhooks = await svc.rows(Delivery, Delivery.channel == "webhook")
        assert [(d.recipient, d.status) for d in webhooks] == [
            ("agency:ubkt-binh-phu", "delivered")
        ]


def _as_user(amqp_url: str, user: str, password: str) -> str:
    parts = urlsplit(amqp_url)
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{parts.hostname}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@pytest.fixture
def agency_names(broker: Broker, amqp_url: str) -> Iterator[tuple[str, str]]:
    suffix = uuid.uuid4().hex[:8]
    names = (f"ubkt-{suffix}", f"khac-{suffix}")
    yield names
    for name in names:
        deprovision(str(broker.api_url), f"ext.{name}", vhost_of(amqp_url))


async def _ignore(message: aio_pika.abc.AbstractIncomingMessage) -> None:
    await message.reject()


async def _refused(connection: aio_pika.abc.AbstractConnection, action: str, *args: str) -> None:
    channel = await connection.channel()
    queue = await channel.get_queue(args[0], ensure=False)
    with pytest.raises(aiormq.exceptions.ChannelAccessRefused):
        if action == "bind":
            await queue.bind(args[1], routing_key=args[2])
        else:
            await queue.consume(_ignore)


@pytest.mark.broker
async def test_an_agency_amqp_user_consumes_its_queue_and_is_refused_everything_else(
    broker: Broker, amqp_url: str, agency_names: tuple[str, str]
) -> None:
    mine, other = agency_names
    vhost = vhost_of(amqp_url)
    limits = {"max_length": 1000, "max_length_bytes": 10 * 1024**2, "delivery_limit": 5}
    admin = await aio_pika.connect(amqp_url)
    async with admin:
        channel = await admin.channel()
        await declare_exchanges(channel)  # events → events.public, as the services declare it
        internal = await channel.declare_queue(
            "scoring.meeting-events", durable=True, arguments={"x-queue-type": "quorum"}
        )
        await internal.bind(EVENTS, routing_key="#")
        api = str(broker.api_url)
        provision(api, amqp_grant(mine, ["meetings.request.#"], vhost, **limits), "pw-mine")
        provision(api, amqp_grant(other, ["meetings.meeting.#"], vhost, **limits), "pw-other")

        events = await channel.get_exchange(EVENTS)
        for data in (
            escalated(),
            rg.MemberAdmitted(
                member_id="m-1",
                aggregate_version=1,
                branch_id="cb-thon-1",
                status="full",
                admitted_on=rg.date(2020, 1, 1),
                on=rg.date(2020, 1, 1),
            ),
        ):
            ev = make_event(data, source="/test", subject="x")
            await events.publish(
                aio_pika.Message(ev.to_json(), type=ev.type, message_id=ev.id),
                routing_key=ev.routing_key,
            )

        agency = await aio_pika.connect(_as_user(amqp_url, f"ext.{mine}", "pw-mine"))
        async with agency:
            own = await (await agency.channel()).get_queue(f"ext.{mine}.events", ensure=False)
            received = []
            for _ in range(50):
                message = await own.get(no_ack=False, fail=False)
                if message is not None:
                    received.append(message.type)
                    await message.ack()
                elif received:
                    break
                else:
                    await asyncio.sleep(0.1)
            assert received == ["vn.chibo.meetings.request.escalated.v1"]  # no internal type

            await _refused(agency, "bind", f"ext.{mine}.events", EVENTS, "#")
            await _refused(agency, "bind", f"ext.{mine}.events", PUBLIC, "#")  # widen: topic perm
            await _refused(agency, "bind", f"ext.{other}.events", PUBLIC, "meetings.request.#")
            await _refused(agency, "consume", f"ext.{other}.events")
            await _refused(agency, "consume", "scoring.meeting-events")
            # Re-binding what it was granted is allowed (write on its queue, read on public).
            ok = await (await agency.channel()).get_queue(f"ext.{mine}.events", ensure=False)
            await ok.bind(PUBLIC, routing_key="meetings.request.#")


@pytest.mark.broker
async def test_an_agency_is_limited_in_queues_queue_length_and_connections(
    broker: Broker, amqp_url: str, agency_names: tuple[str, str]
) -> None:
    """The broker enforces it: no queue of its own making, the oldest messages dropped past
    the cap (never our publishers refused), and no more connections or channels than granted."""
    mine, _ = agency_names
    vhost = vhost_of(amqp_url)
    api = str(broker.api_url)
    grant = amqp_grant(
        mine,
        ["meetings.request.#"],
        vhost,
        max_length=3,
        max_length_bytes=10 * 1024**2,
        delivery_limit=5,
        max_connections=2,
        max_channels=2,
    )
    admin = await aio_pika.connect(amqp_url)
    async with admin:
        channel = await admin.channel(publisher_confirms=True)
        await declare_exchanges(channel)
        provision(api, grant, "pw-mine")
        policy = broker._request(
            "GET", f"/operator-policies/{quote(vhost, safe='')}/{grant.policy_name}"
        ).json()
        assert policy["definition"]["max-length"] == 3
        limits = broker._request("GET", f"/user-limits/{quote(grant.user, safe='')}").json()
        assert limits[0]["value"] == {"max-connections": 2, "max-channels": 2}

        events = await channel.get_exchange(EVENTS)
        sent = [make_event(escalated(), source="/test", subject=str(i)) for i in range(6)]
        for ev in sent:  # every publish confirmed: a full agency queue never refuses ours
            await events.publish(
                aio_pika.Message(ev.to_json(), type=ev.type, message_id=ev.id),
                routing_key=ev.routing_key,
            )
        for _ in range(50):
            if broker.queue_depth(vhost, grant.queue) == 3:
                break
            await asyncio.sleep(0.1)
        assert broker.queue_depth(vhost, grant.queue) == 3

        agency = await aio_pika.connect(_as_user(amqp_url, grant.user, "pw-mine"))
        async with agency:
            reading = await agency.channel()
            own = await reading.get_queue(grant.queue)  # a passive declare needs no configure
            first = await own.get(no_ack=True)
            assert first.message_id == sent[3].id  # the oldest three were dropped
            with pytest.raises(aiormq.exceptions.ChannelAccessRefused):
                await (await agency.channel()).declare_queue(f"ext.{mine}.more", durable=True)
            second = await aio_pika.connect(_as_user(amqp_url, grant.user, "pw-mine"))
            async with second:  # two connections: the third is refused when it opens
                with pytest.raises(aiormq.exceptions.AMQPError):
                    third = await aio_pika.connect(_as_user(amqp_url, grant.user, "pw-mine"))
                    await third.close()
            await agency.channel()  # two channels open: the third closes the connection
            with pytest.raises(aiormq.exceptions.ConnectionNotAllowed, match="channels"):
                await agency.channel()
