"""End-to-end benchmark: meetings submitted over HTTP → scored → notified, on this machine.

Prints submissions per second (HTTP 201s), time from accepted to scored and to notified
(p50/p95/max), and, as a same-run baseline, the throughput of a trivial endpoint of the same
process (`GET /healthz/live`) with the same client and concurrency.

    make bench                       # 2,000 meetings of 40 members, 16 in flight
    .venv/bin/python tests/bench/e2e_bench.py --meetings 500 --concurrency 8
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests" / "e2e"), str(ROOT / "services" / "meetings" / "tests")]
from chibo_stack import sign_in, stack  # noqa: E402
from meetings_factories import submission  # noqa: E402

from chibo_testing.servers import get_broker  # noqa: E402


def roll(n: int) -> list[dict[str, str]]:
    return [{"member_id": f"m{i:03d}", "attendance": "present"} for i in range(n)]


async def hammer(
    url: str,
    bodies: list[dict] | None,
    count: int,
    concurrency: int,
    auth: dict[str, str] | None = None,
) -> tuple[float, dict[int, float]]:
    """Returns (elapsed seconds, {index: accepted time as epoch seconds})."""
    accepted: dict[int, float] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(count):
        queue.put_nowait(i)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60, headers=auth) as client:

        async def worker() -> None:
            while not queue.empty():
                i = queue.get_nowait()
                if bodies is None:
                    r = await client.get(url)
                    assert r.status_code == 200, r.text
                else:
                    r = await client.post(
                        url, json=bodies[i], headers={"Idempotency-Key": f"bench-{i}"}
                    )
                    assert r.status_code == 201, r.text
                    accepted[i] = time.time()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started, accepted


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=2000)
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    broker = get_broker()
    vhost = f"bench-{uuid.uuid4().hex[:8]}"
    amqp_url = broker.new_vhost(vhost)
    try:
        with tempfile.TemporaryDirectory() as tmp, stack(amqp_url, Path(tmp)) as svc:
            meetings = svc["meetings"].url
            baseline_s, _ = asyncio.run(
                hammer(f"{meetings}/healthz/live", None, args.meetings, args.concurrency)
            )
            bodies = [
                submission(branch_id=f"b{i}", roll=roll(args.members), speaker_ids=["m001", "m002"])
                for i in range(args.meetings)
            ]
            submit_s, accepted = asyncio.run(
                hammer(
                    f"{meetings}/v1/meetings", bodies, args.meetings, args.concurrency, sign_in(svc)
                )
            )
            # Wait for every notification (the end of the chain), bounded.
            deadline = time.monotonic() + 600
            notes_db = Path(tmp) / "notifications.db"
            while time.monotonic() < deadline:
                with sqlite3.connect(notes_db) as db:
                    done = db.execute("select count(*) from notification").fetchone()[0]
                if done >= args.meetings:
                    break
                time.sleep(0.5)
            drained_at = time.time()
            with sqlite3.connect(Path(tmp) / "meetings.db") as db:
                branch_of = dict(db.execute("select id, branch_id from branch_meeting"))
            with sqlite3.connect(Path(tmp) / "scoring.db") as db:
                scored = dict(db.execute("select branch_id, scored_at from meeting_score"))
            with sqlite3.connect(notes_db) as db:
                notified = [r[0] for r in db.execute("select created_at from notification")]
            first_accept = min(accepted.values())
    finally:
        broker.delete_vhost(vhost)

    def epoch(text: str) -> float:
        return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()

    to_scored = [epoch(scored[f"b{i}"]) - t for i, t in accepted.items() if f"b{i}" in scored]
    n = args.meetings
    print(
        f"meetings: {n} x {args.members} members, {args.concurrency} in flight, "
        f"{len(branch_of)} stored, {len(scored)} scored, {len(notified)} notified"
    )
    print(f"baseline GET /healthz/live: {n / baseline_s:,.0f} req/s")
    print(
        f"POST /v1/meetings: {n / submit_s:,.0f} submissions/s "
        f"({(n / submit_s) / (n / baseline_s):.2f}x baseline)"
    )
    print(
        f"accepted → scored: p50 {statistics.median(to_scored):.2f}s, "
        f"p95 {pct(to_scored, 0.95):.2f}s, max {max(to_scored):.2f}s"
    )
    last_note = max(epoch(t) for t in notified)
    print(
        f"whole chain (first accept → last notification): {last_note - first_accept:.1f}s "
        f"= {n / (last_note - first_accept):,.0f} meetings/s end to end "
        f"(drain observed {drained_at - first_accept:.1f}s)"
    )


if __name__ == "__main__":
    main()
