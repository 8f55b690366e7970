"""Whose inbox is whose: what was sent to a role address is read by the people holding that
role (the branch's secretary and deputies, its observers, the committee, the member themself)
and by the offices above them (`inbox.oversee`), never by a neighbour in the same branch."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import col

from notifications.addresses import organisation_of
from notifications.inbox.models import Notification
from service_kit.auth import forbidden
from service_kit.grants import AccessRole
from service_kit.web.access import PROVINCE, Access, outside

S = TypeVar("S", bound=sa.Select[Any])

# The address roles a grant's holder reads, by the grant's role.
_HOLDS = {
    AccessRole.SECRETARY: ("branch-secretary",),
    AccessRole.DEPUTY_SECRETARY: ("branch-secretary",),
    AccessRole.OBSERVER: ("observers",),
    AccessRole.COMMITTEE: ("committee",),
}
OVERSEE = "inbox.oversee"


def held_addresses(access: Access) -> set[str]:
    """The role addresses the caller is, today."""
    found = {
        f"{role}:{g.org}"
        for g in access.principal.grants_on(access.today)
        for role in _HOLDS.get(AccessRole(g.role), ())
    }
    if access.principal.member_id:
        found.add(f"member:{access.principal.member_id}")
    return found


async def require_reader(access: Access, address: str) -> None:
    """403 unless the caller holds `address` or oversees its organisation."""
    if address in held_addresses(access):
        return
    if await access.within(organisation_of(address) or PROVINCE, OVERSEE):
        return
    raise outside(organisation_of(address) or PROVINCE, OVERSEE, access)


def require_holder(access: Access, address: str) -> None:
    """403 unless the caller holds `address`: only its own people mark an inbox read (an office
    above reads it, but what a secretary has seen stays theirs to say)."""
    if address not in held_addresses(access):
        raise forbidden("Chỉ người nhận mới đánh dấu thông báo này là đã đọc.")


def readable(access: Access, stmt: S) -> S:
    """Notifications addressed to the caller, or to roles of organisations they oversee."""
    own = sorted(held_addresses(access))
    overseen = access.restrict(
        sa.select(col(Notification.id)), col(Notification.organisation_id), permission=OVERSEE
    )
    return stmt.where(
        sa.or_(
            col(Notification.recipient).in_(own),
            col(Notification.id).in_(overseen.scalar_subquery()),
        )
    )
