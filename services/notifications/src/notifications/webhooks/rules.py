"""Which webhook URLs may be registered (pure): https and public hosts outside development."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def url_problem(url: str, *, allow_insecure: bool) -> str | None:
    """Why the URL is refused, in Vietnamese, or None. DNS is checked again when sending."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "Địa chỉ webhook phải là URL http(s) đầy đủ."
    if parts.username or parts.password:
        return "Địa chỉ webhook không được chứa tên đăng nhập hay mật khẩu."
    if allow_insecure:
        return None
    if parts.scheme != "https":
        return "Địa chỉ webhook phải dùng https."
    host = parts.hostname
    if host == "localhost" or host.endswith(".localhost"):
        return "Địa chỉ webhook không được trỏ về máy nội bộ."
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    if not ip.is_global:
        return "Địa chỉ webhook không được là địa chỉ IP nội bộ hay dành riêng."
    return None
