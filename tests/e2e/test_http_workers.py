"""A service served by two worker processes on one port (PostgreSQL): `/metrics` sums both
workers, every worker runs its consumers, a kill -9 of the supervisor leaves no orphan, and
SQLite refuses more than one worker (service_kit.serving)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from chibo_stack import free_port

from chibo_testing.servers import get_broker, get_postgres
from service_kit.processes import ServiceProcess

pytestmark = [pytest.mark.e2e, pytest.mark.broker, pytest.mark.slow]


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def workers_of(pid: int) -> list[int]:
    """uvicorn's workers: the spawned children that run a server (not a resource tracker)."""
    out = []
    for child in children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        except FileNotFoundError:
            continue
        if b"spawn_main" in cmdline:
            out.append(child)
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"


def samples(text: str, name: str) -> dict[str, float]:
    """{label string: value} of one metric in a scrape."""
    pattern = re.compile(rf"^{name}\{{(.*)\}} (\S+)$", re.M)
    return {labels: float(value) for labels, value in pattern.findall(text)}


@pytest.fixture
def scoring_two_workers(tmp_path: Path) -> Iterator[ServiceProcess]:
    name = f"workers_{uuid.uuid4().hex[:8]}"
    database = get_postgres().new_database(name)
    amqp = get_broker().new_vhost(name)
    proc = ServiceProcess(
        "scoring",
        free_port(),
        env={
            "CHIBO_MODE": "development",
            "SCORING_DATABASE_URL": database,
            "SCORING_AMQP_URL": amqp,
            "SCORING_HTTP_WORKERS": "2",
        },
        log_path=tmp_path / "scoring.log",
    )
    proc.start()
    try:
        proc.wait_ready(120)
        yield proc
    finally:
        assert proc.process is not None
        left = workers_of(proc.process.pid) if alive(proc.process.pid) else []
        proc.stop()
        for pid in left:  # only our own workers, by pid
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        get_broker().delete_vhost(name)


def test_two_workers_sum_their_metrics_and_end_with_their_supervisor(
    scoring_two_workers: ServiceProcess,
) -> None:
    proc = scoring_two_workers
    assert proc.process is not None
    supervisor = proc.process.pid
    workers = workers_of(supervisor)
    assert len(workers) == 2, f"workers of {supervisor}: {workers}; log {proc.log_path}"

    # Each worker attaches every queue of the service: the scrape sums the two.
    deadline = time.monotonic() + 60
    while True:
        text = httpx.get(f"{proc.url}/metrics", timeout=5).text
        attached = samples(text, "chibo_consumers_attached")
        if attached and all(v == 2 for v in attached.values()):
            break
        assert time.monotonic() < deadline, f"consumers attached: {attached}"
        time.sleep(0.5)
    assert samples(text, "chibo_broker_connected") == {'service="scoring"': 1.0}

    # Requests answered by whichever worker accepted the connection (each its own) are all
    # counted once: here 40 refusals of a request without a token.
    for _ in range(40):
        assert httpx.get(f"{proc.url}/v1/classifications/2026", timeout=5).status_code == 401
    text = httpx.get(f"{proc.url}/metrics", timeout=5).text
    refused = {
        labels: value
        for labels, value in samples(text, "chibo_http_requests_total").items()
        if 'status_code="401"' in labels
    }
    assert sum(refused.values()) == 40, refused

    # kill -9 of the supervisor: the workers notice and stop themselves.
    os.kill(supervisor, signal.SIGKILL)
    proc.process.wait(5)
    deadline = time.monotonic() + 30
    while any(alive(w) for w in workers):
        assert time.monotonic() < deadline, f"orphaned workers still up: {workers}"
        time.sleep(0.2)


def test_sqlite_refuses_more_than_one_worker(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scoring", "serve"],
        env={
            **os.environ,
            "CHIBO_MODE": "development",
            "SCORING_DATABASE_URL": f"sqlite:///{tmp_path}/scoring.db",
            "SCORING_HTTP_WORKERS": "2",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "SCORING_HTTP_WORKERS=2 cần PostgreSQL" in result.stderr
    assert not (tmp_path / "scoring.db").exists()  # refused before touching anything
