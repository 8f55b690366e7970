"""The client's address behind proxies, believed only from proxies the operator names.

Each proxy appends the address it saw to X-Forwarded-For. Walking it from the right, the first
address that is not one of `trusted_proxies` is the client; entries further left were written
by the client and prove nothing. A request whose TCP peer is not a trusted proxy keeps the peer,
whatever it claims — with no proxies configured (the default), the header is ignored.
`ForwardedMiddleware` puts the result in the ASGI scope, so `request.client` is the client for
every route (the registry limits sign-ins per address with it).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_HOPS = 20  # a longer chain is not a chain of real proxies; only its right end is read


def parse_address(text: str) -> Address | None:
    """`203.0.113.7`, `203.0.113.7:5000`, `2001:db8::1`, `[2001:db8::1]:443`; else None."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, trusted: Sequence[Network]) -> bool:
    return any(address.version == net.version and address in net for net in trusted)


def client_address(
    peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[Network]
) -> str | None:
    """The client of a request from `peer` carrying these X-Forwarded-For header values."""
    if peer is None or not trusted:
        return peer
    current = parse_address(peer)
    if current is None or not _trusted(current, trusted):
        return peer
    hops = [hop for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops[-MAX_HOPS:]):
        address = parse_address(hop)
        if address is None:
            return str(current)  # a garbled entry: stop at the last proxy that wrote one
        current = address
        if not _trusted(address, trusted):
            return str(address)
    return str(current)  # every hop a proxy of ours: the left-most is as far as it goes


class ForwardedMiddleware:
    def __init__(self, app: ASGIApp, trusted: Sequence[Network]) -> None:
        self.app, self.trusted = app, tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.trusted and scope.get("client"):
            host, _ = scope["client"]
            values = [
                v.decode("latin-1")
                for k, v in scope.get("headers") or []
                if k.lower() == b"x-forwarded-for"
            ]
            client = client_address(host, values, self.trusted)
            if client is not None and client != host:
                scope["client"] = (client, 0)
        await self.app(scope, receive, send)
