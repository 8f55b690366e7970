"""People's e-mail from the registry, asked over HTTP with this service's token and remembered
in memory for a while. Personal data never comes from the bus.

In memory rather than in the database: nothing personal is copied into this service's tables,
and a restart only means asking again. An answer is reused for `fresh_seconds`; when the registry
cannot be asked, one up to `stale_seconds` old still serves, and without one the lookup raises
`RegistryUnavailable`, so the delivery waiting on it is retried later (`deliveries.worker`).
"Nobody" (a vacant post, a member without e-mail) is an answer and is remembered too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from notifications.directory import rules
from notifications.settings import NotificationsSettings
from org_tree.registry_client import RegistryClient, RegistryUnavailable

log = logging.getLogger(__name__)

MAX_ENTRIES = 200_000  # role addresses and members of a large province, with room to spare


def connect(settings: NotificationsSettings) -> RegistryClient | None:
    """This service's client of the registry, or None without client credentials."""
    if settings.client_id and settings.client_secret is not None:
        return RegistryClient.from_settings(settings, timeout=settings.registry_timeout_seconds)
    log.warning(
        "registry directory off: NOTIFICATIONS_CLIENT_ID and NOTIFICATIONS_CLIENT_SECRET are "
        "not set, so e-mail reaches configured contact points only and agencies cannot register"
    )
    return None


@dataclass(frozen=True)
class _Entry:
    value: tuple[str, ...]
    at: float


class RegistryPeople:
    def __init__(
        self,
        registry: RegistryClient,
        *,
        fresh_seconds: float,
        stale_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.registry = registry
        self.fresh_seconds, self.stale_seconds = fresh_seconds, stale_seconds
        self._monotonic = monotonic
        self._entries: dict[str, _Entry] = {}

    @classmethod
    def from_settings(
        cls, registry: RegistryClient, settings: NotificationsSettings
    ) -> RegistryPeople:
        return cls(
            registry,
            fresh_seconds=settings.directory_fresh_seconds,
            stale_seconds=settings.directory_stale_seconds,
        )

    async def emails(self, address: str) -> list[str]:
        """E-mail addresses of the people `address` names today (none: nobody to reach)."""
        members = await self._remembered(f"holders {address}", partial(self._holders, address))
        found: list[str] = []
        for member_id in members:
            found += await self._remembered(f"email {member_id}", partial(self._email, member_id))
        return list(dict.fromkeys(found))

    async def _holders(self, address: str) -> tuple[str, ...]:
        path = rules.holders_path(address)
        if path is None:
            return tuple(rules.holders(address, []))
        body = await self._get(path)
        return tuple(rules.holders(address, body["items"] if body else []))

    async def _email(self, member_id: str) -> tuple[str, ...]:
        body = await self._get(rules.member_path(member_id))
        email = (body or {}).get("email")
        return (str(email),) if email else ()

    async def _get(self, path: str) -> dict[str, object] | None:
        """The JSON body, or None when the registry knows no such thing (404, 422)."""
        r = await self.registry.get(path)
        if r.status_code in (404, 422):
            return None
        if r.status_code != 200:  # e.g. 403: credentials without province scope
            raise RegistryUnavailable(f"registry: {r.status_code} {r.text[:300]}")
        body: dict[str, object] = r.json()
        return body

    async def _remembered(
        self, key: str, ask: Callable[[], Awaitable[tuple[str, ...]]]
    ) -> tuple[str, ...]:
        now = self._monotonic()
        entry = self._entries.get(key)
        if entry is not None and now - entry.at < self.fresh_seconds:
            return entry.value
        try:
            value = await ask()
        except RegistryUnavailable:
            if entry is not None and now - entry.at < self.stale_seconds:
                log.warning("registry unavailable; using an older answer", extra={"key": key})
                return entry.value
            raise
        self._entries.pop(key, None)  # re-inserted last: the oldest answers go first
        self._entries[key] = _Entry(value, now)
        while len(self._entries) > MAX_ENTRIES:
            del self._entries[next(iter(self._entries))]
        return value
