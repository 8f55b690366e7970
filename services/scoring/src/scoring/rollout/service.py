"""The roll-out view: every organisation of the subtree on a day, by level, live / planned / not
yet planned (`org_tree.golive`), and how many branches are live and logging — logging meaning a
meeting record (scored here) held since the first day of last month."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.vocabulary import BRANCH_KINDS, OrganisationKind
from org_tree.golive import status_on
from org_tree.models import OrgNode
from org_tree.replica import nodes_under
from scoring import golive
from scoring.meeting_scores.models import MeetingScore
from scoring.rollout.schemas import LevelOut, PlannedDateOut, RollOutOut
from service_kit.errors import NotFound

LEVELS = {
    "province": "Tỉnh ủy, thành ủy",
    "legacy_district": "Huyện ủy (trước 7/2025)",
    "commune": "Đảng bộ xã, phường, đặc khu",
    "sectoral": "Đảng bộ trực thuộc",
    "grassroots_organisation": "Đảng bộ cơ sở",
    "sub_organisation": "Đảng bộ bộ phận",
    "grassroots_branch": "Chi bộ cơ sở",
    "affiliated_branch": "Chi bộ trực thuộc",
    "party_group": "Tổ đảng",
}
S = MeetingScore.__table__.c


def logging_since(on: date) -> date:
    """The first day of the month before `on`'s."""
    return (on.replace(day=1) - timedelta(days=1)).replace(day=1)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def roll_out(session: AsyncSession, organisation_id: str, on: date) -> RollOutOut:
    known = await session.get(OrgNode, organisation_id)
    if known is None or known.kind == "unknown":
        raise NotFound(
            "organisation-not-found", f"Chưa có tổ chức {organisation_id} trong cây tổ chức."
        )
    nodes = [
        n
        for n in await nodes_under(session, organisation_id, on, kinds=list(OrganisationKind))
        if n.valid_from <= on and (n.valid_to is None or n.valid_to > on)
    ]
    live = await golive.load(session, on)
    effective = {n.id: live.of(n.id) for n in nodes}
    status = {n.id: status_on(effective[n.id], on) for n in nodes}
    branch_ids = [n.id for n in nodes if n.kind in BRANCH_KINDS]
    logging: set[str] = set()
    for start in range(0, len(branch_ids), 1000):
        rows = await session.execute(
            sa.select(S.branch_id)
            .where(
                S.branch_id.in_(branch_ids[start : start + 1000]),
                S.held_on >= logging_since(on),
                S.held_on <= on,
            )
            .distinct()
        )
        logging |= set(rows.scalars())
    levels = []
    for kind, label in LEVELS.items():
        here = [n.id for n in nodes if n.kind == kind]
        if here:
            counts = Counter(status[i] for i in here)
            levels.append(
                LevelOut(
                    kind=kind,
                    label=label,
                    organisations=len(here),
                    live=counts["live"],
                    planned=counts["planned"],
                    not_planned=counts["not_planned"],
                )
            )
    upcoming: dict[date, list[str]] = {}
    for n in nodes:
        day = effective[n.id]
        if status[n.id] == "planned" and day is not None:
            upcoming.setdefault(day, []).append(n.id)
    live_branches = [b for b in branch_ids if status[b] == "live"]
    return RollOutOut(
        organisation_id=organisation_id,
        on=on,
        planned_anywhere=live.planned,
        levels=levels,
        branches=len(branch_ids),
        branches_live=len(live_branches),
        branches_logging=len(logging),
        live_share=_share(len(live_branches), len(branch_ids)),
        logging_share=_share(len(logging), len(branch_ids)),
        logging_share_of_live=_share(len(logging & set(live_branches)), len(live_branches)),
        upcoming=[
            PlannedDateOut(
                go_live_on=day,
                organisations=len(ids),
                branches=sum(i in set(branch_ids) for i in ids),
            )
            for day, ids in sorted(upcoming.items())
        ],
    )
