"""Pure rules of agency subscriptions: topic patterns, what an agency is entitled to, and the
RabbitMQ grant of an AMQP agency.

**Entitlement, one rule for every channel** (webhook push, AMQP stream, HTTP feed): a public
event of a type matching one of the agency's patterns, about an organisation inside one of its
granted subtrees. Where an event is about is the path its routing key carries
(`event_contracts.routing`: the type, then the organisation's ids from the province down). A
grant is a path too: the granted organisation's ids from the province down; a grant at the
province itself is the empty path and reaches everything, also events no producer could place.
An unknown granted organisation grants nothing.

**The AMQP grant**, for agency `a` in one vhost (user `ext.a`, no management tags), reads one
queue: its own stream `ext.a.stream`, bound from `events.public` with one binding per
(subscribed public type × granted subtree), `<type>.<province>.<commune>.#`. The broker routes
into it only what the agency is entitled to, and keeps it by time and size (`x-max-age`,
`x-max-length-bytes`): a stream has no consumer state, so an agency that stops reading costs the
publishers and the other consumers nothing, and loses nothing before the retention ends. It
reads with its own offset (`x-stream-offset`: `first`, `next`, a timestamp, or the numeric
offset after the last one it processed, which it stores — AMQP 0.9.1 stream consumers track
their own offset). Its permissions:
- configure nothing (`^$`): it declares, binds and deletes no queue;
- write nothing (`^$`): it publishes to no exchange and binds nothing (queue.bind needs write);
- read `^ext\\.a\\.stream$` only: `events`, `events.public`, the public stream and other agencies'
  streams are refused (ACCESS_REFUSED);
- topic permission on `events.public`: read exactly its binding keys, write none — a second lock
  should an operator ever give it write on its queue.
Its connections and channels are limited (user limits).

A stream cannot filter by routing key when read (not before RabbitMQ 3.13), so a shared stream
would show every agency everything: the filtering happens when the broker routes into each
agency's own stream. The shared `events.public.stream` is read by notifications only, for the
HTTP feed (`notifications.feed`), which applies this same rule to each event's routing key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from event_contracts import CATALOG
from event_contracts.routing import path_of, subtree_binding, type_key

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}$")
WORD = re.compile(r"^(\*|#|[a-z0-9_]+)$")
PUBLIC = "events.public"
STREAM_SUFFIX = "stream"

Path = tuple[str, ...]  # a granted subtree: ids from the province down; () = the province


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
    key = type_key(routing_key)
    return any(s.public and s.routing_key == key for s in CATALOG)


def subscribed_types(patterns: Iterable[str], types: Iterable[str] | None = None) -> list[str]:
    """The public type keys an agency subscribed to (and, given `types`, also asked for now)."""
    listed = list(patterns)
    asked = None if types is None else list(types)
    return [
        s.routing_key
        for s in CATALOG
        if s.public
        and any(topic_matches(p, s.routing_key) for p in listed)
        and (asked is None or any(topic_matches(t, s.routing_key) for t in asked))
    ]


def within(grants: Iterable[Path], path: Sequence[str]) -> bool:
    """An event placed at `path` lies in one of the granted subtrees."""
    return any(len(path) >= len(g) and tuple(path[: len(g)]) == g for g in grants)


def entitled(type_keys: Iterable[str], grants: Iterable[Path], routing_key: str) -> bool:
    """The one rule: a subscribed public type, about an organisation in a granted subtree."""
    return type_key(routing_key) in set(type_keys) and within(grants, path_of(routing_key))


def binding_keys(type_keys: Iterable[str], grants: Iterable[Path]) -> list[str]:
    """What the broker binds for the same rule: one key per type and granted subtree (a
    province grant: `<type>.#`, every event of the type)."""
    paths = sorted(set(grants), key=lambda g: (len(g), g))
    if any(len(g) == 0 for g in paths):
        paths = [()]
    else:  # a subtree inside another granted one adds nothing
        paths = [g for g in paths if not within([p for p in paths if p != g], g)]
    return [subtree_binding(k, list(g)) for k in type_keys for g in paths]


@dataclass(frozen=True)
class AmqpGrant:
    user: str
    vhost: str
    permissions: dict[str, str]
    topic_permissions: dict[str, str]
    stream: str
    stream_arguments: dict[str, Any]
    binding_keys: list[str]
    user_limits: dict[str, int]


def stream_name(name: str) -> str:
    return f"ext.{name}.{STREAM_SUFFIX}"


def amqp_grant(
    name: str,
    keys: Sequence[str],
    vhost: str,
    *,
    max_age: str,
    max_length_bytes: int,
    segment_bytes: int,
    max_connections: int = 5,
    max_channels: int = 20,
) -> AmqpGrant:
    """`keys`: its binding keys (`binding_keys`), never empty."""
    if not keys:
        raise ValueError("an agency with nothing granted gets no stream")
    stream = stream_name(name)
    alternatives = "|".join(re.escape(k) for k in keys)
    return AmqpGrant(
        user=f"ext.{name}",
        vhost=vhost,
        permissions={"configure": "^$", "write": "^$", "read": f"^{re.escape(stream)}$"},
        topic_permissions={"exchange": PUBLIC, "write": "^$", "read": f"^({alternatives})$"},
        stream=stream,
        stream_arguments=stream_arguments(max_age, max_length_bytes, segment_bytes),
        binding_keys=list(keys),
        user_limits={"max-connections": max_connections, "max-channels": max_channels},
    )


def stream_arguments(max_age: str, max_length_bytes: int, segment_bytes: int) -> dict[str, Any]:
    """A stream kept by time and size; retention drops whole segments, so a segment is a small
    share of the size (else nothing would ever be dropped before a segment filled)."""
    return {
        "x-queue-type": "stream",
        "x-max-age": max_age,
        "x-max-length-bytes": max_length_bytes,
        "x-stream-max-segment-size-bytes": min(segment_bytes, max_length_bytes),
    }
