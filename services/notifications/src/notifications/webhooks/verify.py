"""Verify chibo's webhooks (Standard Webhooks scheme) — standard library only, copy it as is.

    from verify import Webhook, WebhookVerificationError
    hook = Webhook(["whsec_…"])          # several secrets while you rotate yours
    event = hook.verify(raw_body, request_headers)   # the CloudEvent as a dict, or raises

Checks, in this order: the three headers are present and well formed; `webhook-timestamp` is
within `tolerance_seconds` of now (both directions); one `v1,` signature matches an
HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{raw body}` in constant time; the
`webhook-id` was not seen before (else `WebhookReplayError`). Pass the raw bytes:
re-serialised JSON never verifies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE_SECONDS = 300
# Ids are opaque to the scheme, but a '.' would make `{id}.{timestamp}.{body}` ambiguous.
_ID = re.compile(r"^[A-Za-z0-9_\-]{1,128}$")


class WebhookVerificationError(Exception):
    """The message must be refused (answer 400 or 401; never 2xx)."""


class WebhookReplayError(WebhookVerificationError):
    """Authentic, but this `webhook-id` was already received: if you processed it, answer 2xx so
    the sender stops retrying; our retries of one delivery always carry the same id."""


class ReplayCache(Protocol):
    """Remembers message ids; a shared store (Redis, a table) when several processes receive."""

    def add_if_new(self, message_id: str, expires_at: float) -> bool:
        """Record the id; False when it was already there and not yet expired."""
        ...


class MemoryReplayCache:
    """In-process replay cache, bounded: ids are kept until their timestamp leaves tolerance."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self._seen: dict[str, float] = {}
        self._max = max_entries
        self._lock = threading.Lock()

    def add_if_new(self, message_id: str, expires_at: float) -> bool:
        now = time.time()
        with self._lock:
            if len(self._seen) >= self._max:
                self._seen = {k: v for k, v in self._seen.items() if v > now}
                while len(self._seen) >= self._max:
                    self._seen.pop(next(iter(self._seen)))
            known = self._seen.get(message_id)
            if known is not None and known > now:
                return False
            self._seen[message_id] = expires_at
            return True


def new_secret() -> str:
    """A fresh `whsec_` secret: 32 random bytes, base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("webhook secrets start with 'whsec_'")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except ValueError:
        raise ValueError("webhook secret is not valid base64 after 'whsec_'") from None
    if len(key) < 24:
        raise ValueError("webhook secret must hold at least 24 random bytes")
    return key


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256>` of `{id}.{timestamp}.{body}`."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets_: Iterable[str], message_id: str, timestamp: int, body: bytes) -> str:
    """Space-separated signatures, one per valid secret, so receivers can rotate."""
    return " ".join(sign(s, message_id, timestamp, body) for s in secrets_)


class Webhook:
    def __init__(
        self,
        secrets_: str | Iterable[str],
        *,
        tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
        replay_cache: ReplayCache | None = None,
    ) -> None:
        listed = [secrets_] if isinstance(secrets_, str) else list(secrets_)
        if not listed:
            raise ValueError("at least one secret is needed")
        self._keys = [secret_key(s) for s in listed]
        self.tolerance_seconds = tolerance_seconds
        self.replay_cache = replay_cache if replay_cache is not None else MemoryReplayCache()

    def verify(self, body: bytes, headers: Mapping[str, str], *, now: float | None = None) -> Any:
        """The decoded JSON body of an authentic, fresh, first-seen message; raises otherwise."""
        lower = {k.lower(): v for k, v in headers.items()}
        message_id = lower.get("webhook-id", "")
        raw_timestamp = lower.get("webhook-timestamp", "")
        raw_signatures = lower.get("webhook-signature", "")
        if not (message_id and raw_timestamp and raw_signatures):
            raise WebhookVerificationError("missing webhook-id, -timestamp or -signature header")
        if not _ID.match(message_id):
            raise WebhookVerificationError("malformed webhook-id")
        if not raw_timestamp.isdigit() or len(raw_timestamp) > 12:
            raise WebhookVerificationError("malformed webhook-timestamp")
        timestamp = int(raw_timestamp)
        current = time.time() if now is None else now
        if abs(current - timestamp) > self.tolerance_seconds:
            raise WebhookVerificationError("webhook-timestamp outside the tolerance")
        signed = f"{message_id}.{timestamp}.".encode() + body
        expected = [
            base64.b64encode(hmac.new(k, signed, hashlib.sha256).digest()) for k in self._keys
        ]
        offered = [
            s.removeprefix("v1,").encode() for s in raw_signatures.split(" ") if s.startswith("v1,")
        ]
        if not any(hmac.compare_digest(o, e) for o in offered for e in expected):
            raise WebhookVerificationError("no matching signature")
        expires_at = timestamp + self.tolerance_seconds + 1
        if not self.replay_cache.add_if_new(message_id, expires_at):
            raise WebhookReplayError("webhook-id already received (replay)")
        try:
            return json.loads(body)
        except ValueError:
            raise WebhookVerificationError("body is not JSON") from None
