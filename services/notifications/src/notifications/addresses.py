"""Role addresses (`branch-secretary:<organisation id>`, `committee:<id>`, `agency:<name>`, …)
and the organisation each belongs to, which decides who may see what was sent to it.

The organisation is the part after the role. Agency and member addresses name no organisation:
what is sent to them is province-level (None), as is an address without a value.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine.default import DefaultExecutionContext

PROVINCE_LEVEL_ROLES = frozenset({"agency", "member"})


def organisation_of(address: str) -> str | None:
    role, _, value = address.partition(":")
    if role in PROVINCE_LEVEL_ROLES or not value:
        return None
    return value


def organisation_from(column: str) -> Callable[[DefaultExecutionContext], str | None]:
    """A column default filling `organisation_id` from the row's address column on insert, so
    no writer can forget it."""

    def default(context: DefaultExecutionContext) -> str | None:
        address = context.get_current_parameters().get(column)
        return organisation_of(address) if address else None

    return default
