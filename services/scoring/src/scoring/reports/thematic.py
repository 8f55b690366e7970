"""The thematic-meeting report in the shape Thạch Hà's statement has: "100% chi bộ tổ chức sinh
hoạt chuyên đề «Tự soi, tự sửa»" — per organisation under the one asked (commune, district) and
for it as a whole, the share of branches that held a thematic (or combined) meeting on the theme
in the period. The theme is the one the record names (`theme`), matched without regard to case,
marks, quotes or spacing; with no theme asked, any thematic meeting counts."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from org_tree.models import OrgLink, OrgNode
from scoring.meeting_scores.models import MeetingScore
from scoring.reports.schemas import ThematicLineOut, ThematicReportOut
from scoring.reports.vietnamese import percent, period_label
from scoring.rollups.periods import Period
from scoring.subtree import branches_in

THEMATIC_TYPES = ("thematic", "combined")


def theme_key(theme: str) -> str:
    """ "«Tự soi, tự sửa»", "tự soi tự sửa", "TU SOI, TU SUA" are one theme."""
    bare = "".join(
        c
        for c in unicodedata.normalize("NFD", unicodedata.normalize("NFC", theme).casefold())
        if not unicodedata.combining(c)
    ).replace("đ", "d")
    return " ".join(re.findall(r"[a-z0-9]+", bare))


def statement(share: float | None, theme: str | None, branches: int, period: str) -> str:
    what = f"sinh hoạt chuyên đề «{theme}»" if theme else "sinh hoạt chuyên đề"
    if not branches or share is None:
        return f"Không có chi bộ nào trong phạm vi ({period})."
    return f"{percent(share)} chi bộ tổ chức {what} ({period})."


async def _children(session: AsyncSession, org_id: str, period: Period) -> list[OrgNode]:
    last_day = period.ends_before - timedelta(days=1)
    link = OrgLink.__table__.c
    valid = sa.and_(
        link.valid_from <= last_day, sa.or_(link.valid_to.is_(None), link.valid_to > last_day)
    )
    ids = (
        await session.execute(sa.select(link.child_id).where(link.parent_id == org_id, valid))
    ).scalars()
    nodes = [await session.get(OrgNode, i) for i in ids]
    return sorted((n for n in nodes if n is not None), key=lambda n: n.name)


async def thematic_report(
    session: AsyncSession, organisation_id: str, period: Period, theme: str | None
) -> ThematicReportOut:
    branches = await branches_in(session, organisation_id, period)
    wanted = theme_key(theme) if theme else None
    rows = await session.execute(
        sa.select(MeetingScore.branch_id, MeetingScore.facts).where(
            col(MeetingScore.branch_id).in_([b.id for b in branches]),
            col(MeetingScore.meeting_type).in_(THEMATIC_TYPES),
            col(MeetingScore.held_on) >= period.starts_on,
            col(MeetingScore.held_on) < period.ends_before,
        )
    )
    held: set[str] = set()
    themes: Counter[str] = Counter()
    for branch_id, facts in rows.all():
        named = (facts or {}).get("theme")
        if named:
            themes[str(named).strip()] += 1
        if wanted is None or (named and theme_key(str(named)) == wanted):
            held.add(branch_id)
    label = period_label(period)
    shown = theme.strip() if theme else None

    def line(org_id: str, name: str, ids: set[str]) -> ThematicLineOut:
        share = len(ids & held) / len(ids) if ids else None
        return ThematicLineOut(
            organisation_id=org_id,
            organisation_name=name,
            branches=len(ids),
            branches_held=len(ids & held),
            share=round(share, 4) if share is not None else None,
            statement=statement(share, shown, len(ids), label),
        )

    everyone = {b.id for b in branches}
    lines = []
    for child in await _children(session, organisation_id, period):
        under = {b.id for b in await branches_in(session, child.id, period)} & everyone
        if under:
            lines.append(line(child.id, child.name, under))
    root = await session.get(OrgNode, organisation_id)
    total = line(organisation_id, root.name if root else organisation_id, everyone)
    return ThematicReportOut(
        organisation_id=organisation_id,
        period=period.label,
        period_label=label,
        theme=shown,
        branches=total.branches,
        branches_held=total.branches_held,
        share=total.share,
        statement=total.statement,
        by_organisation=lines,
        themes_recorded=[{"theme": t, "meetings": n} for t, n in themes.most_common(50)],
        branches_not_held=sorted((b.name for b in branches if b.id not in held), key=str.casefold)[
            :500
        ],
    )
