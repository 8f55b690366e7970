"""Routing keys: the type, then — for public events — the path of the organisation the event
is about, from the province down.

    meetings.request.raised.v1.<province id>.<commune id>.<branch id>
    registry.organisation.renamed.v1.<province id>.<commune id>

The organisation is the event's branch, else its organisation (`EventSpec.organisation_field`);
the path is where that organisation stood in the tree on the day the event was published. An
internal consumer binds `<type key>.#` (the type with any path or none); an agency granted a
commune binds `<type key>.<province id>.<commune id>.#` and receives the events about that
commune and everything under it, nothing else. Internal events carry the type only.

When the producer cannot place the organisation, or a word could not stand in a key (an id with
a dot), the event leaves with its type key only: internal consumers and province-wide agencies
(`<type key>.#`) still get it, a subtree-limited agency does not — never a key that over-shares.
A key is at most 255 bytes (AMQP): a path too deep to fit loses its deepest ids first, so it
still reaches every agency granted at the levels kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from event_contracts.catalog import UnknownEventType, spec_for_routing_key

MAX_KEY_BYTES = 255
TYPE_WORDS = 4  # <service>.<entity>.<verb>.v<major>
_WORD = re.compile(r"^[A-Za-z0-9_\-]+$")


def organisation_of(routing_key: str, data: Mapping[str, Any]) -> str | None:
    """The organisation a public event is about (None: internal, unknown, or no such field)."""
    try:
        spec = spec_for_routing_key(type_key(routing_key))
    except UnknownEventType:
        return None
    field = spec.organisation_field
    if not spec.public or field is None:
        return None
    value = data.get(field)
    return value if isinstance(value, str) and value else None


def with_path(key: str, path: Sequence[str]) -> str:
    """`key` followed by the path (root first), trimmed from the deepest end to fit."""
    if not path or not all(_WORD.match(word) for word in path):
        return key
    words = list(path)
    while words:
        candidate = ".".join([key, *words])
        if len(candidate.encode()) <= MAX_KEY_BYTES:
            return candidate
        words.pop()
    return key


def type_key(routing_key: str) -> str:
    """The type part of a routing key (`meetings.request.raised.v1`)."""
    return ".".join(routing_key.split(".")[:TYPE_WORDS])


def path_of(routing_key: str) -> list[str]:
    """The organisation path a routing key carries (empty: none)."""
    return routing_key.split(".")[TYPE_WORDS:]


def subtree_binding(key_or_pattern: str, path: Sequence[str]) -> str:
    """The binding key of `key_or_pattern` (a type key) limited to the subtree at `path`; no
    path: every event of the type, placed or not."""
    if not path:
        return f"{key_or_pattern}.#"
    return ".".join([key_or_pattern, *path, "#"])


def any_path(key: str) -> str:
    """What an internal consumer binds for one type: the type with any path or none."""
    return key if key.endswith("#") else f"{key}.#"
