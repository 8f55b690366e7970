"""Calling the registry as this service: client-credentials token (cached until shortly before
it expires, fetched again on a 401), JSON GETs and paging. Used for the replica backfill and by
notifications to resolve people's contact data, which never travels on the bus."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx

from service_kit.settings import ServiceSettings
from service_kit.web.pagination import MAX_LIMIT

TokenSource = Callable[[httpx.AsyncClient], Awaitable[str]]


class RegistryUnavailable(Exception):
    """The registry could not be asked (down, refusing this service's credentials, 5xx)."""


def client_credentials(settings: ServiceSettings) -> TokenSource:
    """This service's token from the registry (client_credentials grant)."""

    async def token(client: httpx.AsyncClient) -> str:
        prefix = settings.service_name.upper()
        if not settings.client_id or settings.client_secret is None:
            raise RegistryUnavailable(
                f"Cần {prefix}_CLIENT_ID và {prefix}_CLIENT_SECRET "
                "(ứng dụng loại service đăng ký ở registry)."
            )
        try:
            r = await client.post(
                "/v1/auth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": settings.client_id,
                    "client_secret": settings.client_secret.get_secret_value(),
                },
            )
        except httpx.HTTPError as exc:
            raise RegistryUnavailable(f"registry không trả lời: {type(exc).__name__}") from exc
        if r.status_code != 200:
            raise RegistryUnavailable(
                f"registry từ chối cấp mã truy cập: {r.status_code} {r.text[:300]}"
            )
        return str(r.json()["access_token"])

    return token


class RegistryClient:
    """One shared HTTP client to the registry with this service's token."""

    def __init__(
        self, client: httpx.AsyncClient, token: TokenSource, *, reuse_seconds: float = 240
    ):
        self.client, self._token_source = client, token
        self.reuse_seconds = reuse_seconds
        self._token: str | None = None
        self._fetched = 0.0
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: ServiceSettings, timeout: float = 10.0) -> RegistryClient:
        client = httpx.AsyncClient(base_url=settings.registry_url, timeout=timeout)
        return cls(client, client_credentials(settings))

    async def _bearer(self, renew: bool = False) -> dict[str, str]:
        async with self._lock:
            stale = time.monotonic() - self._fetched > self.reuse_seconds
            if renew or self._token is None or stale:
                self._token = await self._token_source(self.client)
                self._fetched = time.monotonic()
            return {"Authorization": f"Bearer {self._token}"}

    async def get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """GET with the token; on 401 the token is fetched again once. 404 and other 4xx are
        returned to the caller; 5xx and transport errors raise `RegistryUnavailable`."""
        for attempt in range(2):
            try:
                r = await self.client.get(
                    path, params=params, headers=await self._bearer(attempt > 0)
                )
            except httpx.HTTPError as exc:
                raise RegistryUnavailable(f"registry không trả lời: {type(exc).__name__}") from exc
            if r.status_code != 401:
                break
        if r.status_code >= 500 or r.status_code == 401:
            raise RegistryUnavailable(f"registry: {r.status_code} {r.text[:300]}")
        return r

    async def pages(self, path: str, params: dict[str, Any] | None = None) -> AsyncIterator[Any]:
        """Every item of a paged list (`items`, `next_cursor`)."""
        query = {**(params or {}), "limit": MAX_LIMIT}
        while True:
            r = await self.get(path, query)
            if r.status_code != 200:
                raise RegistryUnavailable(f"registry: {r.status_code} {r.text[:300]}")
            body = r.json()
            for item in body["items"]:
                yield item
            if not body.get("next_cursor"):
                return
            query = {**query, "cursor": body["next_cursor"]}

    async def aclose(self) -> None:
        await self.client.aclose()
