"""Soak with faults on the `make cluster` shape: steady load for a bounded time while a broker
node, a replica of each service, PostgreSQL and a service's broker connection fail; then drain
and check the ledger (lost, duplicated, unexpected: all zero; no 5xx outside the database
restart). CHIBO_SOAK=smoke (in `make test`), short (~5 min with the cluster's start) or full
(~15 min)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from chibo_testing.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "deploy" / "local"), str(Path(__file__).parent)]
from cluster import ADMIN, ADMIN_PASSWORD, SERVICES, Cluster  # noqa: E402
from ledger import check, read_stream  # noqa: E402
from load import Api, Branch, Record, Worker  # noqa: E402

pytestmark = [pytest.mark.soak, pytest.mark.slow, pytest.mark.e2e, pytest.mark.timeout(1500)]

PLANS: dict[str, dict[str, float]] = {
    # load seconds, workers, seconds between one worker's steps, drain bound. Every plan injects
    # every fault once; the load outlasts the faults (see Worker.run), so smoke's short load
    # still runs under each of them.
    "smoke": {"load": 30, "workers": 2, "interval": 1.0, "drain": 180},
    "short": {"load": 80, "workers": 3, "interval": 1.0, "drain": 240},
    "full": {"load": 540, "workers": 4, "interval": 1.0, "drain": 300},
}
DB_GRACE_SECONDS = 20.0  # after PostgreSQL is back, pools reconnect and retries settle
SCALE = "binh-phu"
OBSERVER_PASSWORD = "Soak-Du-hop-2026"


def say(text: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {text}", flush=True)


class Faults:
    """Injects the faults at fixed shares of the load window; records when each happened."""

    def __init__(self, cluster: Cluster, proxy: TcpProxy, clock_file: Path, pg: str) -> None:
        self.cluster, self.proxy, self.clock_file, self.pg = cluster, proxy, clock_file, pg
        self.windows: dict[str, tuple[float, float]] = {}
        self.due_for_escalation: set[str] | None = None
        self.clock_moved = threading.Event()
        self.done = threading.Event()
        self.acted: set[str] = set()
        self.failure: BaseException | None = None
        self.log: list[str] = []

    def note(self, text: str) -> None:
        self.log.append(text)
        say(text)

    def leader_of_main_queues(self) -> str:
        leaders = Counter(
            q.get("leader") or q.get("node")
            for q in self.cluster.queues()
            if q.get("type") == "quorum" and not re.search(r"\.(retry\.\d+|dlq)$", q["name"])
        )
        return leaders.most_common(1)[0][0]

    def broker_node(self) -> None:
        name = self.leader_of_main_queues()
        node = self.cluster.node_by_name(name)
        t0 = time.monotonic()
        node.kill9()
        self.note(f"kill -9 broker node {name} (leader of most main queues)")
        time.sleep(10)
        node.start()
        self.windows["broker node"] = (t0, time.monotonic())
        self.note(f"broker node {name} back in the cluster after {time.monotonic() - t0:.0f}s")

    def replicas(self) -> None:
        t0 = time.monotonic()
        for name in SERVICES:
            self.cluster.kill_replica(f"{name}-1")
            self.note(f"kill -9 {name}-1")
            time.sleep(1)
        for name in SERVICES:  # back together, as a supervisor would bring them
            self.cluster.restart_replica(f"{name}-1", wait=False)
        for name in SERVICES:
            self.cluster.replica(f"{name}-1").process.wait_ready(180)
        self.windows["replicas"] = (t0, time.monotonic())
        self.note(f"replicas back after {time.monotonic() - t0:.0f}s")

    def cut(self) -> None:
        t0 = time.monotonic()
        self.proxy.cut()
        self.note("cut scoring-2's broker connection (TCP proxy)")
        time.sleep(8)
        self.proxy.restore()
        self.windows["cut"] = (t0, time.monotonic())
        self.note("scoring-2's broker connection restored")

    def database(self) -> None:
        t0 = time.monotonic()
        self.note("restart PostgreSQL (fast shutdown: every session cut)")
        self.cluster.postgres("stop")
        time.sleep(3)
        self.cluster.postgres("start")
        self.windows["database"] = (t0, time.monotonic())
        self.note(f"PostgreSQL back after {time.monotonic() - t0:.0f}s")

    def move_clock(self) -> None:
        """Stop request actions, note the open requests, move meetings' clock 40 days on."""
        self.clock_moved.set()
        time.sleep(3)  # actions in flight finish
        rows = asyncio.run(
            _fetch(
                f"{self.pg}/meetings",
                'SELECT id FROM "request" WHERE level = 0 AND status IN '
                "('submitted', 'acknowledged', 'in_progress')",
            )
        )
        self.due_for_escalation = {r["id"] for r in rows}
        self.clock_file.write_text(str(timedelta(days=40).total_seconds()))
        self.windows["clock"] = (time.monotonic(), time.monotonic())
        self.note(f"meetings' clock moved 40 days on; {len(rows)} open requests now overdue")

    def run(self, load_seconds: float, started: float) -> None:
        schedule = [
            (0.05, self.broker_node),
            (0.25, self.replicas),
            (0.45, self.cut),
            (0.55, self.database),
            (0.70, self.move_clock),
        ]
        try:
            for share, fault in schedule:
                wait = started + share * load_seconds - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                fault()
        except BaseException as exc:
            self.failure = exc
        finally:
            self.done.set()


async def _fetch(dsn: str, sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


def build_world(cluster: Cluster, record: Record) -> list[Branch]:
    """The registry's Bình Phú demo (10 branches, 184 members, observers), a mailbox per
    branch secretary, and a wait until every service's replica of the tree has caught up."""
    env = {**os.environ, **cluster._service_env("registry"), "REGISTRY_LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, "-m", "registry", "demo", "--seed", "1", "--scale", SCALE],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    urls = {name: cluster.url(name) for name in SERVICES}
    api = Api(urls, (ADMIN, ADMIN_PASSWORD), record)
    orgs = api.all(f"{urls['registry']}/v1/organisations")
    province = next(o for o in orgs if o["code"] == "TQ")
    tree = api.all(f"{urls['registry']}/v1/organisations/{province['id']}/subtree")
    commune = next(o for o in tree if o["kind"] == "commune")
    branches = []
    observer_logins: dict[str, tuple[str, str]] = {}  # member id -> the observer's own account
    for org in tree:
        if org["kind"] not in ("grassroots_branch", "affiliated_branch"):
            continue
        observers = api.all(f"{urls['registry']}/v1/organisations/{org['id']}/observers")
        observer = observers[0]["member_id"] if observers else None
        if observer and observer not in observer_logins:
            # An observer files reports from their own account: the member is the token's.
            username = f"soak-observer-{len(observer_logins) + 1}"
            r = api.call(
                "user",
                "POST",
                f"{urls['registry']}/v1/users",
                json={
                    "username": username,
                    "display_name": username,
                    "password": OBSERVER_PASSWORD,
                    "organisation_id": commune["id"],
                    "roles": ["observer"],
                    "member_id": observer,
                },
            )
            assert r.status_code in (201, 409), r.text
            observer_logins[observer] = (username, OBSERVER_PASSWORD)
        branches.append(
            Branch(org["id"], commune["id"], observer_logins[observer] if observer else None)
        )
        r = api.call(
            "contact",
            "POST",
            f"{urls['notifications']}/v1/contact-points",
            json={
                "address": f"branch-secretary:{org['id']}",
                "channel": "email",
                "target": f"bi-thu.{org['code'].lower()}@soak.chibo.vn",
            },
        )
        assert r.status_code in (201, 409), r.text
    wait_drained(cluster, 180, "registry events replicated")
    return branches


def replica_metric(cluster: Cluster, name: str) -> float:
    total = 0.0
    for reps in cluster.services.values():
        for r in reps:
            try:
                text = httpx.get(f"{r.process.url}/metrics", timeout=5).text
            except httpx.HTTPError:
                return float("nan")
            for line in text.splitlines():
                if line.startswith(name + "{") or line.startswith(name + " "):
                    total += float(line.rsplit(" ", 1)[1])
    return total


def backlog(cluster: Cluster) -> dict[str, int]:
    """Messages still in a main or retry queue (ready or unacked), plus outbox rows."""
    out = {
        q["name"]: int(q.get("messages") or 0)
        for q in cluster.queues()
        if q.get("type") == "quorum"
        and not q["name"].endswith(".dlq")
        and (q.get("messages") or 0) > 0
    }
    pending = replica_metric(cluster, "chibo_outbox_pending_events")
    if pending != 0:
        out["outbox"] = -1 if pending != pending else int(pending)  # nan: a replica is away
    return out


def wait_drained(cluster: Cluster, timeout: float, what: str) -> None:
    deadline, calm = time.monotonic() + timeout, 0
    left: dict[str, int] = {}
    while time.monotonic() < deadline:
        left = backlog(cluster)
        calm = calm + 1 if not left else 0
        if calm >= 3:  # three looks 2 s apart (the broker's statistics lag ~2 s)
            return
        time.sleep(2)
    raise AssertionError(f"{what}: not drained in {timeout:.0f}s; left {left}")


def wait_settled(cluster: Cluster, record: Record, faults: Faults, pg: str, timeout: float) -> None:
    """Drain: queues and outboxes empty, deliveries decided, every meeting scored at its last
    version, every overdue request escalated (bounded; the ledger reports whatever is not)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            wait_drained(cluster, max(5.0, deadline - time.monotonic()), "drain")
        except AssertionError:
            return
        scores = asyncio.run(
            _fetch(f"{pg}/scoring", "SELECT meeting_id, meeting_version FROM meeting_score")
        )
        versions = {r["meeting_id"]: r["meeting_version"] for r in scores}
        unscored = [m for m, v in record.meetings.items() if versions.get(m) != v["version"]]
        pending = asyncio.run(
            _fetch(
                f"{pg}/notifications", "SELECT count(*) AS n FROM delivery WHERE status = 'pending'"
            )
        )
        levels = {
            r["id"]: r["level"]
            for r in asyncio.run(_fetch(f"{pg}/meetings", 'SELECT id, level FROM "request"'))
        }
        overdue = [r for r in faults.due_for_escalation or () if levels.get(r, 0) < 1]
        if not unscored and not pending[0]["n"] and not overdue:
            return
        say(
            f"draining: {len(unscored)} unscored, {pending[0]['n']} deliveries pending, "
            f"{len(overdue)} overdue requests not escalated"
        )
        time.sleep(5)


def peak_rss_mib(pid: int | None) -> int:
    """The process's high-water mark of resident memory (VmHWM), in MiB; 0 when gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (OSError, TypeError):
        return 0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) // 1024 if found else 0


def memory_report(cluster: Cluster) -> str:
    parts = []
    for reps in cluster.services.values():
        for r in reps:
            proc = r.process.process
            parts.append(f"{r.label} {peak_rss_mib(proc.pid if proc else None)}")
    for n in cluster.nodes:
        parts.append(f"rabbitmq-{n.index} {peak_rss_mib(n.pid())}")
    return "peak RSS (MiB): " + ", ".join(parts)


def latencies(events: list[dict[str, Any]]) -> tuple[float, float]:
    """Accepted → first scored, from the events' own times (p50, p95 in seconds)."""
    submitted: dict[str, datetime] = {}
    scored: dict[str, datetime] = {}
    for e in events:
        t = datetime.fromisoformat(e["time"])
        mid = e["data"].get("meeting_id")
        if e["type"].endswith("meeting.submitted.v1"):
            submitted.setdefault(mid, t)
        elif e["type"].endswith("meeting.scored.v1"):
            scored[mid] = min(scored.get(mid, t), t)
    lags = sorted((scored[m] - submitted[m]).total_seconds() for m in submitted if m in scored)
    if not lags:
        return (float("nan"), float("nan"))
    return (statistics.median(lags), lags[int(0.95 * (len(lags) - 1))])


def test_soak_with_faults_loses_and_doubles_nothing(request: pytest.FixtureRequest) -> None:
    mode = os.environ.get("CHIBO_SOAK", "smoke")
    assert mode in PLANS, f"CHIBO_SOAK={mode!r}: one of {', '.join(PLANS)} or off"
    plan = PLANS[mode]
    run_id = uuid.uuid4().hex[:6]
    digest = hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]
    workdir = Path("/tmp") / f"chibo-soak-{digest}"
    clock_file = Path("/tmp") / f"chibo-soak-{digest}-clock"
    clock_file.write_text("0")
    cluster = Cluster(
        workdir=workdir,
        extra_env={
            "MEETINGS_CLOCK_OFFSET_FILE": str(clock_file),
            "MEETINGS_SWEEP_INTERVAL_SECONDS": "2",
            "NOTIFICATIONS_DELIVERY_BACKOFF_BASE_SECONDS": "2",
        },
    )
    cluster.plan()
    proxy = TcpProxy("127.0.0.1", cluster.lb_ports["amqp"])
    cluster.amqp_override["scoring-2"] = f"amqp://guest:guest@127.0.0.1:{proxy.start()}/"
    record = Record()
    try:
        t0 = time.monotonic()
        cluster.start()
        say(f"cluster up in {time.monotonic() - t0:.0f}s ({workdir})")
        branches = build_world(cluster, record)
        say(
            f"world: {len(branches)} branches, "
            f"{sum(1 for b in branches if b.observer)} with an observer"
        )
        pg = f"postgresql://postgres@127.0.0.1:{cluster.pg_port}"
        faults = Faults(cluster, proxy, clock_file, pg)
        urls = {name: cluster.url(name) for name in SERVICES}
        workers_n = int(plan["workers"])
        first_day = date.today() - timedelta(days=300)
        for b in branches:
            b.next_day = first_day
        started = time.monotonic()
        stop_at = started + plan["load"]
        workers = [
            Worker(
                i,
                Api(urls, (ADMIN, ADMIN_PASSWORD), record),
                branches[i::workers_n],
                record,
                run=run_id,
                stop_at=stop_at,
                interval=plan["interval"],
                actions_until=faults.clock_moved,
                faults_done=faults.done,
            )
            for i in range(workers_n)
        ]
        for w in workers:
            w.start()
        injector = threading.Thread(target=faults.run, args=(plan["load"], started), daemon=True)
        injector.start()
        injector.join(plan["load"] + 300)
        for w in workers:
            w.join(plan["load"] + 300)
        load_seconds = time.monotonic() - started
        assert faults.failure is None, f"fault injection failed: {faults.failure!r}"
        for w in workers:
            assert w.failure is None, f"{w.name} failed: {w.failure!r}"
        submitted = sum(1 for a in record.answers if a.op == "submit" and a.status == 201)
        say(f"load done: {len(record.meetings)} meetings accepted in {load_seconds:.0f}s; draining")
        t_drain = time.monotonic()
        wait_settled(cluster, record, faults, pg, plan["drain"])
        drain_seconds = time.monotonic() - t_drain

        ledger = asyncio.run(
            check(
                pg=pg,
                amqp_urls=[f"amqp://guest:guest@127.0.0.1:{n.amqp}/" for n in cluster.nodes],
                run_id=run_id,
                meetings=record.meetings,
                reports=record.reports,
                actions=record.actions,
                clock_moved_at_request_ids=faults.due_for_escalation,
            )
        )
        dlq = {
            q["name"]: q.get("messages")
            for q in cluster.queues()
            if q["name"].endswith(".dlq") and q.get("messages")
        }
        ledger.checked["dead-letter queues"] = sum(
            1 for q in cluster.queues() if q["name"].endswith(".dlq")
        )
        for name, n in dlq.items():
            ledger.unexpected.append(f"{n} message(s) in {name}")
        db_from, db_to = faults.windows["database"]
        errors = [a for a in record.answers if a.status >= 500]
        outside = [a for a in errors if not (db_from - 1 <= a.at <= db_to + DB_GRACE_SECONDS)]
        transport = [
            t
            for t in record.transport_errors
            if not (db_from - 1 <= t[1] <= db_to + DB_GRACE_SECONDS)
        ]
        ledger.checked["HTTP answers"] = len(record.answers)
        for a in outside:
            ledger.unexpected.append(
                f"{a.op}: {a.status} at +{a.at - started:.0f}s (not in the database restart)"
            )
        for op, at, err in transport:
            ledger.unexpected.append(f"{op}: transport error at +{at - started:.0f}s: {err}")
        for op, status, text in record.refused:
            ledger.unexpected.append(f"{op} refused {status}: {text}")
        memory = memory_report(cluster)
        sizes = asyncio.run(
            _fetch(
                f"{pg}/postgres",
                "SELECT datname, pg_database_size(datname) / 1048576 AS mib FROM pg_database "
                "WHERE datname IN ('registry', 'meetings', 'scoring', 'notifications')",
            )
        )
        memory += "; database sizes (MiB): " + ", ".join(
            f"{r['datname']} {r['mib']}" for r in sizes
        )
        events = asyncio.run(read_stream(cluster.amqp_url))
        p50, p95 = latencies(events)
        summary = "\n".join(
            [
                f"soak ({mode}): {load_seconds:.0f}s of load, {submitted} submissions accepted "
                f"({submitted / load_seconds:.2f}/s), {len(record.reports)} observer reports, "
                f"{sum(1 for m in record.meetings.values() if m['version'] > 1)} meetings amended, "
                f"{len(record.actions)} request actions, {record.requests_raised} requests raised",
                f"accepted → scored: p50 {p50:.2f}s, p95 {p95:.2f}s; drain {drain_seconds:.0f}s",
                f"5xx: {len(errors)} (all during the database restart: {not outside}); "
                f"client transport errors {len(record.transport_errors)}",
                "faults: " + "; ".join(faults.log),
                memory,
                ledger.summary(),
            ]
        )
        print("\n" + summary, flush=True)
        request.node.user_properties.append(("summary", summary))
        (workdir / "ledger.txt").write_text(summary + "\n" + ledger.summary(full=True) + "\n")
        assert not (ledger.lost or ledger.duplicated or ledger.unexpected), summary
    finally:
        cluster.stop()
        proxy.stop()
        clock_file.unlink(missing_ok=True)
