"""Go-live dates as every service sees them: the effective date of an organisation on a day, and
which months and periods of it the rules may judge.

- An organisation's go-live date is its own, else its nearest ancestor's on the day asked.
- A deployment where no organisation has a date at all is live everywhere, since always
  (`ALWAYS`): go-live dates are a roll-out tool, and a system that never planned one behaves
  exactly as before they existed. Once any date is set, an organisation with no date of its own
  nor above it is *not yet planned* (None): nothing of it is judged.
- Months are the unit every rule judges (one regular meeting a month, one thematic a quarter,
  twelve months a year), so a month is *live* when the organisation is live from its first day;
  a go-live date after the 1st makes the next month the first live one. A period is judged on its
  live months only; a period without any is "not yet in use".
- Records dated before go-live (back-filled minutes) always count as what they are — a meeting
  held, a thematic meeting held — it is only what is *missing* that the rules look for in live
  months only.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from org_tree.models import OrgGoLive, OrgLink
from org_tree.replica import MAX_DEPTH, chain_on

ALWAYS = date.min  # the effective go-live of everything in a deployment that planned none

Status = Literal["live", "planned", "not_planned"]
PeriodUse = Literal["in_use", "partly_in_use", "not_in_use"]


def first_live_month(go_live: date | None) -> date | None:
    """The first day of the first month the organisation is live from its first day."""
    if go_live is None:
        return None
    if go_live == ALWAYS or go_live.day == 1:
        return go_live
    return date(go_live.year + go_live.month // 12, go_live.month % 12 + 1, 1)


def month_live(go_live: date | None, year: int, month: int) -> bool:
    first = first_live_month(go_live)
    return first is not None and first <= date(year, month, 1)


def live_months(go_live: date | None, months: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(y, m) for y, m in months if month_live(go_live, y, m)]


def period_use(go_live: date | None, months: Iterable[tuple[int, int]]) -> PeriodUse:
    months = list(months)
    live = len(live_months(go_live, months))
    if live == 0:
        return "not_in_use"
    return "in_use" if live == len(months) else "partly_in_use"


def status_on(go_live: date | None, on: date) -> Status:
    if go_live is None:
        return "not_planned"
    return "live" if go_live <= on else "planned"


def label_months(label: str) -> list[tuple[int, int]]:
    """The months of a period label as the rules write it: `2026-07`, `2026-Q3`, `2026-H2` or
    `2026` (anything else: no month, so never judged as not in use)."""
    year_text, _, rest = label.partition("-")
    if not year_text.isdigit() or len(year_text) != 4:
        return []
    year = int(year_text)
    if not rest:
        return [(year, m) for m in range(1, 13)]
    if rest.isdigit() and 1 <= int(rest) <= 12:
        return [(year, int(rest))]
    size = {"Q": 3, "H": 6}.get(rest[:1])
    if size and rest[1:].isdigit() and 1 <= int(rest[1:]) <= 12 // size:
        first = (int(rest[1:]) - 1) * size + 1
        return [(year, m) for m in range(first, first + size)]
    return []


def effective(
    org_id: str, own: Mapping[str, date], parent: Mapping[str, str], *, planned: bool
) -> tuple[date | None, str | None]:
    """(effective date, the organisation whose own date it is) walking up `parent`; pure."""
    if not planned:
        return ALWAYS, None
    current: str | None = org_id
    for _ in range(MAX_DEPTH + 1):
        if current is None:
            break
        if current in own:
            return own[current], current
        current = parent.get(current)
    return None, None


@dataclass(frozen=True)
class GoLive:
    """Every organisation's effective go-live date for the tree of one day, loaded in two queries
    (none at all when nobody has a date): what a sweep or a report over many branches needs."""

    on: date
    own: Mapping[str, date] = field(default_factory=dict)
    parent: Mapping[str, str] = field(default_factory=dict)

    @property
    def planned(self) -> bool:
        return bool(self.own)

    def of(self, org_id: str) -> date | None:
        return effective(org_id, self.own, self.parent, planned=self.planned)[0]

    def source_of(self, org_id: str) -> str | None:
        """The organisation whose own date applies (itself or an ancestor), if any."""
        return effective(org_id, self.own, self.parent, planned=self.planned)[1]

    def month_live(self, org_id: str, year: int, month: int) -> bool:
        return not self.planned or month_live(self.of(org_id), year, month)

    def live_months(self, org_id: str, months: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        return live_months(self.of(org_id), months) if self.planned else list(months)

    def period_use(self, org_id: str, months: Iterable[tuple[int, int]]) -> PeriodUse:
        return period_use(self.of(org_id), months) if self.planned else "in_use"

    def judged(self, org_id: str, label: str) -> bool:
        """Whether a period written as a label (`2026-Q1`, `2026-07`, `2026`) has a live month."""
        months = label_months(label)
        return not months or self.period_use(org_id, months) != "not_in_use"


async def _own(session: AsyncSession) -> dict[str, date]:
    rows = await session.execute(
        sa.select(col(OrgGoLive.organisation_id), col(OrgGoLive.go_live_on)).where(
            col(OrgGoLive.go_live_on).is_not(None)
        )
    )
    return {org_id: day for org_id, day in rows.all()}


async def load(session: AsyncSession, on: date) -> GoLive:
    """The go-live dates of the whole replica for the tree as it stands on `on` (a node that
    has ceased keeps the parent of its last day, as `replica.chain_on` walks it). For sweeps and
    reports over many organisations; one handler about one branch wants `load_around`."""
    own = await _own(session)
    if not own:
        return GoLive(on)
    links = await session.execute(
        sa.select(col(OrgLink.child_id), col(OrgLink.parent_id))
        .where(col(OrgLink.valid_from) <= on)
        .order_by(col(OrgLink.valid_from))
    )
    return GoLive(on, own, {child: parent for child, parent in links.all()})  # latest start wins


async def load_around(session: AsyncSession, org_ids: Iterable[str], on: date) -> GoLive:
    """What `load` answers for `org_ids`, reading only their chains up the tree."""
    own = await _own(session)
    if not own:
        return GoLive(on)
    parent: dict[str, str] = {}
    for org_id in org_ids:
        chain = [node.organisation_id for node in await chain_on(session, org_id, on)]
        parent.update(itertools.pairwise(chain))
    return GoLive(on, own, parent)


async def go_live_of(session: AsyncSession, org_id: str, on: date) -> date | None:
    """The effective go-live date of `org_id` on `on`: its own, else its nearest ancestor's on
    that day; `ALWAYS` when no organisation has a date; None when it is not yet planned."""
    return (await load_around(session, [org_id], on)).of(org_id)
