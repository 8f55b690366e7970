"""Which pages a person gets: the one place that reads a token's claims to decide.

A *desk* is a set of pages for one organisation: the branch secretary's desk of a branch, the
observer's, the addressee's (requests owed by an organisation), the committee's dashboard, the
administrator's. Navigation, page guards and inbox addresses all come from `person_from_claims`.

Today's tokens carry `roles` (access roles), `org` and `scope_kind`. Tokens of the roles issue
(#11) add `member_id` and `grants` (`[{"role": …, "org": …}]`, resolved as of today); when a token
has `grants` they alone decide, else the access roles do. The APIs remain the authority: a desk
only decides what the portal offers, every call is checked again by the service it reaches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

DeskKind = Literal["secretary", "observer", "addressee", "committee", "admin"]
BRANCH_KINDS = frozenset({"grassroots_branch", "affiliated_branch"})
DESK_TITLES: dict[str, str] = {
    "secretary": "Chi bộ",
    "observer": "Dự sinh hoạt",
    "addressee": "Kiến nghị cần trả lời",
    "committee": "Theo dõi, đánh giá",
    "admin": "Quản trị",
}
DESK_HOMES: dict[str, str] = {
    "secretary": "/chi-bo",
    "observer": "/du-hop",
    "addressee": "/tra-loi",
    "committee": "/theo-doi",
    "admin": "/quan-tri",
}
# grants (roles issue #11) → desks; a grant of `committee` makes its organisation's officers
# the addressee of the requests sent to it as well.
GRANT_DESKS: dict[str, tuple[DeskKind, ...]] = {
    "province_admin": ("admin", "committee", "addressee"),
    "committee": ("committee", "addressee"),
    "officer": ("committee", "addressee"),  # the committee's office works its desks
    "secretary": ("secretary",),
    "deputy_secretary": ("secretary",),
    "observer": ("observer",),
    "reader": ("committee",),
    "branch_committee": (),
    "member": (),
}


@dataclass(frozen=True)
class Desk:
    kind: DeskKind
    organisation_id: str
    can_act: bool = True  # a reader sees the committee's pages but changes nothing

    @property
    def title(self) -> str:
        return DESK_TITLES[self.kind]

    @property
    def home(self) -> str:
        return DESK_HOMES[self.kind]


@dataclass(frozen=True)
class Person:
    subject: str
    username: str
    organisation_id: str | None
    scope_kind: str | None
    roles: frozenset[str]
    member_id: str | None
    desks: tuple[Desk, ...] = field(default_factory=tuple)

    def desk(self, kind: DeskKind) -> Desk | None:
        return next((d for d in self.desks if d.kind == kind), None)

    def desks_of(self, kind: DeskKind) -> list[Desk]:
        return [d for d in self.desks if d.kind == kind]

    @property
    def inbox_addresses(self) -> list[str]:
        """The role addresses whose in-app notifications are this person's."""
        out: list[str] = []
        for desk in self.desks:
            if desk.kind == "secretary":
                out.append(f"branch-secretary:{desk.organisation_id}")
            elif desk.kind in ("committee", "addressee", "admin"):
                out.append(f"committee:{desk.organisation_id}")
        if self.member_id and self.desk("observer"):
            out.append(f"member:{self.member_id}")
        return list(dict.fromkeys(out))


def _from_grants(grants: Iterable[Mapping[str, Any]]) -> list[Desk]:
    desks: list[Desk] = []
    for grant in grants:
        role, org = str(grant.get("role", "")), grant.get("org")
        if not org:
            continue
        for kind in GRANT_DESKS.get(role, ()):
            desks.append(Desk(kind, str(org), can_act=role != "reader"))
    return desks


def _from_roles(roles: frozenset[str], org: str | None, scope_kind: str | None) -> list[Desk]:
    """Today's fallback: one organisation per token, its kind and the access roles."""
    if not org:
        return []
    at_branch = scope_kind in BRANCH_KINDS
    desks: list[Desk] = []
    if "admin" in roles and scope_kind == "province":
        desks += [Desk("admin", org), Desk("committee", org), Desk("addressee", org)]
    if "secretary" in roles and at_branch:
        desks.append(Desk("secretary", org))
    if "officer" in roles:
        desks += (
            [Desk("secretary", org)]
            if at_branch
            else [Desk("committee", org), Desk("addressee", org)]
        )
    if "observer" in roles:
        desks.append(Desk("observer", org))
    if "reader" in roles and not at_branch:
        desks.append(Desk("committee", org, can_act=False))
    return desks


def person_from_claims(claims: Mapping[str, Any], username: str) -> Person:
    roles = frozenset(str(r) for r in claims.get("roles") or ())
    org = claims.get("org")
    scope_kind = claims.get("scope_kind")
    grants = claims.get("grants")
    desks = (
        _from_grants(grants)
        if isinstance(grants, list)
        else _from_roles(roles, str(org) if org else None, scope_kind)
    )
    unique: dict[tuple[str, str], Desk] = {}
    for desk in desks:  # one desk per kind and organisation; acting wins over reading
        key = (desk.kind, desk.organisation_id)
        if key not in unique or desk.can_act:
            unique[key] = desk
    member = claims.get("member_id")
    return Person(
        subject=str(claims.get("sub", "")),
        username=username,
        organisation_id=str(org) if org else None,
        scope_kind=str(scope_kind) if scope_kind else None,
        roles=roles,
        member_id=str(member) if member else None,
        desks=tuple(unique.values()),
    )
