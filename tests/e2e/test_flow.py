"""End to end with real processes: a meeting submitted over HTTP is scored and notified."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest
from chibo_stack import all_notifications, get_json, sign_in, stack, wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "meetings" / "tests"))
from meetings_factories import submission

pytestmark = [pytest.mark.e2e, pytest.mark.broker, pytest.mark.slow]


def test_submitted_meeting_is_scored_and_notified(amqp_url: str, tmp_path: Path) -> None:
    with stack(amqp_url, tmp_path) as svc:
        meetings, scoring, notes = svc["meetings"].url, svc["scoring"].url, svc["notifications"].url
        auth = sign_in(svc)
        anonymous = httpx.post(f"{meetings}/v1/meetings", json=submission(), timeout=10)
        assert anonymous.status_code == 401  # no token, no entry
        response = httpx.post(
            f"{meetings}/v1/meetings",
            json=submission(),
            headers={"Idempotency-Key": "e2e-1", **auth},
            timeout=10,
        )
        assert response.status_code == 201, response.text
        meeting_id = response.json()["id"]

        score = wait_for(
            lambda: get_json(f"{scoring}/v1/meeting-scores/{meeting_id}", auth),
            lambda s: s is not None,
            what="score stored",
        )
        assert score["meeting_version"] == 1 and score["rubric_id"] == "hd42-default"
        c2 = next(c for c in score["criteria"] if c["code"] == "C2")
        # 20/21 (exempt m22 not counted) → 4, +1: nobody absent more than 3 meetings running
        assert c2["points"] == 5 and "20/21" in c2["explanation"]
        assert score["total_points"] == sum(c["points"] for c in score["criteria"])

        notes_for_branch = wait_for(
            lambda: [n for n in all_notifications(notes, auth) if meeting_id in n["body"]],
            lambda found: len(found) == 1,
            what="notification recorded",
        )
        note = notes_for_branch[0]
        assert note["recipient"] == "branch-secretary:branch-dong-ha"
        assert note["event_type"] == "vn.chibo.scoring.meeting.scored.v1"
        assert f"{score['total_points']:g}/100" in note["body"]

        metrics = httpx.get(f"{scoring}/metrics", timeout=10).text
        assert (
            'chibo_events_consumed_total{event_type="vn.chibo.meetings.meeting.submitted.v1",'
            'outcome="ack",queue="scoring.meeting-events",service="scoring"} 1.0'
        ) in metrics
        # The domain counters of ARCHITECTURE §9, one scheme: chibo_<service>_<thing>.
        assert f'chibo_scoring_meetings_scored_total{{grade="{score["grade"]}"}} 1.0' in metrics
        meetings_metrics = httpx.get(f"{meetings}/metrics", timeout=10).text
        assert 'chibo_meetings_submitted_total{meeting_type="regular"} 1.0' in meetings_metrics
        notes_metrics = httpx.get(f"{notes}/metrics", timeout=10).text
        assert 'chibo_notifications_planned_total{outcome="inbox"}' in notes_metrics
        ready = httpx.get(f"{scoring}/healthz/ready", timeout=10).json()
        assert ready["checks"]["consumer:scoring.meeting-events"] == "ok"
