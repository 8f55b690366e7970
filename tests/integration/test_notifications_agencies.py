"""Agencies: public events only, only their subtree on every channel, only their own stream by
AMQP — the broker itself refuses the rest (ACCESS_REFUSED)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import agency_world as aw
import aio_pika
import aiormq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from notifications_events import escalated, event, register_tree
from notifications_registry import running_registry
from notifications_servers import Service, WebhookReceiver, fast_settings, service, worker_running

from chibo_testing.plugin import migrated
from chibo_testing.servers import Broker
from chibo_testing.tokens import bearer
from event_contracts.events import meetings as mt
from event_contracts.events import registry as rg
from notifications.agencies.provisioning import deprovision, provision, vhost_of
from notifications.agencies.rules import (
    PUBLIC,
    amqp_grant,
    binding_keys,
    entitled,
    pattern_problem,
    stream_name,
    subscribed_types,
    topic_matches,
)
from notifications.deliveries.models import Delivery
from notifications.email.sink import SmtpSink
from notifications.feed.stream import PUBLIC_STREAM, declare_public_stream
from notifications.main import MIGRATIONS
from service_kit.bus.topology import EVENTS, declare_exchanges

NEXT_LEVEL = "committee:tinh-ht"


def test_topic_patterns_and_what_an_agency_is_entitled_to() -> None:
    assert topic_matches("meetings.request.#", "meetings.request.escalated.v1")
    assert topic_matches("meetings.*.missed.v1", "meetings.meeting.missed.v1")
    assert not topic_matches("meetings.*", "meetings.request.raised.v1")
    assert topic_matches("#", "scoring.meeting.scored.v1")
    types = subscribed_types(["meetings.request.#"])
    key = "meetings.request.escalated.v1"
    commune = ("tinh-ht", "xa-binh-phu")
    assert entitled(types, [commune], f"{key}.tinh-ht.xa-binh-phu.cb-thon-1")
    assert entitled(types, [commune], f"{key}.tinh-ht.xa-binh-phu")  # the commune itself
    assert not entitled(types, [commune], f"{key}.tinh-ht.xa-thach-ha.cb-thon-9")
    assert not entitled(types, [commune], f"{key}.tinh-ht")  # above it
    assert not entitled(types, [commune], key)  # placed nowhere: province-wide agencies only
    assert entitled(types, [()], key) and entitled(types, [()], f"{key}.tinh-ht.x")
    assert not entitled(types, [()], "meetings.meeting.missed.v1.tinh-ht")  # not subscribed
    everything = subscribed_types(["#"])
    assert "registry.member.admitted.v1" not in everything  # internal types never
    assert pattern_problem("registry.member.#") is not None  # matches internal types only
    assert pattern_problem("meetings..x") is not None
    assert pattern_problem("meetings.request.#") is None
    assert subscribed_types(["meetings.#"], ["meetings.request.raised.v1"]) == [
        "meetings.request.raised.v1"
    ]


@settings(max_examples=25, deadline=None)
@given(
    grants=st.lists(st.lists(st.sampled_from(["p", "a", "b", "c"]), max_size=3), max_size=3),
    path=st.lists(st.sampled_from(["p", "a", "b", "c"]), max_size=4),
    key=st.sampled_from(["meetings.request.raised.v1", "scoring.meeting.scored.v1"]),
)
def test_the_broker_bindings_say_what_the_rule_says(
    grants: list[list[str]], path: list[str], key: str
) -> None:
    """The feed and the push apply `entitled`; the broker applies the binding keys: the same
    answer for every key and grant."""
    granted = [tuple(g) for g in grants]
    types = subscribed_types(["meetings.request.#"])
    routing_key = ".".join([key, *path])
    by_broker = any(topic_matches(b, routing_key) for b in binding_keys(types, granted))
    assert by_broker == entitled(types, granted, routing_key)


def test_the_amqp_grant_reads_its_own_stream_only() -> None:
    keys = binding_keys(subscribed_types(["meetings.request.#"]), [("tinh-ht", "xa-binh-phu")])
    assert "meetings.request.raised.v1.tinh-ht.xa-binh-phu.#" in keys and len(keys) == 10
    grant = amqp_grant(
        "ubkt", keys, "/", max_age="7D", max_length_bytes=2 * 1024**2, segment_bytes=4 * 1024**2
    )
    assert grant.user == "ext.ubkt" and grant.stream == "ext.ubkt.stream"
    assert grant.permissions == {
        "configure": "^$",  # declares and deletes no queue
        "write": "^$",  # publishes nothing, binds nothing
        "read": r"^ext\.ubkt\.stream$",
    }
    assert grant.topic_permissions["read"].startswith(
        r"^(meetings\.request\.raised\.v1\.tinh\-ht\.xa\-binh\-phu\.\#|"
    )
    assert grant.stream_arguments == {
        "x-queue-type": "stream",
        "x-max-age": "7D",
        "x-max-length-bytes": 2 * 1024**2,
        "x-stream-max-segment-size-bytes": 2 * 1024**2,  # never above the size kept
    }
    assert grant.user_limits == {"max-connections": 5, "max-channels": 20}
    # A grant inside another adds nothing; a province grant is every event of the type.
    assert binding_keys(["k.a.b.v1"], [("p", "a"), ("p", "a", "b"), ("p", "c")]) == [
        "k.a.b.v1.p.a.#",
        "k.a.b.v1.p.c.#",
    ]
    assert binding_keys(["k.a.b.v1"], [("p", "a"), ()]) == ["k.a.b.v1.#"]


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
    await channel.set_qos(prefetch_count=10)
    with pytest.raises(aiormq.exceptions.ChannelAccessRefused):
        if action == "bind":
            queue = await channel.get_queue(args[0], ensure=False)
            await queue.bind(args[1], routing_key=args[2])
        elif action == "consume":
            queue = await channel.get_queue(args[0], ensure=False)
            await queue.consume(_ignore, arguments={"x-stream-offset": "first"})
        elif action == "declare":
            await channel.declare_queue(args[0], durable=True)
        else:
            events = await channel.get_exchange(args[0], ensure=False)
            await events.publish(aio_pika.Message(b"{}"), routing_key=args[1])
            await channel.get_exchange(args[0])  # the refusal arrives on the next round trip


STREAM_LIMITS = {"max_age": "7D", "max_length_bytes": 10 * 1024**2, "segment_bytes": 1024**2}


@pytest.mark.broker
async def test_an_agency_reads_its_own_stream_of_its_subtree_and_is_refused_everything_else(
    broker: Broker, amqp_url: str, agency_names: tuple[str, str]
) -> None:
    mine, other = agency_names
    vhost = vhost_of(amqp_url)
    admin = await aio_pika.connect(amqp_url)
    async with admin:
        channel = await admin.channel(publisher_confirms=True)
        await declare_exchanges(channel)  # events → events.public, as the services declare it
        await declare_public_stream(admin, fast_settings("sqlite+aiosqlite://", 25))
        internal = await channel.declare_queue(
            "scoring.meeting-events", durable=True, arguments={"x-queue-type": "quorum"}
        )
        await internal.bind(EVENTS, routing_key="#")
        api = str(broker.api_url)
        requests = subscribed_types(["meetings.request.#"])
        commune = tuple(aw.path_to(aw.COMMUNES[0]))
        provision(
            api, amqp_grant(mine, binding_keys(requests, [commune]), vhost, **STREAM_LIMITS), "pw"
        )
        everything = binding_keys(subscribed_types(["meetings.meeting.#"]), [()])
        provision(api, amqp_grant(other, everything, vhost, **STREAM_LIMITS), "pw-other")

        inside, outside = aw.BRANCHES[aw.COMMUNES[0]][0], aw.BRANCHES[aw.COMMUNES[1]][0]
        sent = [
            aw.event(aw.request(mt.RequestRaised, "r-in", inside, 1), "requests/r-in"),
            aw.event(aw.request(mt.RequestRaised, "r-out", outside, 1), "requests/r-out"),
            aw.event(aw.missed(inside, "2026-10"), f"branches/{inside}"),
            aw.event(
                rg.MemberAdmitted(
                    member_id="m-1",
                    aggregate_version=1,
                    branch_id=inside,
                    status="full",
                    admitted_on=rg.date(2020, 1, 1),
                    on=rg.date(2020, 1, 1),
                ),
                "members/m-1",
            ),
            aw.event(aw.request(mt.RequestAnswered, "r-in", inside, 2), "requests/r-in"),
        ]
        await aw.publish(await channel.get_exchange(EVENTS), sent)

        agency = await aio_pika.connect(aw.as_user(amqp_url, f"ext.{mine}", "pw"))
        async with agency:
            got = await aw.read_stream(agency, stream_name(mine), "first", lambda g: len(g) >= 2)
            assert [json.loads(r.body)["id"] for r in got] == [sent[0].id, sent[4].id]
            assert [r.offset for r in got] == [0, 1]
            # From where it stopped: its own offset, stored by itself.
            again = await aw.read_stream(agency, stream_name(mine), 1, lambda g: len(g) >= 1)
            assert [r.offset for r in again] == [1]

            await _refused(agency, "consume", stream_name(other))
            await _refused(agency, "consume", PUBLIC_STREAM)  # every subtree: never an agency's
            await _refused(agency, "consume", "scoring.meeting-events")
            await _refused(agency, "bind", stream_name(mine), PUBLIC, "#")  # no write: no bind
            await _refused(agency, "declare", f"ext.{mine}.more")
            await _refused(agency, "publish", PUBLIC, "meetings.request.raised.v1.x")
        province_wide = await aio_pika.connect(aw.as_user(amqp_url, f"ext.{other}", "pw-other"))
        async with province_wide:
            got = await aw.read_stream(
                province_wide, stream_name(other), "first", lambda g: len(g) >= 1
            )
            assert [json.loads(r.body)["id"] for r in got] == [sent[2].id]


@pytest.mark.broker
async def test_an_agency_is_limited_in_connections_and_channels(
    broker: Broker, amqp_url: str, agency_names: tuple[str, str]
) -> None:
    mine, _ = agency_names
    vhost = vhost_of(amqp_url)
    keys = binding_keys(subscribed_types(["meetings.request.#"]), [()])
    grant = amqp_grant(mine, keys, vhost, **STREAM_LIMITS, max_connections=2, max_channels=2)
    admin = await aio_pika.connect(amqp_url)
    async with admin:
        await declare_exchanges(await admin.channel())
        provision(str(broker.api_url), grant, "pw-mine")
        provision(str(broker.api_url), grant, "pw-mine")  # idempotent
        limits = broker._request("GET", f"/user-limits/{quote(grant.user, safe='')}").json()
        assert limits[0]["value"] == {"max-connections": 2, "max-channels": 2}
        bound = broker._request(
            "GET", f"/queues/{quote(vhost, safe='')}/{quote(grant.stream, safe='')}/bindings"
        ).json()
        assert sorted(b["routing_key"] for b in bound if b["source"] == PUBLIC) == sorted(keys)

        agency = await aio_pika.connect(aw.as_user(amqp_url, grant.user, "pw-mine"))
        async with agency:
            second = await aio_pika.connect(aw.as_user(amqp_url, grant.user, "pw-mine"))
            async with second:  # two connections: the third is refused when it opens
                with pytest.raises(aiormq.exceptions.AMQPError):
                    third = await aio_pika.connect(aw.as_user(amqp_url, grant.user, "pw-mine"))
                    await third.close()
            await agency.channel()
            await agency.channel()  # two channels open: the third closes the connection
            with pytest.raises(aiormq.exceptions.ConnectionNotAllowed, match="channels"):
                await agency.channel()
