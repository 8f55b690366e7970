"""G1/G5: a broker outage does not stop intake; afterwards every submission is scored once."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from chibo_testing.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests" / "e2e"), str(ROOT / "services" / "meetings" / "tests")]
from chibo_stack import all_notifications, get_json, sign_in, stack, wait_for  # noqa: E402
from meetings_factories import submission  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.broker, pytest.mark.slow, pytest.mark.durability]
N = 40


def via(port: int, amqp_url: str) -> str:
    p = urlsplit(amqp_url)
    return urlunsplit((p.scheme, f"{p.username}:{p.password}@127.0.0.1:{port}", p.path, "", ""))


def test_submissions_during_outage_are_scored_once_after_it(amqp_url: str, tmp_path: Path) -> None:
    target = urlsplit(amqp_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5672)
    port = proxy.start()
    try:
        with stack(via(port, amqp_url), tmp_path) as svc:
            meetings, scoring = svc["meetings"].url, svc["scoring"].url
            auth = sign_in(svc)
            proxy.cut()  # the broker is gone for every service
            time.sleep(1.0)
            ids = []
            for i in range(N):
                r = httpx.post(
                    f"{meetings}/v1/meetings",
                    json=submission(branch_id=f"b{i}"),
                    headers={"Idempotency-Key": f"outage-{i}", **auth},
                    timeout=10,
                )
                assert r.status_code == 201, r.text
                ids.append(r.json()["id"])
            ready = httpx.get(f"{meetings}/healthz/ready", timeout=10)
            assert ready.status_code == 503 and ready.json()["checks"]["broker"] == "disconnected"
            time.sleep(2.0)
            assert all(get_json(f"{scoring}/v1/meeting-scores/{m}", auth) is None for m in ids[:3])

            proxy.restore()
            for meeting_id in ids:
                score = wait_for(
                    lambda m=meeting_id: get_json(f"{scoring}/v1/meeting-scores/{m}", auth),
                    lambda s: s is not None,
                    timeout=120,
                    what=f"{meeting_id} scored",
                )
                assert score["score_version"] == 1  # scored once, never re-scored
            notes = wait_for(
                lambda: [
                    n
                    for n in all_notifications(svc["notifications"].url, auth)
                    if n["event_type"] == "vn.chibo.scoring.meeting.scored.v1"
                ],
                lambda n: len(n) >= N,
                timeout=120,
                what="all notified",
            )
            assert len(notes) == N
            assert sorted(n["body"].split()[3] for n in notes) == sorted(ids)
    finally:
        proxy.stop()
