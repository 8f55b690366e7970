"""Operators' view of dead letters: list them, and replay them into their queue after a fix.

`python -m <service> dlq list <purpose>` / `python -m <service> dlq replay <purpose> [--limit N]`.
A replayed message starts with a fresh retry count; the inbox still prevents double effects.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import aio_pika
from aio_pika import Message
from aio_pika.abc import AbstractIncomingMessage

from service_kit.bus.consumer import RETRY_HEADER
from service_kit.bus.topology import dlq

DROP_HEADERS = {
    RETRY_HEADER,
    "x-last-error",
    "x-death",
    "x-first-death-exchange",
    "x-first-death-queue",
    "x-first-death-reason",
    "x-delivery-count",
}


@dataclass
class DeadLetter:
    message_id: str | None
    event_type: str | None
    reason: str | None
    last_error: str | None
    body_preview: str


def _describe(msg: AbstractIncomingMessage) -> DeadLetter:
    headers: dict[str, Any] = dict(msg.headers or {})
    reason = headers.get("x-first-death-reason")
    return DeadLetter(
        message_id=msg.message_id,
        event_type=msg.type,
        reason=reason.decode() if isinstance(reason, bytes) else reason,
        last_error=str(headers.get("x-last-error")) if headers.get("x-last-error") else None,
        body_preview=msg.body[:200].decode("utf-8", "replace"),
    )


async def _drain(
    url: str, queue: str, limit: int, timeout: float
) -> tuple[Any, list[AbstractIncomingMessage]]:
    conn = await aio_pika.connect(url)
    channel = await conn.channel(publisher_confirms=True)
    q = await channel.get_queue(queue, ensure=True)
    got: list[AbstractIncomingMessage] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while len(got) < limit and asyncio.get_running_loop().time() < deadline:
        msg = await q.get(no_ack=False, fail=False, timeout=5)
        if msg is None:
            break
        got.append(msg)
    return (conn, channel), got


async def list_dead_letters(url: str, queue: str, limit: int = 100) -> list[DeadLetter]:
    (conn, _), got = await _drain(url, dlq(queue), limit, timeout=30)
    try:
        return [_describe(m) for m in got]
    finally:
        for m in got:
            await m.nack(requeue=True)
        await conn.close()


async def replay_dead_letters(url: str, queue: str, limit: int = 1000) -> int:
    (conn, channel), got = await _drain(url, dlq(queue), limit, timeout=60)
    replayed = 0
    try:
        for m in got:
            headers = {k: v for k, v in (m.headers or {}).items() if k not in DROP_HEADERS}
            copy = Message(
                m.body,
                headers=headers,
                content_type=m.content_type,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=m.message_id,
                type=m.type,
                app_id=m.app_id,
                correlation_id=m.correlation_id,
            )
            await channel.default_exchange.publish(copy, routing_key=queue, mandatory=True)
            await m.ack()
            replayed += 1
    finally:
        for m in got[replayed:]:
            await m.nack(requeue=True)
        await conn.close()
    return replayed


def format_dead_letters(letters: list[DeadLetter]) -> str:
    return "\n".join(json.dumps(letter.__dict__, ensure_ascii=False) for letter in letters)
