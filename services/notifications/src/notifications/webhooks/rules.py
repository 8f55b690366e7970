"""Which webhook targets may be used (pure): https to public addresses outside development.

A host is an address however it is spelt: `2130706433`, `0177.0.0.1`, `0x7f.1` and `127.1` are
all 127.0.0.1 to the C resolver (inet_aton), `::ffff:127.0.0.1` and `2002:7f00:1::` carry it
inside IPv6. Names are resolved and checked by `webhooks.targets`, at registration and again
on every connection.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# NAT64's well-known prefix (RFC 6052) routes to the IPv4 address in its last 32 bits.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
NOT_PUBLIC = "Địa chỉ webhook không được trỏ về địa chỉ nội bộ, dành riêng hay của chính máy chủ."


def url_problem(url: str, *, allow_insecure: bool) -> str | None:
    """Why the URL is refused before any name is resolved, in Vietnamese, or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number or out of range
    except ValueError:
        return "Địa chỉ webhook không phải là URL hợp lệ."
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "Địa chỉ webhook phải là URL http(s) đầy đủ."
    if parts.username or parts.password:
        return "Địa chỉ webhook không được chứa tên đăng nhập hay mật khẩu."
    if allow_insecure:
        return None
    if parts.scheme != "https":
        return "Địa chỉ webhook phải dùng https."
    host = parts.hostname
    if host.rstrip(".") == "localhost" or host.rstrip(".").endswith(".localhost"):
        return NOT_PUBLIC
    literal = literal_address(host)
    if literal is not None and not is_public(literal):
        return NOT_PUBLIC
    return None


def literal_address(host: str) -> IPAddress | None:
    """The address a host written as a number stands for, as the C resolver reads it, or None
    for a name. IPv6 may come in brackets and with a zone (`fe80::1%eth0`)."""
    bare = host.strip("[]")
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    if ":" in bare or not bare or not bare.isascii():
        return None
    try:  # 2130706433, 0177.0.0.1, 0x7f.1, 127.1: what getaddrinfo would connect to
        return ipaddress.IPv4Address(socket.inet_aton(bare))
    except OSError:
        return None


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one reaches: mapped, 6to4, Teredo client or NAT64."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """Reachable on the public internet: not loopback, private, link-local, multicast,
    reserved, unspecified or shared (100.64/10), whatever IPv6 wrapping it comes in."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            return is_public(inner)
        if address.is_site_local:
            return False
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )
