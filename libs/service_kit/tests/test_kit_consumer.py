"""Consuming against a real broker: dedup, retry then DLQ, permanent errors, DLQ replay."""

from __future__ import annotations

import asyncio
import json

import pytest
from kit_helpers import (
    SUBMITTED,
    consumed,
    count,
    create_kit_tables,
    eventually,
    make_runtime,
    publish_events,
    publish_raw,
    queue_depth,
    submitted_event,
)

from event_contracts import CloudEvent, EventData
from event_contracts.events.meetings import MeetingSubmitted
from event_contracts.events.registry import OrganisationRegistered
from service_kit.context import ServiceContext
from service_kit.dlq import list_dead_letters, replay_dead_letters
from service_kit.errors import PermanentError, TransientError
from service_kit.inbox import InboxEvent
from service_kit.outbox import OutboxEvent
from service_kit.uow import UnitOfWork

pytestmark = pytest.mark.broker
TYPE = "vn.chibo.meetings.meeting.submitted.v1"


class Recorder:
    """A handler whose effect is an outbox row (so effects are rows we can count)."""

    def __init__(self, fail: set[str] | None = None, permanent: set[str] | None = None) -> None:
        self.fail = fail or set()
        self.permanent = permanent or set()
        self.calls: dict[str, int] = {}

    async def __call__(
        self, ctx: ServiceContext, uow: UnitOfWork, event: CloudEvent, data: EventData
    ) -> None:
        assert isinstance(ctx, ServiceContext) and ctx.runtime.consumers
        assert isinstance(data, MeetingSubmitted)
        self.calls[data.meeting_id] = self.calls.get(data.meeting_id, 0) + 1
        if data.meeting_id in self.permanent:
            raise PermanentError("this record can never be scored")
        if data.meeting_id in self.fail:
            raise TransientError("dependency down")
        effect = OrganisationRegistered.produce(
            aggregate_version=1,
            organisation_id=data.meeting_id,
            code=data.meeting_id,
            name="hiệu ứng",
            kind="grassroots_branch",
            parent_id=None,
            valid_from=data.held_on,
        )
        uow.emit(effect, subject=f"effects/{data.meeting_id}")


async def effects(runtime, meeting_id: str | None = None) -> int:
    if meeting_id is None:
        return await count(runtime, OutboxEvent)
    return await count(
        runtime, OutboxEvent, OutboxEvent.payload.contains(f'"subject":"effects/{meeting_id}"')
    )


async def started(
    service: str, amqp_url: str, sqlite_url: str, handler: Recorder, batch_size: int = 1
):
    runtime = make_runtime(
        service, amqp_url, sqlite_url, {SUBMITTED: handler}, consumer_batch_size=batch_size
    )
    await create_kit_tables(runtime)
    await runtime.start()
    await runtime.bus.wait_connected(30)
    await eventually(lambda: _attached(runtime), what="consumer attached")
    return runtime


async def _attached(runtime) -> bool:
    return all(c.attached for c in runtime.consumers)


async def test_an_event_delivered_twice_has_one_effect(amqp_url: str, sqlite_url: str) -> None:
    handler = Recorder()
    runtime = await started("dup", amqp_url, sqlite_url, handler)
    try:
        event = submitted_event("m-dup")
        await publish_events(amqp_url, [event, event])
        await eventually(
            lambda: _value(consumed("dup", "dup.events", "duplicate", TYPE) >= 1),
            what="duplicate seen",
        )
        assert await effects(runtime, "m-dup") == 1
        assert await count(runtime, InboxEvent) == 1
        assert handler.calls == {"m-dup": 1}
    finally:
        await runtime.stop()


async def _value(v: bool) -> bool:
    return v


async def test_transient_failures_end_in_dlq_while_others_flow(
    amqp_url: str, sqlite_url: str
) -> None:
    handler = Recorder(fail={"poison"})
    runtime = await started("flaky", amqp_url, sqlite_url, handler)
    try:
        good = [submitted_event(f"good-{i}") for i in range(20)]
        poison = submitted_event("poison")
        await publish_events(amqp_url, [poison, *good])

        async def done() -> bool:
            return (
                await effects(runtime) == 20
                and await queue_depth(amqp_url, "flaky.events.dlq") == 1
            )

        await eventually(done, what="20 effects and one dead letter")
        assert handler.calls["poison"] == runtime.settings.max_attempts == 3
        assert all(handler.calls[f"good-{i}"] == 1 for i in range(20))
        letters = await list_dead_letters(amqp_url, "flaky.events")
        assert [letter.message_id for letter in letters] == [poison.id]
        assert "TransientError" in (letters[0].last_error or "")
        # Listing does not consume.
        assert await queue_depth(amqp_url, "flaky.events.dlq") == 1

        # (e) After the fix, replay puts it back and it is applied once.
        handler.fail.clear()
        assert await replay_dead_letters(amqp_url, "flaky.events") == 1

        async def replayed() -> bool:
            return await effects(runtime, "poison") == 1

        await eventually(replayed, what="replayed message applied")
        assert await queue_depth(amqp_url, "flaky.events.dlq") == 0
        assert handler.calls["poison"] == 4
    finally:
        await runtime.stop()


async def test_unreadable_or_permanently_failing_messages_dead_letter_at_once(
    amqp_url: str, sqlite_url: str
) -> None:
    handler = Recorder(permanent={"never"})
    runtime = await started("strict", amqp_url, sqlite_url, handler)
    try:
        unknown = json.loads(submitted_event("u").to_json())
        unknown["type"] = "vn.chibo.meetings.meeting.teleported.v1"
        invalid = json.loads(submitted_event("i").to_json())
        invalid["data"]["duration_minutes"] = -5
        await publish_raw(amqp_url, SUBMITTED, json.dumps(unknown).encode())
        await publish_raw(amqp_url, SUBMITTED, json.dumps(invalid).encode())
        await publish_raw(amqp_url, SUBMITTED, b"{not json")
        await publish_events(amqp_url, [submitted_event("never"), submitted_event("fine")])

        async def settled() -> bool:
            return (
                await queue_depth(amqp_url, "strict.events.dlq") == 4
                and await effects(runtime) == 1
            )

        await eventually(settled, what="four dead letters and one effect")
        assert handler.calls == {"never": 1, "fine": 1}
        await asyncio.sleep(0.5)  # nothing comes back from a retry queue
        assert handler.calls == {"never": 1, "fine": 1}
    finally:
        await runtime.stop()


async def test_batches_commit_together_and_a_poison_message_is_isolated(
    amqp_url: str, sqlite_url: str
) -> None:
    handler = Recorder(fail={"poison"})
    runtime = await started("batch", amqp_url, sqlite_url, handler, batch_size=16)
    try:
        events = [submitted_event(f"b-{i}") for i in range(60)]
        events.insert(30, submitted_event("poison"))
        await publish_events(amqp_url, [*events, events[0]])  # one duplicate too

        async def done() -> bool:
            return (
                await effects(runtime) == 60
                and await queue_depth(amqp_url, "batch.events.dlq") == 1
            )

        await eventually(done, what="60 effects and the poison message dead-lettered")
        assert await count(runtime, InboxEvent) == 60
        assert consumed("batch", "batch.events", "retry", TYPE) == 2  # attempts 1 and 2
        assert consumed("batch", "batch.events", "dead_letter", TYPE) == 1
        assert consumed("batch", "batch.events", "duplicate", TYPE) == 1
        for i in (0, 29, 59):
            assert await effects(runtime, f"b-{i}") == 1
    finally:
        await runtime.stop()
