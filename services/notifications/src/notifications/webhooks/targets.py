"""Where a webhook may go, checked twice: when it is registered (the URL and every address its
name resolves to) and on every connection, against the address actually connected.

A name that resolved to a public address when registered can resolve to 127.0.0.1 a minute
later (DNS rebinding). So the sender resolves the name itself, checks each address, and opens
the TCP connection to the checked address — never handing the name to a resolver again. TLS
still verifies the certificate against the name (SNI and Host come from the URL).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Protocol
from urllib.parse import urlsplit

import httpcore
import httpx
from httpcore import AsyncNetworkStream

from notifications.webhooks.rules import IPAddress, is_public, literal_address, url_problem

RESOLVE_TIMEOUT_SECONDS = 5.0


class Resolver(Protocol):
    async def __call__(self, host: str, port: int) -> list[IPAddress]:
        """Every address the name stands for; raises OSError or TimeoutError when it cannot."""
        ...


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """The operating system's resolver (getaddrinfo), bounded in time."""
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
        found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


async def target_problem(url: str, *, allow_insecure: bool, resolve: Resolver) -> str | None:
    """Why a webhook URL is refused, in Vietnamese, or None. Outside development the name must
    resolve, and to public addresses only."""
    problem = url_problem(url, allow_insecure=allow_insecure)
    if problem or allow_insecure:
        return problem
    parts = urlsplit(url)
    host = parts.hostname or ""
    if literal_address(host) is not None:
        return None  # a public address (url_problem refused the others)
    try:
        addresses = await resolve(host, parts.port or _default_port(parts.scheme))
    except (OSError, TimeoutError, UnicodeError):
        addresses = []
    if not addresses:
        return f"Không phân giải được tên máy {host} của địa chỉ webhook."
    refused = [a for a in addresses if not is_public(a)]
    if refused:
        return (
            f"Tên máy {host} trỏ về địa chỉ {refused[0]}: webhook không được gửi tới địa chỉ "
            "nội bộ, dành riêng hay của chính máy chủ."
        )
    return None


class RefusedAddress(httpcore.ConnectError):
    """The name resolved (now) to an address webhooks may not reach: nothing was connected."""


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses `allowed` accepts, resolved here (once per connection)."""

    def __init__(self, resolve: Resolver, allowed: Callable[[IPAddress], bool] = is_public) -> None:
        self._resolve = resolve
        self._allowed = allowed
        self._inner = httpcore.AnyIOBackend()

    async def addresses(self, host: str, port: int) -> list[IPAddress]:
        literal = literal_address(host)
        if literal is not None:
            found = [literal]
        else:
            try:
                found = await self._resolve(host, port)
            except (OSError, TimeoutError, UnicodeError) as exc:
                raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        refused = [a for a in found if not self._allowed(a)]
        if refused or not found:
            shown = refused[0] if refused else "nothing"
            raise RefusedAddress(f"{host} resolves to {shown}: not a public address, refused")
        return found

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        failure: Exception | None = None
        for address in await self.addresses(host, port):
            try:
                return await self._inner.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        raise RefusedAddress("webhooks go over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool whose every TCP connection goes through a
    `GuardedBackend` (httpx has no parameter for the pool's network backend)."""

    def __init__(self, backend: GuardedBackend, limits: httpx.Limits) -> None:
        super().__init__(limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


def refused_reason(exc: BaseException) -> str | None:
    """The reason when a send failed because the target's address was refused."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, RefusedAddress):
            return str(cause)
        cause = cause.__cause__
    return None
