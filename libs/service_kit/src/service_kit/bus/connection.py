"""The broker connection of a service: started in the background, reconnecting for ever.

A service serves HTTP while the broker is away (intake never waits on it); the outbox relay and
the consumers resume when the connection comes back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aio_pika
from aio_pika import DeliveryMode, Message
from aio_pika.abc import AbstractChannel, AbstractRobustConnection

from event_contracts.envelope import CONTENT_TYPE
from service_kit import metrics
from service_kit.bus import topology

log = logging.getLogger(__name__)

OnConnected = Callable[[AbstractRobustConnection], Awaitable[None]]


@dataclass
class OutgoingMessage:
    routing_key: str
    body: bytes
    exchange: str = topology.EVENTS
    headers: dict[str, Any] = field(default_factory=dict)


def _amqp_message(msg: OutgoingMessage, app_id: str) -> Message:
    import json

    envelope = json.loads(msg.body)
    headers = {
        "ce-id": envelope.get("id"),
        "ce-type": envelope.get("type"),
        "ce-source": envelope.get("source"),
        "ce-time": envelope.get("time"),
        **{
            k: v
            for k, v in (
                ("ce-subject", envelope.get("subject")),
                ("ce-correlationid", envelope.get("correlationid")),
                ("traceparent", envelope.get("traceparent")),
            )
            if v
        },
        **msg.headers,
    }
    return Message(
        msg.body,
        content_type=CONTENT_TYPE,
        delivery_mode=DeliveryMode.PERSISTENT,
        message_id=envelope.get("id"),
        type=envelope.get("type"),
        app_id=app_id,
        correlation_id=envelope.get("correlationid"),
        headers=headers,
    )


class Bus:
    def __init__(
        self,
        url: str,
        service: str,
        *,
        reconnect_seconds: float = 2.0,
        publish_timeout_seconds: float = 10.0,
    ) -> None:
        self.url, self.service = url, service
        self.reconnect_seconds = reconnect_seconds
        self.publish_timeout = publish_timeout_seconds
        self.connection: AbstractRobustConnection | None = None
        self._publish_channel: AbstractChannel | None = None
        self._on_connected: list[OnConnected] = []
        self._ready = asyncio.Event()
        self._down_since: float | None = None

    def on_connected(self, callback: OnConnected) -> None:
        """Run once per (first) connection: declare topology, attach consumers."""
        self._on_connected.append(callback)

    @property
    def is_connected(self) -> bool:
        conn = self.connection
        return bool(
            self._ready.is_set()
            and conn is not None
            and not conn.is_closed
            and conn.connected.is_set()
        )

    async def wait_connected(self, timeout: float | None = None) -> None:
        await asyncio.wait_for(self._ready.wait(), timeout)

    async def run(self) -> None:
        """Connect (retrying until it works), then let aio-pika's robust connection reconnect."""
        while self.connection is None:
            try:
                conn = await aio_pika.connect_robust(
                    self.url,
                    client_properties={"connection_name": self.service},
                    reconnect_interval=self.reconnect_seconds,
                    timeout=10,
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("broker unreachable; retrying", extra={"error": str(exc)[:200]})
                await asyncio.sleep(self.reconnect_seconds)
                continue
            try:
                channel = await conn.channel(publisher_confirms=True, on_return_raises=True)
                await topology.declare_exchanges(channel)
                for callback in self._on_connected:
                    await callback(conn)
            except asyncio.CancelledError:
                await conn.close()
                raise
            except Exception:
                log.exception("declaring topology failed; reconnecting")
                await conn.close()
                await asyncio.sleep(self.reconnect_seconds)
                continue
            conn.reconnect_callbacks.add(self._reconnected)
            conn.close_callbacks.add(self._closed)
            self._publish_channel = channel
            self.connection = conn
            self._ready.set()
            metrics.BROKER_CONNECTED.labels(self.service).set(1)
            log.info("broker connected")

    def _reconnected(self, *_: Any) -> None:
        metrics.BROKER_CONNECTED.labels(self.service).set(1)
        if self._down_since is not None:
            log.info(
                "broker reconnected",
                extra={
                    "down_seconds": round(asyncio.get_running_loop().time() - self._down_since, 1)
                },
            )
        self._down_since = None

    def _closed(self, *_: Any) -> None:
        # Called again for every failed reconnect attempt: log the transition only.
        metrics.BROKER_CONNECTED.labels(self.service).set(0)
        if self._down_since is None:
            self._down_since = asyncio.get_running_loop().time()
            log.warning("broker connection lost; reconnecting in the background")

    async def publish_many(self, messages: list[OutgoingMessage]) -> list[BaseException | None]:
        """Publish with confirms in flight; one outcome per message (None = confirmed)."""
        channel = self._publish_channel
        if channel is None or not self.is_connected:
            return [ConnectionError("broker not connected")] * len(messages)
        loop = asyncio.get_running_loop()
        started = loop.time()

        async def one(msg: OutgoingMessage) -> None:
            exchange = await channel.get_exchange(msg.exchange, ensure=False)
            await exchange.publish(
                _amqp_message(msg, self.service),
                routing_key=msg.routing_key,
                mandatory=True,
                timeout=self.publish_timeout,
            )

        results = await asyncio.gather(*(one(m) for m in messages), return_exceptions=True)
        metrics.PUBLISH_DURATION.labels(self.service).observe(loop.time() - started)
        return [r if isinstance(r, BaseException) else None for r in results]

    async def publish_raw(self, exchange: str, routing_key: str, message: Message) -> None:
        """Publish an already built message (retries, DLQ replay) and wait for its confirm."""
        channel = self._publish_channel
        if channel is None or not self.is_connected:
            raise ConnectionError("broker not connected")
        ex = (
            channel.default_exchange
            if exchange == ""
            else await channel.get_exchange(exchange, ensure=False)
        )
        await ex.publish(
            message, routing_key=routing_key, mandatory=True, timeout=self.publish_timeout
        )

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()
        metrics.BROKER_CONNECTED.labels(self.service).set(0)
