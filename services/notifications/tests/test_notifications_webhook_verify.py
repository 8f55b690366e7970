"""The verification helper shipped for agencies refuses everything but an authentic, fresh,
first-seen message (reliability B8)."""

from __future__ import annotations

import json
import time

import pytest

from notifications.webhooks.verify import (
    Webhook,
    WebhookReplayError,
    WebhookVerificationError,
    new_secret,
    signature_header,
)

BODY = json.dumps({"id": "e1", "type": "vn.chibo.scoring.meeting.scored.v1"}).encode()


def headers(secrets: list[str], msg_id: str = "msg_1", at: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if at is None else at
    return {
        "Webhook-Id": msg_id,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature_header(secrets, msg_id, timestamp, BODY),
    }


def test_an_authentic_fresh_message_passes_once_and_its_replay_is_refused() -> None:
    secret = new_secret()
    hook = Webhook(secret)
    sent = headers([secret])
    assert hook.verify(BODY, sent)["id"] == "e1"
    with pytest.raises(WebhookReplayError):
        hook.verify(BODY, sent)


def test_a_tampered_body_is_refused() -> None:
    secret = new_secret()
    with pytest.raises(WebhookVerificationError, match="signature"):
        Webhook(secret).verify(BODY.replace(b"e1", b"e2"), headers([secret]))


@pytest.mark.parametrize(
    ("skew", "accepted"), [(299, True), (-299, True), (301, False), (-301, False)]
)
def test_timestamps_beyond_five_minutes_either_way_are_refused(skew: int, accepted: bool) -> None:
    secret = new_secret()
    now = time.time()
    sent = headers([secret], at=int(now) + skew)
    hook = Webhook(secret)
    if accepted:
        hook.verify(BODY, sent, now=int(now))
    else:
        with pytest.raises(WebhookVerificationError, match="tolerance"):
            hook.verify(BODY, sent, now=int(now))


def test_a_shifted_timestamp_breaks_the_signature() -> None:
    secret = new_secret()
    sent = headers([secret])
    sent["Webhook-Timestamp"] = str(int(sent["Webhook-Timestamp"]) - 1)
    with pytest.raises(WebhookVerificationError, match="signature"):
        Webhook(secret).verify(BODY, sent)


def test_another_endpoints_secret_is_refused() -> None:
    with pytest.raises(WebhookVerificationError, match="signature"):
        Webhook(new_secret()).verify(BODY, headers([new_secret()]))


def test_during_a_rotation_either_secret_verifies() -> None:
    old, new = new_secret(), new_secret()
    both = headers([new, old], msg_id="msg_rot")
    assert len(both["Webhook-Signature"].split(" ")) == 2
    assert Webhook(old).verify(BODY, both)
    assert Webhook(new).verify(BODY, both)
    assert Webhook([new, old]).verify(BODY, headers([new], msg_id="msg_after"))


@pytest.mark.parametrize("msg_id", ["a.1", "", "x" * 200, "id with space"])
def test_malformed_ids_are_refused(msg_id: str) -> None:
    secret = new_secret()
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, headers([secret], msg_id=msg_id))


def test_missing_headers_and_bad_secrets() -> None:
    secret = new_secret()
    with pytest.raises(WebhookVerificationError, match="missing"):
        Webhook(secret).verify(BODY, {})
    with pytest.raises(ValueError, match="whsec_"):
        Webhook("not-a-secret")
    with pytest.raises(ValueError, match="24"):
        Webhook("whsec_c2hvcnQ=")
