"""Go-live rules as pure functions: which dates an organisation may take, and what it inherits.

An organisation's effective go-live date is its own, else its nearest ancestor's. A registry in
which no organisation has a date is live everywhere (as before go-live dates existed); once one
is set, an organisation with no date of its own nor above it is "not yet planned". The same
rules are what `org_tree.golive` applies in the other services.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from service_kit.web.problems import FieldError

Status = Literal["live", "planned", "not_planned"]


@dataclass(frozen=True)
class Effective:
    """`go_live_on` None with status live: no roll-out planned anywhere, live since always."""

    go_live_on: date | None
    source_id: str | None  # the organisation whose own date applies
    status: Status


def nearest(found: Iterable[tuple[int, str, date]]) -> tuple[date, str] | None:
    """Of (depth, organisation, own date) on the way up (0 = the organisation itself), the
    nearest one's date and organisation."""
    best = min(found, default=None)
    return (best[2], best[1]) if best is not None else None


def effective(found: Iterable[tuple[int, str, date]], *, planned: bool, on: date) -> Effective:
    if not planned:
        return Effective(None, None, "live")
    hit = nearest(found)
    if hit is None:
        return Effective(None, None, "not_planned")
    day, source = hit
    return Effective(day, source, "live" if day <= on else "planned")


def go_live_errors(
    go_live_on: date | None,
    valid_from: date,
    valid_to: date | None,
    name: str,
    pointer: str = "/go_live_on",
) -> list[FieldError]:
    """A go-live date falls while the organisation exists (null, removing it, always may)."""
    if go_live_on is None:
        return []
    if go_live_on < valid_from:
        detail = f"{name}: trước ngày thành lập ({valid_from:%d/%m/%Y})."
        return [FieldError(pointer, detail, "before-start")]
    if valid_to is not None and go_live_on >= valid_to:
        detail = f"{name}: tổ chức đã kết thúc từ {valid_to:%d/%m/%Y}."
        return [FieldError(pointer, detail, "after-end")]
    return []
