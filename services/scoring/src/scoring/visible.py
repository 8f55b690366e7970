"""How a handler narrows a service's query to the rows its caller may see (subtree scope)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from service_kit.web.access import Access

Visible = Callable[[sa.Select[Any]], sa.Select[Any]]


def everything(stmt: sa.Select[Any]) -> sa.Select[Any]:
    return stmt


def visible_to(access: Access, branch_column: Any) -> Visible:
    """Keep the rows whose `branch_column` lies in the caller's subtree."""
    return lambda stmt: access.restrict(stmt, branch_column)
