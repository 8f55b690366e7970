"""The soak ledger: after the drain, compare what clients were told (accepted writes) with what
the databases hold and what crossed the bus (the `events.audit` stream keeps every event
published to `events`). Counts lost / duplicated / unexpected, and what it checked."""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import aio_pika
import asyncpg

SUBMITTED = "vn.chibo.meetings.meeting.submitted.v1"
AMENDED = "vn.chibo.meetings.meeting.amended.v1"
SCORED = "vn.chibo.scoring.meeting.scored.v1"
ESCALATED = "vn.chibo.meetings.request.escalated.v1"


@dataclass
class Ledger:
    checked: Counter[str] = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    def summary(self, *, full: bool = False) -> str:
        checked = ", ".join(f"{k} {v}" for k, v in sorted(self.checked.items()))
        lines = [
            f"ledger: lost {len(self.lost)}, duplicated {len(self.duplicated)}, "
            f"unexpected {len(self.unexpected)}",
            f"checked: {checked}",
        ]
        for name in ("lost", "duplicated", "unexpected"):
            items = getattr(self, name)
            kinds = Counter(
                re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}|soak-[\w-]+|\d+", "#", i) for i in items
            )
            for kind, n in kinds.most_common():
                lines.append(f"  {name} ×{n}: {kind}")
            for item in items if full else items[:5]:
                lines.append(f"    {name}: {item}")
        return "\n".join(lines)


async def read_stream(amqp_url: str, *, idle_seconds: float = 3.0) -> list[dict[str, Any]]:
    """Every event in `events.audit`, from the first offset, until the stream is idle."""
    events: list[dict[str, Any]] = []
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=2000)
        queue = await channel.get_queue("events.audit", ensure=False)
        got = asyncio.Event()

        async def keep(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            events.append(json.loads(message.body))
            got.set()
            await message.ack()

        await queue.consume(keep, arguments={"x-stream-offset": "first"})
        for _ in range(3600):  # bounded: an hour of one-second idle checks at most
            got.clear()
            try:
                await asyncio.wait_for(got.wait(), idle_seconds)
            except TimeoutError:
                break
    return events


async def _rows(dsn: str, sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


async def read_streams(amqp_urls: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The stream read through each node in turn: the union, and what some replica lacks."""
    seen: dict[str, dict[str, Any]] = {}
    per_node: list[set[str]] = []
    for url in amqp_urls:
        events = await read_stream(url)
        per_node.append({e["id"] for e in events})
        seen.update((e["id"], e) for e in events)
    gaps = [
        f"events.audit read through node {i + 1} lacks {len(set(seen) - ids)} event(s), "
        f"e.g. {sorted(set(seen) - ids)[:3]}"
        for i, ids in enumerate(per_node)
        if set(seen) - ids
    ]
    return list(seen.values()), gaps


async def check(
    *,
    pg: str,
    amqp_urls: list[str],
    run_id: str,
    meetings: dict[str, dict[str, Any]],
    reports: dict[str, str],
    actions: list[tuple[str, str]],
    clock_moved_at_request_ids: set[str] | None,
) -> Ledger:
    """`pg` is postgresql://user@host:port (no database); `clock_moved_at_request_ids` are the
    requests that were open, and never acted on, when the clock moved past their deadlines."""
    ledger = Ledger()
    events, gaps = await read_streams(amqp_urls)
    ledger.checked["events in stream"] = len(events)
    ledger.unexpected += gaps
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        by_type[e["type"]].append(e)

    # -- writes: every accepted meeting present at the version the client last got, once.
    rows = await _rows(
        f"{pg}/meetings",
        f"SELECT id, version, place FROM branch_meeting WHERE place LIKE 'soak-{run_id}-%'",
    )
    stored = {r["id"]: r for r in rows}
    tags = Counter(r["place"].split(" ")[0] for r in rows)
    ledger.checked["meetings"] = len(meetings)
    for mid, m in meetings.items():
        row = stored.get(mid)
        if row is None:
            ledger.lost.append(f"meeting {m['key']} ({mid}) accepted but not stored")
        elif row["version"] != m["version"]:
            ledger.lost.append(
                f"meeting {mid}: version {row['version']}, client got {m['version']}"
            )
    for tag, n in tags.items():
        if n > 1:
            ledger.duplicated.append(f"{n} meetings stored for Idempotency-Key {tag}")
    known_keys = {m["key"] for m in meetings.values()}
    for mid, r in stored.items():
        if mid not in meetings and r["place"].split(" ")[0] not in known_keys:
            ledger.unexpected.append(f"meeting {mid} ({r['place']}) stored, never accepted")

    filed = await _rows(
        f"{pg}/meetings",
        "SELECT meeting_id, observer_member_id, status FROM observer_report WHERE status = 'filed'",
    )
    filed_ids = {r["meeting_id"] for r in filed}
    ledger.checked["observer reports"] = len(reports)
    for mid in reports:
        if mid not in filed_ids:
            ledger.lost.append(f"observer report on {mid} accepted but not filed")

    timeline = await _rows(f"{pg}/meetings", "SELECT request_id, kind, level FROM request_timeline")
    kinds = Counter((r["request_id"], r["kind"]) for r in timeline)
    ledger.checked["request actions"] = len(actions)
    for request_id, action in actions:
        n = kinds[(request_id, action)]  # the timeline names the action taken
        if n == 0:
            ledger.lost.append(f"request {request_id}: {action} accepted, not in its timeline")
        elif n > 1:
            ledger.duplicated.append(f"request {request_id}: {action} {n} times in its timeline")

    # -- events: one submitted/amended event per meeting version, one scored event per score.
    for etype in (SUBMITTED, AMENDED):
        per = Counter(
            (e["data"]["meeting_id"], e["data"]["aggregate_version"])
            for e in {x["id"]: x for x in by_type[etype]}.values()
            if e["data"]["meeting_id"] in meetings
        )
        for (mid, version), n in per.items():
            if n > 1:
                ledger.duplicated.append(f"{etype} for {mid} v{version}: {n} distinct events")
    versions_seen = {
        (e["data"]["meeting_id"], e["data"]["aggregate_version"])
        for t in (SUBMITTED, AMENDED)
        for e in by_type[t]
    }
    for mid, m in meetings.items():
        for v in range(1, m["version"] + 1):
            if (mid, v) not in versions_seen:
                ledger.lost.append(f"meeting {mid} v{v}: no event published")

    scores = await _rows(
        f"{pg}/scoring", "SELECT meeting_id, meeting_version, score_version FROM meeting_score"
    )
    scored = {r["meeting_id"]: r for r in scores}
    ledger.checked["scores"] = len(meetings)
    for mid, m in meetings.items():
        s = scored.get(mid)
        if s is None:
            ledger.lost.append(f"meeting {mid} accepted, never scored")
        elif s["meeting_version"] != m["version"]:
            ledger.lost.append(
                f"meeting {mid} scored at v{s['meeting_version']}, latest is v{m['version']}"
            )
    scored_events = {e["id"]: e for e in by_type[SCORED]}
    per_score = Counter(
        (e["data"]["meeting_id"], e["data"]["aggregate_version"]) for e in scored_events.values()
    )
    ledger.checked["scored events"] = len(scored_events)
    for (mid, version), n in per_score.items():
        if n > 1:
            ledger.duplicated.append(f"meeting {mid} score v{version} published {n} times")
    # An observer's report bumps score_version without a new official score (no event, by
    # design): what must be on the bus is a score of the meeting's latest version.
    announced: dict[str, int] = {}
    for e in scored_events.values():
        mid = e["data"]["meeting_id"]
        announced[mid] = max(announced.get(mid, 0), e["data"]["meeting_version"])
    for mid, m in meetings.items():
        if mid in scored and announced.get(mid) != m["version"]:
            ledger.lost.append(
                f"meeting {mid} v{m['version']}: last score announced is of v{announced.get(mid)}"
            )
    for e in scored_events.values():
        if e["data"]["meeting_id"] not in meetings:
            ledger.unexpected.append(f"score event for unknown meeting {e['data']['meeting_id']}")

    # -- escalations: at most once per (request, level); every open request due was escalated.
    escalated = Counter(
        (e["data"]["request_id"], e["data"]["level"])
        for e in {x["id"]: x for x in by_type[ESCALATED]}.values()
    )
    ledger.checked["escalation events"] = sum(escalated.values())
    for (rid, level), n in escalated.items():
        if n > 1:
            ledger.duplicated.append(f"request {rid} escalated to level {level} {n} times (bus)")
    in_db = Counter((r["request_id"], r["level"]) for r in timeline if r["kind"] == "escalated")
    for (rid, level), n in in_db.items():
        if n > 1:
            ledger.duplicated.append(f"request {rid} escalated to level {level} {n} times (db)")
    if clock_moved_at_request_ids is not None:
        ledger.checked["requests due for escalation"] = len(clock_moved_at_request_ids)
        levels = dict(
            (r["id"], r["level"])
            for r in await _rows(f"{pg}/meetings", 'SELECT id, level FROM "request"')
        )
        for rid in clock_moved_at_request_ids:
            if levels.get(rid, 0) < 1:
                ledger.lost.append(f"request {rid} open past its deadline, never escalated")

    # -- notifications: one in-app notice per scored event, every delivery decided, sent once.
    notes = await _rows(
        f"{pg}/notifications",
        "SELECT event_id, event_type, recipient, channel FROM notification",
    )
    per_event = Counter(r["event_id"] for r in notes if r["event_type"] == SCORED)
    ledger.checked["notifications"] = len(notes)
    for eid, e in scored_events.items():
        if e["data"]["meeting_id"] in meetings and per_event[eid] == 0:
            ledger.lost.append(f"score event {eid} ({e['data']['meeting_id']}): no notification")
    for eid, n in per_event.items():
        if n > 1:
            ledger.duplicated.append(f"score event {eid}: {n} notifications")
        if eid not in scored_events:
            ledger.unexpected.append(
                f"notification for score event {eid}, which events.audit lacks on every node"
            )
    deliveries = await _rows(
        f"{pg}/notifications",
        "SELECT d.id, d.status, count(a.id) FILTER (WHERE a.outcome = 'delivered') AS sent "
        "FROM delivery d LEFT JOIN delivery_attempt a ON a.delivery_id = d.id GROUP BY d.id",
    )
    ledger.checked["deliveries"] = len(deliveries)
    for d in deliveries:
        if d["status"] == "pending":
            ledger.lost.append(f"delivery {d['id']} still pending after the drain")
        if d["sent"] > 1:
            ledger.duplicated.append(f"delivery {d['id']} sent {d['sent']} times")
    return ledger
