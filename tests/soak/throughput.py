"""Throughput of the `make cluster` shape, for docs/capacity.md: the soak's workload unpaced,
no faults, for a bounded time; then the drain. Prints submissions accepted per second, meetings
scored per second, accepted → scored latency and each process's peak memory.

    .venv/bin/python tests/soak/throughput.py --seconds 90 --workers 8
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT / "deploy" / "local"), str(HERE)]
from cluster import ADMIN, ADMIN_PASSWORD, SERVICES, Cluster  # noqa: E402
from ledger import read_stream  # noqa: E402
from load import Api, Record, Worker  # noqa: E402
from test_soak import _fetch, build_world, latencies, memory_report, wait_drained  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    digest = hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]
    cluster = Cluster(workdir=Path("/tmp") / f"chibo-throughput-{digest}")
    record = Record()
    try:
        cluster.start()
        branches = build_world(cluster, record)
        for b in branches:
            b.next_day = date.today() - timedelta(days=360)
        urls = {name: cluster.url(name) for name in SERVICES}
        never, done = threading.Event(), threading.Event()
        done.set()
        started = time.monotonic()
        workers = [
            Worker(
                i,
                Api(urls, (ADMIN, ADMIN_PASSWORD), record),
                branches[i :: args.workers],
                record,
                run=uuid.uuid4().hex[:6],
                stop_at=started + args.seconds,
                interval=0.0,
                actions_until=never,
                faults_done=done,
            )
            for i in range(args.workers)
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join(args.seconds * 3)
        load_seconds = time.monotonic() - started
        accepted = len(record.meetings)
        t0 = time.monotonic()
        wait_drained(cluster, 600, "drain")
        drain = time.monotonic() - t0
        pg = f"postgresql://postgres@127.0.0.1:{cluster.pg_port}"
        span = asyncio.run(
            _fetch(
                f"{pg}/scoring",
                "SELECT count(*) AS n, extract(epoch FROM max(scored_at) - min(scored_at)) AS s "
                "FROM meeting_score",
            )
        )[0]
        events = asyncio.run(read_stream(cluster.amqp_url))
        p50, p95 = latencies(events)
        writes = sum(1 for a in record.answers if a.op in ("submit", "amend", "report", "action"))
        print(
            f"throughput: {args.workers} clients unpaced for {load_seconds:.0f}s: "
            f"{accepted} meetings accepted ({accepted / load_seconds:.1f}/s), "
            f"{writes} writes in all ({writes / load_seconds:.1f}/s); "
            f"{span['n']} meetings scored over {float(span['s'] or 0):.0f}s "
            f"({span['n'] / max(float(span['s'] or 1), 1):.1f}/s); "
            f"drain after the load {drain:.0f}s; "
            f"accepted → scored p50 {p50:.2f}s p95 {p95:.2f}s; "
            f"4xx refused {len(record.refused)}\n{memory_report(cluster)}",
            flush=True,
        )
        return 0
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
