"""The public stream and the feed's window onto it, filtered by the agency's grant.

The public stream (`events.public.stream`, bound to `events.public` with `#`): every public
event, kept by time and by size. Only notifications reads it; agencies never do (it is not
filtered by subtree): each AMQP agency reads its own stream (`agencies.rules`).

A page is read by a short-lived stream consumer from a position: the offset after the last
event of the previous page (the cursor), a time (the stream's timestamp offset: the first chunk
the broker stored at or after it — a few earlier events may come too), or the first event
retained. It scans forward, keeps the events the agency is entitled to (`rules.entitled`, on
each routing key, the same rule the broker applies to the agency's own stream), and stops when
the page is full, when it has scanned its bound, or when the stream has nothing more for a
moment (the end). The next cursor is the offset after the last event scanned, kept or not, so
a cursor moves forward even through pages of other agencies' events.

A cursor older than what the stream still keeps is reported, never skipped silently: the page
says which offsets were lost to retention (`truncated`).

Notifications declares the stream when it connects, passively first: a stream's retention is
fixed when it is created (a declare with other arguments is refused), so a changed setting never
stops the service; to change the retention of a running deployment an operator deletes and
re-creates the stream (the feed then starts from the new one's first event).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiormq
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

from notifications.agencies.rules import PUBLIC, stream_arguments
from notifications.settings import NotificationsSettings

log = logging.getLogger(__name__)

PUBLIC_STREAM = "events.public.stream"
Start = int | datetime | str  # an offset, a time, or "first"
ACK_EVERY = 100


@dataclass
class Page:
    events: list[dict[str, Any]] = field(default_factory=list)
    next_offset: int | None = None  # None: nothing scanned (the cursor stays where it was)
    complete: bool = True  # stopped at the end of the stream, not at a bound
    scanned: int = 0
    first_offset: int | None = None  # the first offset the stream gave

    def lost_from(self, start: Start) -> int:
        """How many offsets from `start` retention dropped before they could be read."""
        if isinstance(start, int) and self.first_offset is not None and self.first_offset > start:
            return self.first_offset - start
        return 0


@dataclass(frozen=True)
class Bounds:
    page: int  # events kept
    scan: int  # events read
    first_wait: float  # seconds to wait for the first event
    idle: float  # seconds without an event that mean the end


def _offset(message: AbstractIncomingMessage) -> int | None:
    value = (message.headers or {}).get("x-stream-offset")
    return value if isinstance(value, int) else None


async def read_page(
    connection: AbstractRobustConnection,
    start: Start,
    keep: Callable[[str], bool],
    bounds: Bounds,
    *,
    queue: str = PUBLIC_STREAM,
) -> Page:
    """One page from `start`; `keep(routing_key)` says which events the caller gets."""
    page = Page()
    arrived: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
    channel = await connection.channel()
    try:
        await channel.set_qos(prefetch_count=min(bounds.scan, 1000))
        stream = await channel.get_queue(queue, ensure=False)
        tag = await stream.consume(arrived.put, arguments={"x-stream-offset": start})
        wait = bounds.first_wait
        unacked: AbstractIncomingMessage | None = None
        received = 0
        while page.scanned < bounds.scan and len(page.events) < bounds.page:
            try:
                message = await asyncio.wait_for(arrived.get(), wait)
            except TimeoutError:
                break  # nothing more for now: the end of the stream
            wait = bounds.idle
            offset = _offset(message)
            received += 1
            unacked = message
            if received % ACK_EVERY == 0:  # credit back to the stream, in batches
                await message.ack(multiple=True)
                unacked = None
            if offset is None:
                continue
            if page.first_offset is None:
                page.first_offset = offset
            # A numeric offset starts at the chunk holding it: skip what came before.
            if isinstance(start, int) and offset < start:
                continue
            page.scanned += 1
            page.next_offset = offset + 1
            if keep(message.routing_key or ""):
                page.events.append(json.loads(message.body))
        else:
            page.complete = False
        with contextlib.suppress(Exception):
            await stream.cancel(tag)
            if unacked is not None:
                await unacked.ack(multiple=True)
    finally:
        with contextlib.suppress(Exception):
            await channel.close()
    return page


def public_stream_arguments(settings: NotificationsSettings) -> dict[str, object]:
    return stream_arguments(
        settings.public_stream_max_age,
        settings.public_stream_max_length_bytes,
        settings.public_stream_segment_bytes,
    )


async def declare_public_stream(
    connection: AbstractRobustConnection, settings: NotificationsSettings
) -> None:
    channel = await connection.channel()
    try:
        try:
            stream = await channel.declare_queue(PUBLIC_STREAM, passive=True)
        except aiormq.exceptions.ChannelNotFoundEntity:
            channel = await connection.channel()
            stream = await channel.declare_queue(
                PUBLIC_STREAM, durable=True, arguments=public_stream_arguments(settings)
            )
            log.info("public stream created", extra={"queue": PUBLIC_STREAM})
        await stream.bind(PUBLIC, routing_key="#")
    finally:
        await channel.close()
