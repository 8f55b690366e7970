"""Which people a role address names, from the registry's answers (pure).

- `branch-secretary:<branch>`: the branch's secretary; while the post is vacant, its deputy
  secretaries (they act for the secretary).
- `committee:<organisation>`: everyone holding a role in the organisation (its committee).
- `observers:<branch>`: the upper-level committee members assigned to follow the branch.
- `member:<id>`: that member.

Other addresses (agencies, the organisation commission) name no one in the registry: they are
reached through configured contact points only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

REGISTRY_ROLES = frozenset({"branch-secretary", "committee", "observers", "member"})


def in_registry(address: str) -> bool:
    role, _, value = address.partition(":")
    return role in REGISTRY_ROLES and bool(value)


def holders_path(address: str) -> str | None:
    """The registry list naming the holders of a role address (today's, by the registry's
    clock); None for a member address, which names its person itself."""
    role, _, value = address.partition(":")
    organisation = quote(value, safe="")
    if role in ("branch-secretary", "committee"):
        return f"/v1/organisations/{organisation}/roles"
    if role == "observers":
        return f"/v1/organisations/{organisation}/observers"
    return None


def member_path(member_id: str) -> str:
    return f"/v1/members/{quote(member_id, safe='')}"


def holders(address: str, items: Iterable[Mapping[str, Any]]) -> list[str]:
    """Member ids the address names, given the registry's list for it (roles or observers)."""
    role, _, value = address.partition(":")
    if role == "member":
        return [value]
    listed = list(items)
    if role == "branch-secretary":
        chosen = [i for i in listed if i["role"] == "secretary"] or [
            i for i in listed if i["role"] == "deputy_secretary"
        ]
    else:
        chosen = listed
    return list(dict.fromkeys(str(i["member_id"]) for i in chosen))
