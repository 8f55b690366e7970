"""Pure rules of agency subscriptions: topic patterns, what an agency may see, and the RabbitMQ
grant of an AMQP agency.

The AMQP grant, for agency `a` in one vhost (user `ext.a`, no management tags):
- configure nothing: it declares and deletes no queue, so it holds exactly the queues an
  operator provisioned for it (RabbitMQ has no per-user queue count, and a queue count limit
  on the vhost would be shared with the services). It consumes them as they are (a passive
  declare or none);
- write `^ext\\.a\\..*$`: queue.bind needs write on the queue (and read on the exchange), so it
  can bind only its own queues; it can publish to no exchange of ours;
- read `^(ext\\.a\\..*|events\\.public)$`: consume its queues, bind from `events.public` only —
  `events` (every internal type) and other agencies' queues are refused (ACCESS_REFUSED);
- topic permission on `events.public`: read only the binding keys it subscribed to, write none.
  Internal types never reach `events.public`; the topic permission also stops an agency from
  widening its own subscription (`#`) beyond what was granted.

The queue is quorum with a delivery limit and a length cap with `drop-head`: when an agency
stops reading, its oldest messages go, never our publishers. `reject-publish` would nack the
publish of an event that also went to internal queues, and the outbox relay would retry and
stall behind a slow agency. The same caps stand as an operator policy on `^ext\\.a\\.` (an
operator can tighten them live; where a queue's own argument differs, the lower wins), and
the user is limited in connections and channels (user limits).

AMQP cannot filter by organisation subtree (routing keys carry the type only); webhooks can.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from event_contracts import CATALOG

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}$")
WORD = re.compile(r"^(\*|#|[a-z0-9_]+)$")
PUBLIC = "events.public"


def pattern_problem(pattern: str) -> str | None:
    words = pattern.split(".")
    if not pattern or not all(WORD.match(w) for w in words):
        return f"mẫu {pattern!r} không hợp lệ (các từ cách nhau bởi dấu chấm, * hoặc #)"
    if not public_keys_matching(pattern):
        return f"mẫu {pattern!r} không khớp loại sự kiện công khai nào"
    return None


def topic_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: `*` is exactly one word, `#` zero or more."""
    return _match(pattern.split("."), routing_key.split("."))


def _match(pattern: Sequence[str], words: Sequence[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head in ("*", words[0])) and _match(rest, words[1:])


def public_keys_matching(pattern: str) -> list[str]:
    return [s.routing_key for s in CATALOG if s.public and topic_matches(pattern, s.routing_key)]


def is_public(routing_key: str) -> bool:
    return any(s.public and s.routing_key == routing_key for s in CATALOG)


def wants(
    patterns: Iterable[str], granted: Iterable[str], routing_key: str, chains: Iterable[list[str]]
) -> bool:
    """A public type it subscribed to, about an organisation inside a granted subtree (each
    chain: an organisation of the event and its ancestors). Nothing known: nothing sent."""
    if not is_public(routing_key) or not any(topic_matches(p, routing_key) for p in patterns):
        return False
    roots = set(granted)
    return any(roots.intersection(chain) for chain in chains)


@dataclass(frozen=True)
class AmqpGrant:
    user: str
    vhost: str
    permissions: dict[str, str]
    topic_permissions: dict[str, str]
    queue: str
    queue_arguments: dict[str, Any]
    binding_keys: list[str]
    policy_name: str
    policy: dict[str, Any]  # an operator policy over the agency's queues
    user_limits: dict[str, int]


def amqp_grant(
    name: str,
    patterns: Sequence[str],
    vhost: str,
    *,
    queue_suffix: str = "events",
    max_length: int,
    max_length_bytes: int,
    delivery_limit: int,
    max_connections: int = 5,
    max_channels: int = 20,
) -> AmqpGrant:
    own = rf"^ext\.{re.escape(name)}\..*$"
    keys = "|".join(re.escape(p) for p in patterns)
    return AmqpGrant(
        user=f"ext.{name}",
        vhost=vhost,
        permissions={
            "configure": "^$",
            "write": own,
            "read": rf"^(ext\.{re.escape(name)}\..*|events\.public)$",
        },
        topic_permissions={"exchange": PUBLIC, "write": "^$", "read": f"^({keys})$"},
        queue=f"ext.{name}.{queue_suffix}",
        queue_arguments={
            "x-queue-type": "quorum",
            "x-delivery-limit": delivery_limit,
            "x-max-length": max_length,
            "x-max-length-bytes": max_length_bytes,
            "x-overflow": "drop-head",
        },
        binding_keys=list(patterns),
        policy_name=f"ext.{name}",
        policy={
            "pattern": rf"^ext\.{re.escape(name)}\.",
            "apply-to": "queues",
            "priority": 0,
            "definition": {
                "max-length": max_length,
                "max-length-bytes": max_length_bytes,
                "delivery-limit": delivery_limit,
            },
        },
        user_limits={"max-connections": max_connections, "max-channels": max_channels},
    )
