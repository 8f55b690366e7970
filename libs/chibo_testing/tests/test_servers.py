"""Real servers for tests: get_broker() / get_postgres() and what they can do."""

from __future__ import annotations

import asyncio
import time
import uuid

import aio_pika
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from chibo_testing.servers import Broker, get_broker, get_postgres

pytestmark = pytest.mark.timeout(240)


def _name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


async def _connect_fails(url: str, timeout: float = 10.0) -> bool:
    try:
        conn = await asyncio.wait_for(aio_pika.connect(url, timeout=5), timeout)
    except Exception:
        return True
    await conn.close()
    return False


def test_get_broker_is_cached() -> None:
    assert get_broker() is get_broker()
    assert get_broker().amqp_url.startswith("amqp://")


async def test_publish_and_consume_on_fresh_vhost() -> None:
    broker = get_broker()
    vhost = _name("test-servers")
    url = broker.new_vhost(vhost)
    try:
        assert url.endswith("/" + vhost)
        conn = await aio_pika.connect(url, timeout=10)
        async with conn:
            channel = await conn.channel()
            queue = await channel.declare_queue("q", durable=True)
            await channel.default_exchange.publish(
                aio_pika.Message(b"hello", delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                routing_key="q",
            )
            async with queue.iterator(timeout=10) as messages:
                async for message in messages:
                    async with message.process():
                        assert message.body == b"hello"
                    break
    finally:
        broker.delete_vhost(vhost)


async def test_new_vhost_is_fresh_and_queue_depth() -> None:
    broker = get_broker()
    vhost = _name("test-depth")
    url = broker.new_vhost(vhost)
    try:
        async with await aio_pika.connect(url, timeout=10) as conn:
            channel = await conn.channel()
            await channel.declare_queue("depth", durable=True)
            for i in range(3):
                await channel.default_exchange.publish(aio_pika.Message(b"%d" % i), "depth")
        # Management statistics lag: poll with a deadline.
        deadline = time.monotonic() + 30
        depth = -1
        while time.monotonic() < deadline:
            depth = broker.queue_depth(vhost, "depth")
            if depth == 3:
                break
            await asyncio.sleep(0.5)
        assert depth == 3
        with pytest.raises(LookupError):
            broker.queue_depth(vhost, "no-such-queue")
        # Re-creating the vhost wipes it.
        broker.new_vhost(vhost)
        with pytest.raises(LookupError):
            broker.queue_depth(vhost, "depth")
    finally:
        broker.delete_vhost(vhost)


@pytest.mark.broker_outage
async def test_stop_app_and_start_app() -> None:
    broker = get_broker("outage")  # stopping the shared one would fail the tests beside it
    if not broker.controllable:
        # A broker from CHIBO_TEST_AMQP_URL belongs to somebody else: must refuse clearly.
        with pytest.raises(RuntimeError, match="not started by this process"):
            broker.stop_app()
        return
    vhost = _name("test-outage")
    url = broker.new_vhost(vhost)
    try:
        conn = await aio_pika.connect(url, timeout=10)
        lost = asyncio.Event()
        conn.close_callbacks.add(lambda *_: lost.set())
        broker.stop_app()
        try:
            await asyncio.wait_for(lost.wait(), 20)  # the open connection drops
            assert await _connect_fails(url)  # new connections are refused
        finally:
            broker.start_app()
        conn2 = await aio_pika.connect(url, timeout=10)
        await conn2.close()
    finally:
        broker.delete_vhost(vhost)


def test_uncontrollable_broker_refuses_stop_app() -> None:
    broker = Broker(amqp_url="amqp://guest:guest@127.0.0.1:1/", api_url=None, controllable=False)
    with pytest.raises(RuntimeError, match="stop_app"):
        broker.stop_app()
    with pytest.raises(RuntimeError, match="management API"):
        broker.new_vhost("x")


async def test_postgres_new_database() -> None:
    pg = get_postgres()
    assert get_postgres() is pg
    name = _name("test_servers")
    url = pg.new_database(name)
    try:
        assert url.startswith("postgresql+asyncpg://")
        assert url.endswith("/" + name)
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
                db = (await conn.execute(text("SELECT current_database()"))).scalar_one()
                assert db == name
        finally:
            await engine.dispose()
        # new_database on an existing name gives a fresh database (no error).
        assert pg.new_database(name) == url
    finally:
        pg.drop_database(name)
    pg.drop_database(name)  # idempotent


def test_postgres_rejects_bad_names() -> None:
    with pytest.raises(ValueError):
        get_postgres().new_database('x"; DROP DATABASE postgres; --')
