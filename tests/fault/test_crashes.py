"""G5: crashes of a consumer (SIGKILL mid-stream) and a real broker stop lose and double nothing."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx
import pytest

from chibo_testing.servers import Broker

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests" / "e2e"), str(ROOT / "services" / "meetings" / "tests")]
from chibo_stack import all_notifications, get_json, sign_in, stack, wait_for  # noqa: E402
from meetings_factories import submission  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.broker, pytest.mark.slow, pytest.mark.durability]


def submit(svc: dict, n: int, tag: str) -> list[str]:  # type: ignore[type-arg]
    ids, meetings = [], svc["meetings"].url
    with httpx.Client(timeout=10, headers=sign_in(svc)) as client:
        for i in range(n):
            r = client.post(
                f"{meetings}/v1/meetings",
                json=submission(branch_id=f"{tag}{i}"),
                headers={"Idempotency-Key": f"{tag}-{i}"},
            )
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
    return ids


def assert_all_scored_once(svc: dict, ids: list[str]) -> None:
    scoring, notes, auth = svc["scoring"].url, svc["notifications"].url, sign_in(svc)
    for meeting_id in ids:
        score = wait_for(
            lambda m=meeting_id: get_json(f"{scoring}/v1/meeting-scores/{m}", auth),
            lambda s: s is not None,
            timeout=120,
            what=f"{meeting_id} scored",
        )
        assert score["score_version"] == 1

    def scored() -> list[dict]:  # type: ignore[type-arg]
        # Compliance flags may add other notifications; count the score notices.
        return [
            n
            for n in all_notifications(notes, auth)
            if n["event_type"] == "vn.chibo.scoring.meeting.scored.v1"
        ]

    found = wait_for(
        scored, lambda n: len(n) >= len(ids), timeout=120, what="every meeting notified"
    )
    time.sleep(1.0)  # anything doubled would show up by now
    assert len(scored()) == len(found) == len(ids)


def test_scoring_killed_mid_stream_loses_and_doubles_nothing(amqp_url: str, tmp_path: Path) -> None:
    with stack(amqp_url, tmp_path, names=("meetings", "scoring", "notifications")) as svc:
        ids = submit(svc, 60, "crash")
        wait_for(
            lambda: get_json(f"{svc['scoring'].url}/v1/meeting-scores/{ids[5]}", sign_in(svc)),
            lambda s: s is not None,
            what="scoring under way",
        )
        svc["scoring"].kill()  # SIGKILL: no clean shutdown, deliveries in flight
        more = submit(svc, 20, "while-down")
        svc["scoring"].start()
        svc["scoring"].wait_ready(60)
        assert_all_scored_once(svc, ids + more)


@pytest.mark.broker_outage
def test_real_broker_stop_and_start(broker: Broker, amqp_url: str, tmp_path: Path) -> None:
    if not broker.controllable:
        pytest.skip(
            "the broker was given by URL, so it is not ours to stop; "
            "test_broker_outage covers the same path through a TCP proxy"
        )
    with stack(amqp_url, tmp_path, names=("meetings", "scoring", "notifications")) as svc:
        before = submit(svc, 10, "before")
        with broker.app_stopped():
            during = submit(svc, 20, "during")  # intake goes on (G1)
        assert_all_scored_once(svc, before + during)
