"""Half-open validity periods `[valid_from, valid_to)`, the one date rule of the whole registry."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa


def in_force(valid_from: date, valid_to: date | None, on: date) -> bool:
    return valid_from <= on and (valid_to is None or on < valid_to)


def overlaps(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return (b_to is None or a_from < b_to) and (a_to is None or b_from < a_to)


def in_force_sql(valid_from: Any, valid_to: Any, on: date) -> sa.ColumnElement[bool]:
    """The same rule as `in_force`, as a SQL condition over two columns."""
    return sa.and_(valid_from <= on, sa.or_(valid_to.is_(None), valid_to > on))
