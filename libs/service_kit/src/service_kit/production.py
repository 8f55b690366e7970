"""Production mode: a service refuses to start on a secret that ships with the code.

`mode` is `production` unless set (`CHIBO_MODE=development` for `make run` and the tests). In
production `serve` stops before listening when a setting holds the broker's guest user, a
password everyone knows (`guest`, `replace-me` from `.env.example`, …), the demo passphrase, a
fake clock, or a JWKS fetched over plain HTTP from another machine (anyone on the path could
hand out keys that sign tokens). The message names each variable to set.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import SecretStr
from pydantic_settings import BaseSettings

if TYPE_CHECKING:
    from service_kit.settings import ServiceSettings

# Lower-cased. Vendor defaults, the placeholders of deploy/compose/.env.example, the usual guesses.
DEFAULT_PASSWORDS = frozenset(
    {
        "",
        "guest",
        "postgres",
        "password",
        "passw0rd",
        "admin",
        "root",
        "secret",
        "changeme",
        "change-me",
        "replace-me",
        "replaceme",
        "chibo",
        "default",
        "test",
        "123456",
        "12345678",
    }
)
_SECRET_WORDS = ("password", "secret", "passphrase", "token", "api_key")


@dataclass(frozen=True)
class Refusal:
    variable: str
    reason: str

    def __str__(self) -> str:
        return f"{self.variable}: {self.reason}"


def variable(settings: BaseSettings, field: str) -> str:
    """The environment variable(s) that set `field` of `settings` (`shared_variables`: the
    CHIBO_… fallbacks of `ServiceSettings`)."""
    name = f"{settings.model_config.get('env_prefix', '')}{field}".upper()
    alias = type(settings).model_fields[field].validation_alias
    if isinstance(alias, str):
        name = alias
    shared = getattr(type(settings), "shared_variables", {}).get(field)
    return f"{name} (hoặc {shared})" if shared else name


def _plain(value: Any) -> str | None:
    raw = value.get_secret_value() if isinstance(value, SecretStr) else value
    return raw if isinstance(raw, str) else None


def url_refusal(name: str, url: str) -> Refusal | None:
    """A URL's user and password: the broker's guest user, or a well-known password."""
    try:
        parts = urlsplit(url)
        user, password = parts.username, parts.password
    except ValueError:
        return None
    if user == "guest":
        return Refusal(
            name, "dùng tài khoản guest của RabbitMQ; hãy tạo tài khoản riêng cho dịch vụ"
        )
    if password is not None and password.lower() in DEFAULT_PASSWORDS:
        return Refusal(name, f"mật khẩu trong URL là giá trị mặc định/mẫu ({password!r})")
    return None


def secret_refusals(settings: BaseSettings) -> list[Refusal]:
    """Every field of `settings`: URLs with default credentials, secrets with default values."""
    out: list[Refusal] = []
    unused: frozenset[str] = getattr(type(settings), "unused_settings", frozenset())
    for field in type(settings).model_fields:
        if field in unused:
            continue
        raw = _plain(getattr(settings, field))
        if raw is None:
            continue
        if "://" in raw:
            found = url_refusal(variable(settings, field), raw)
            if found is not None:
                out.append(found)
        elif any(word in field for word in _SECRET_WORDS) and raw.lower() in DEFAULT_PASSWORDS:
            out.append(
                Refusal(variable(settings, field), "là giá trị mặc định/mẫu; hãy đặt bí mật riêng")
            )
    return out


def is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def jwks_refusal(settings: ServiceSettings) -> Refusal | None:
    """Keys that sign tokens come over HTTPS, from this machine, or from a private network the
    operator vouches for (`jwks_allow_plain_http`)."""
    url = settings.effective_jwks_url
    parts = urlsplit(url)
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and (is_loopback(parts.hostname) or settings.jwks_allow_plain_http):
        return None
    where = variable(settings, "jwks_url" if settings.jwks_url else "registry_url")
    return Refusal(
        where,
        f"khóa ký mã truy cập lấy qua {url} (HTTP thường, không phải máy này): hãy dùng https, "
        f"hoặc đặt {variable(settings, 'jwks_allow_plain_http')}=true nếu đó là mạng nội bộ "
        "được bảo vệ",
    )


def refusals(settings: ServiceSettings) -> list[Refusal]:
    """What production mode refuses in the settings every service has."""
    out = secret_refusals(settings)
    if settings.clock_offset_file is not None:
        out.append(
            Refusal(variable(settings, "clock_offset_file"), "đồng hồ giả chỉ dùng khi thử nghiệm")
        )
    if settings.fetches_jwks:
        found = jwks_refusal(settings)
        if found is not None:
            out.append(found)
    return out


def explain(service: str, found: Iterable[Refusal]) -> str:
    lines = [
        f"{service} không khởi động ở chế độ production (CHIBO_MODE=production, mặc định):",
        *(f"  - {r}" for r in found),
        "Chạy thử trên máy (make run, kiểm thử): đặt CHIBO_MODE=development.",
    ]
    return "\n".join(lines)
