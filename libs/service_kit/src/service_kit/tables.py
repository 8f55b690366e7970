"""The tables every service carries (outbox, inbox, idempotency); imported by each env.py."""

from service_kit.inbox import InboxEvent
from service_kit.outbox import OutboxEvent
from service_kit.web.idempotency import IdempotencyRecord

__all__ = ["IdempotencyRecord", "InboxEvent", "OutboxEvent"]
