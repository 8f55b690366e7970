"""TcpProxy: forwards bytes, cut() kills and refuses connections, restore() heals."""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import aio_pika
import pytest

from chibo_testing.servers import get_broker
from chibo_testing.tcp_proxy import TcpProxy

pytestmark = pytest.mark.timeout(240)


def _with_port(url: str, port: int) -> str:
    parts = urlsplit(url)
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@127.0.0.1:{port}" if userinfo else f"127.0.0.1:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


@pytest.fixture
async def echo_server() -> AsyncIterator[int]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()


async def _echo_roundtrip(port: int, payload: bytes) -> bytes:
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
    try:
        writer.write(payload)
        await writer.drain()
        return await asyncio.wait_for(reader.readexactly(len(payload)), 5)
    finally:
        writer.close()


async def test_proxy_forwards_cuts_and_restores_plain_tcp(echo_server: int) -> None:
    with TcpProxy("127.0.0.1", echo_server) as proxy:
        port = proxy.port
        assert proxy.start() == port  # idempotent
        big = bytes(range(256)) * 4096  # 1 MiB, crosses buffer boundaries
        assert await _echo_roundtrip(port, big) == big

        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"ping")
        assert await asyncio.wait_for(reader.readexactly(4), 5) == b"ping"

        await asyncio.to_thread(proxy.cut)
        assert proxy.is_cut
        # The established connection dies (EOF or reset) ...
        with pytest.raises((ConnectionError, asyncio.IncompleteReadError)):
            data = await asyncio.wait_for(reader.read(10), 5)
            if not data:
                raise asyncio.IncompleteReadError(b"", 1)
        writer.close()
        # ... and new connections are refused.
        with pytest.raises(ConnectionRefusedError):
            await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)

        await asyncio.to_thread(proxy.restore)
        assert not proxy.is_cut
        assert await _echo_roundtrip(port, b"again") == b"again"
        assert proxy.port == port
    # stopped: nothing listens any more
    with socket.socket() as s, pytest.raises(ConnectionRefusedError):
        s.settimeout(2)
        s.connect(("127.0.0.1", port))


async def test_proxy_to_dead_target_resets_clients() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]  # closed again: nothing listens there
    with TcpProxy("127.0.0.1", dead_port) as proxy:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        with pytest.raises((ConnectionError, asyncio.IncompleteReadError)):
            data = await asyncio.wait_for(reader.read(10), 10)
            if not data:
                raise asyncio.IncompleteReadError(b"", 1)
        writer.close()


async def test_proxy_amqp_outage() -> None:
    broker = get_broker()
    vhost = f"test-proxy-{uuid.uuid4().hex[:12]}"
    direct_url = broker.new_vhost(vhost)
    target = urlsplit(direct_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5672)
    try:
        url = _with_port(direct_url, proxy.start())

        conn = await aio_pika.connect(url, timeout=10)
        channel = await conn.channel()
        queue = await channel.declare_queue("via-proxy", durable=True)
        await channel.default_exchange.publish(aio_pika.Message(b"through"), "via-proxy")
        msg = None
        for _ in range(50):
            msg = await queue.get(fail=False)
            if msg is not None:
                break
            await asyncio.sleep(0.1)
        assert msg is not None and msg.body == b"through"
        await msg.ack()

        # A robust connection too: it must come back by itself after restore().
        robust = await aio_pika.connect_robust(url, timeout=10, reconnect_interval=0.5)
        reconnected = asyncio.Event()
        robust.reconnect_callbacks.add(lambda *_: reconnected.set())

        lost = asyncio.Event()
        conn.close_callbacks.add(lambda *_: lost.set())
        t0 = time.monotonic()
        await asyncio.to_thread(proxy.cut)
        await asyncio.wait_for(lost.wait(), 10)
        assert time.monotonic() - t0 < 10
        # The dropped connection is unusable (aio-pika's is_closed only flips on close()).
        with pytest.raises(Exception):  # noqa: B017 - whatever aio-pika raises
            ch = await asyncio.wait_for(conn.channel(), 5)
            await ch.declare_queue("via-proxy", durable=True, passive=True)

        with pytest.raises(Exception):  # noqa: B017 - any connection error is fine
            c = await asyncio.wait_for(aio_pika.connect(url, timeout=5), 10)
            await c.close()

        await asyncio.to_thread(proxy.restore)
        conn2 = await aio_pika.connect(url, timeout=10)
        ch2 = await conn2.channel()
        q2 = await ch2.declare_queue("via-proxy", durable=True, passive=True)
        assert q2.name == "via-proxy"
        await conn2.close()

        await asyncio.wait_for(reconnected.wait(), 30)
        rch = await robust.channel()
        await rch.default_exchange.publish(aio_pika.Message(b"after"), "via-proxy")
        await robust.close()
        assert proxy.total_connections >= 3
    finally:
        proxy.stop()
        broker.delete_vhost(vhost)
