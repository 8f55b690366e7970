"""Identity rules as pure functions: who may hold which access role, password policy, token
claims, which keys sign and which are published, and the login sliding window."""

from __future__ import annotations

import ipaddress
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from service_kit.errors import FieldError
from service_kit.grants import Grant
from service_kit.settings import audience_of

# Access roles carried in tokens (not the Party roles of `registry.roles`).
ACCESS_ROLES: dict[str, str] = {
    "admin": "quản trị tài khoản, ứng dụng và khóa ký (chỉ cấp tỉnh)",
    "officer": "cán bộ văn phòng cấp ủy: xem và ghi trong phạm vi",
    "secretary": "bí thư, phó bí thư chi bộ: ghi biên bản sinh hoạt",
    "observer": "cấp ủy viên được phân công dự sinh hoạt",
    "member": "đảng viên: xem thông tin của mình và chi bộ",
    "reader": "chỉ đọc trong phạm vi",
    "service": "dịch vụ nội bộ của hệ thống",
}
CLIENT_KINDS = ("service", "agency")
CLIENT_ROLES = {"service": frozenset({"service", "reader"}), "agency": frozenset({"reader"})}
ADMIN_SCOPE_KIND = "province"
USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")


def normalise_username(username: str) -> str:
    """Case-insensitive, NFC: `Nguyen.An` and `nguyen.an` are one account."""
    return unicodedata.normalize("NFC", username).strip().lower()


def password_errors(
    password: str, username: str, min_length: int, pointer: str = "/password"
) -> list[FieldError]:
    if len(password) < min_length:
        return [
            FieldError(pointer, f"Mật khẩu cần ít nhất {min_length} ký tự.", "password-too-short")
        ]
    if username and username in password.lower():
        return [FieldError(pointer, "Mật khẩu không được chứa tên đăng nhập.", "password-weak")]
    if len(set(password)) < 4:
        return [FieldError(pointer, "Mật khẩu quá đơn giản.", "password-weak")]
    return []


def role_errors(roles: Sequence[str], allowed: frozenset[str] | None = None) -> list[FieldError]:
    errors: list[FieldError] = []
    if not roles:
        errors.append(FieldError("/roles", "Cần ít nhất một vai trò.", "roles-empty"))
    for i, role in enumerate(roles):
        if role not in ACCESS_ROLES:
            errors.append(FieldError(f"/roles/{i}", f"Vai trò {role!r} không có.", "role-unknown"))
        elif allowed is not None and role not in allowed:
            errors.append(
                FieldError(
                    f"/roles/{i}", f"Vai trò {role!r} không cấp cho loại này.", "role-denied"
                )
            )
    return errors


def user_errors(
    *,
    username: str,
    password: str,
    roles: Sequence[str],
    member_id: str | None,
    staff_role: str | None,
    scope_kind: str,
    password_min_length: int,
) -> list[FieldError]:
    """`scope_kind`: the kind of the organisation the account is scoped to."""
    errors: list[FieldError] = []
    if not username or not set(username) <= USERNAME_CHARS:
        errors.append(
            FieldError(
                "/username",
                "Tên đăng nhập chỉ gồm chữ không dấu, số và . _ -",
                "username-invalid",
            )
        )
    if (member_id is None) == (staff_role is None):
        detail = "Tài khoản gắn với đúng một đảng viên hoặc một vị trí công tác."
        errors.append(FieldError("/member_id", detail, "link-required"))
        errors.append(FieldError("/staff_role", detail, "link-required"))
    errors += role_errors(roles)
    if "admin" in roles and scope_kind != ADMIN_SCOPE_KIND:
        errors.append(
            FieldError("/roles", "Quyền quản trị chỉ cấp ở phạm vi tỉnh.", "admin-not-province")
        )
    if "service" in roles:
        errors.append(FieldError("/roles", "Vai trò dịch vụ chỉ cấp cho ứng dụng.", "role-denied"))
    errors += password_errors(password, username, password_min_length)
    return errors


def client_errors(kind: str, roles: Sequence[str]) -> list[FieldError]:
    return role_errors(roles, CLIENT_ROLES.get(kind, frozenset()))


# The services a token is good at unless the caller asks for fewer (`audience`).
SERVICES = ("registry", "meetings", "scoring", "notifications", "portal")


def audiences(requested: str | None) -> list[str] | None:
    """`audience=meetings scoring` → their audiences; None when a name is not a service."""
    if requested is None or not requested.strip():
        return [audience_of(s) for s in SERVICES]
    names = requested.split()
    if any(n not in SERVICES for n in names):
        return None
    return [audience_of(n) for n in dict.fromkeys(names)]


def access_claims(
    *,
    issuer: str,
    audience: list[str],
    subject: str,
    token_id: str,
    now: datetime,
    lifetime_seconds: int,
    roles: Sequence[str],
    organisation_id: str,
    scope_kind: str,
    grants: Sequence[Grant] = (),
    member_id: str | None = None,
    client_id: str | None = None,
    client_kind: str | None = None,
) -> dict[str, object]:
    """What a token says: ids, roles and grants only, never personal data."""
    issued = int(now.timestamp())
    claims: dict[str, object] = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "iat": issued,
        "nbf": issued,
        "exp": issued + lifetime_seconds,
        "jti": token_id,
        "roles": sorted(set(roles)),
        "org": organisation_id,
        "scope_kind": scope_kind,
    }
    claims["grants"] = [g.claim() for g in grants]
    if member_id is not None:
        claims["member_id"] = member_id
    if client_id is not None:
        claims["client_id"] = client_id
    if client_kind is not None:
        claims["client_kind"] = client_kind
    return claims


@dataclass(frozen=True)
class KeyState:
    kid: str
    created_at: datetime
    retired_at: datetime | None


def signing_kid(keys: Sequence[KeyState]) -> str | None:
    """The newest key not retired signs (two could exist after a bootstrap race; both are
    published, the newest wins)."""
    live = [k for k in keys if k.retired_at is None]
    return max(live, key=lambda k: (k.created_at, k.kid)).kid if live else None


def published_kids(keys: Sequence[KeyState], now: datetime, grace_seconds: int) -> list[str]:
    """Keys in the JWKS: live ones, and retired ones until their grace period ends."""
    grace = timedelta(seconds=grace_seconds)
    return [k.kid for k in keys if k.retired_at is None or now < k.retired_at + grace]


def retry_after(failures: Sequence[float], now: float, window: float, limit: int) -> float | None:
    """Seconds to wait when `limit` failures (timestamps) fall inside the sliding `window`,
    else None. The wait ends when the oldest counted failure leaves the window."""
    recent = sorted(t for t in failures if now - window < t <= now)
    if len(recent) < limit:
        return None
    return recent[-limit] + window - now


def address_key(ip: str) -> str:
    """Whom the per-address sign-in limit counts: an IPv4 address as is, an IPv6 address by its
    /64 (a subscriber gets a whole /64 and could step through it); anything else as given."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
