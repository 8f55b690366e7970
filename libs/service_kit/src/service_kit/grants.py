"""Who a caller is, per organisation: the grants a token carries.

The registry resolves a person's grants as of the day it signs the token: their party roles
(secretary, deputy, committee member of an organisation above), their membership, their dated
observer assignments, and what their account is for (an office of the committee, a province
administrator, a read-only account). A client is a service or an agency. Each grant names the
organisation it holds in and, when it ends, the day it stops (`until`, exclusive); every service
checks grants against the routes' permissions (`service_kit.web.permissions`) and the subtree of
the grant's organisation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any


class AccessRole(StrEnum):
    PROVINCE_ADMIN = "province_admin"  # ban tổ chức tỉnh ủy: administration of the province
    OFFICER = "officer"  # cán bộ văn phòng cấp ủy: works for the committee of an organisation
    COMMITTEE = "committee"  # cấp ủy viên of an organisation above the branches
    SECRETARY = "secretary"  # bí thư chi bộ
    DEPUTY_SECRETARY = "deputy_secretary"  # phó bí thư chi bộ
    BRANCH_COMMITTEE = "branch_committee"  # chi ủy viên
    MEMBER = "member"  # đảng viên of the branch
    OBSERVER = "observer"  # assigned to follow and attend the branch (dated)
    READER = "reader"  # reads in scope, never writes, never personal data
    SERVICE = "service"  # another chibo service
    AGENCY = "agency"  # another agency's system: public facts only


ROLE_NAMES_VI: dict[str, str] = {
    AccessRole.PROVINCE_ADMIN: "quản trị cấp tỉnh (ban tổ chức)",
    AccessRole.OFFICER: "cán bộ văn phòng cấp ủy",
    AccessRole.COMMITTEE: "cấp ủy viên",
    AccessRole.SECRETARY: "bí thư chi bộ",
    AccessRole.DEPUTY_SECRETARY: "phó bí thư chi bộ",
    AccessRole.BRANCH_COMMITTEE: "chi ủy viên",
    AccessRole.MEMBER: "đảng viên",
    AccessRole.OBSERVER: "cấp ủy viên dự sinh hoạt (được phân công)",
    AccessRole.READER: "tài khoản chỉ đọc",
    AccessRole.SERVICE: "dịch vụ nội bộ",
    AccessRole.AGENCY: "cơ quan đăng ký nhận sự kiện",
}

# What an account's own access roles (set on the user or client) mean as grants at the
# account's organisation, for tokens that carry no explicit grants.
_ACCOUNT_ROLES: dict[str, AccessRole] = {
    "officer": AccessRole.OFFICER,
    "secretary": AccessRole.SECRETARY,
    "observer": AccessRole.OBSERVER,
    "member": AccessRole.MEMBER,
    "reader": AccessRole.READER,
    "service": AccessRole.SERVICE,
}


@dataclass(frozen=True)
class Grant:
    role: str
    org: str
    province: bool = False  # held at the province itself: reaches the whole deployment
    until: date | None = None  # the first day it no longer holds (None: open-ended)

    def active(self, today: date) -> bool:
        return self.until is None or today < self.until

    def claim(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": self.role, "org": self.org}
        if self.province:
            out["province"] = True
        if self.until is not None:
            out["until"] = self.until.isoformat()
        return out


def account_grants(
    roles: Iterable[str], org: str | None, *, province: bool, client_kind: str | None = None
) -> list[Grant]:
    """The grants an account's access roles give at its own organisation."""
    if org is None:
        return []
    out: list[Grant] = []
    for role in dict.fromkeys(roles):
        if role == "admin":
            if province:
                out.append(Grant(AccessRole.PROVINCE_ADMIN, org, province=True))
        elif client_kind == "agency":
            out.append(Grant(AccessRole.AGENCY, org, province=province))
        elif role in _ACCOUNT_ROLES:
            out.append(Grant(_ACCOUNT_ROLES[role], org, province=province))
    return out


class GrantError(ValueError):
    pass


def parse_grants(raw: object) -> tuple[Grant, ...]:
    """The `grants` claim: a list of {"role", "org", "province"?, "until"?}."""
    if not isinstance(raw, list):
        raise GrantError("grants is not a list")
    out: list[Grant] = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise GrantError("a grant is not an object")
        role, org, until = item.get("role"), item.get("org"), item.get("until")
        if role not in set(AccessRole) or not isinstance(org, str) or not org:
            raise GrantError(f"unknown grant {item!r}")
        try:
            end = date.fromisoformat(until) if isinstance(until, str) else None
        except ValueError as exc:
            raise GrantError(f"bad until in {item!r}") from exc
        out.append(Grant(str(role), org, bool(item.get("province", False)), end))
    return tuple(out)
