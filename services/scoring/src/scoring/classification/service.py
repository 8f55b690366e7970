"""Annual classification: gather a year's facts, propose (quota per group), record decisions.

A proposal run replaces undecided proposals and announces those that changed; a decided
classification is never touched by a later run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.events.scoring import ClassificationDecided, ClassificationProposed
from scoring import golive
from scoring.classification import rules
from scoring.classification.models import Classification
from scoring.classification.rules import BranchYear, MemberYear, Proposal
from scoring.compliance.models import MeetingAttendance, ObserverReportFact
from scoring.compliance.rules import THEMATIC_TYPES
from scoring.meeting_scores.models import MeetingScore
from scoring.policy import Policy
from scoring.visible import Visible, everything
from service_kit.errors import Conflict, NotFound
from service_kit.uow import UnitOfWork

S, A = MeetingScore.__table__.c, MeetingAttendance.__table__.c
R = ObserverReportFact.__table__.c
DEFAULT_GROUP = "all"


@dataclass(frozen=True)
class Scope:
    year: int
    branch_ids: frozenset[str] | None  # None: every branch with a scored meeting that year
    groups: Mapping[str, str]  # branch → group of comparable units; missing → "all"
    exclusions: Mapping[str, str]  # subject id → reason (suspended, exempt, …) given by people

    def in_scope(self, branch_id: str) -> bool:
        return self.branch_ids is None or branch_id in self.branch_ids

    def group_of(self, branch_id: str | None) -> str:
        return self.groups.get(branch_id or "", DEFAULT_GROUP)


def classification_id(year: int, subject_type: str, subject_id: str) -> str:
    return f"{year}:{subject_type}:{subject_id}"


def _year(column: Any, year: int) -> Any:
    return sa.and_(column >= date(year, 1, 1), column < date(year + 1, 1, 1))


async def _branch_years(
    session: AsyncSession, scope: Scope, live: golive.GoLive
) -> list[BranchYear]:
    rows = (
        await session.execute(
            sa.select(
                S.branch_id,
                S.held_on,
                S.meeting_type,
                S.total_points,
                S.max_points,
                S.grade,
                S.facts,
            ).where(_year(S.held_on, scope.year))
        )
    ).all()
    first: dict[str, date] = dict(
        (
            await session.execute(
                sa.select(S.branch_id, sa.func.min(S.held_on)).group_by(S.branch_id)
            )
        ).all()
    )
    acc: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"n": 0, "pts": 0.0, "tot": 0, "months": set(), "q": set(), "it": 0, "ok": 0}
    )
    for branch_id, held_on, meeting_type, total, max_points, grade, facts in rows:
        if not scope.in_scope(branch_id):
            continue
        a = acc[branch_id]
        a["n"] += 1
        a["pts"] += 100 * total / max_points if max_points else 0
        a["tot"] += grade == "tot"
        a["months"].add(held_on.month)
        if meeting_type in THEMATIC_TYPES:
            a["q"].add((held_on.month - 1) // 3)
        a["it"] += int(facts.get("previous_action_items_total") or 0)
        a["ok"] += int(facts.get("previous_action_items_done_on_time") or 0)
    ids = set(acc) | set(scope.branch_ids or ())
    out = []
    for branch_id in sorted(ids):
        months = golive.year_months(live, branch_id, scope.year)  # only live months are owed
        quarters = golive.quarters_of(months)
        a = acc.get(branch_id) or {
            "n": 0,
            "pts": 0.0,
            "tot": 0,
            "months": (),
            "q": (),
            "it": 0,
            "ok": 0,
        }
        out.append(
            BranchYear(
                branch_id,
                a["n"],
                a["pts"],
                a["tot"],
                len(set(a["months"]) & months),
                len(set(a["q"]) & quarters),
                a["it"],
                min(a["ok"], a["it"]),
                first.get(branch_id),
                len(months),
                len(quarters),
            )
        )
    return out


async def _member_years(
    session: AsyncSession, scope: Scope, live: golive.GoLive
) -> list[MemberYear]:
    rows = (
        await session.execute(
            sa.select(A.member_id, A.branch_id, A.held_on, A.attendance, A.counted, A.spoke)
            .where(_year(A.held_on, scope.year))
            .order_by(A.member_id, A.held_on, A.meeting_id)
        )
    ).all()
    first: dict[str, date] = dict(
        (
            await session.execute(
                sa.select(A.member_id, sa.func.min(A.held_on)).group_by(A.member_id)
            )
        ).all()
    )
    reports = (
        await session.execute(
            sa.select(
                R.observer_member_id, R.branch_id, R.status, R.filed_on_time, R.attended
            ).where(_year(R.held_on, scope.year))
        )
    ).all()
    acc: dict[str, dict[str, Any]] = {}
    for member_id, branch_id, held_on, attendance, counted, spoke in rows:
        a: dict[str, Any] = acc.setdefault(
            member_id, {"c": 0, "p": 0, "e": 0, "u": set(), "s": 0, "b": branch_id, "last": ""}
        )
        a["b"], a["last"] = branch_id, attendance  # rows are in date order: the latest wins
        if not counted:
            continue
        a["c"] += 1
        a["p"] += attendance == "present"
        a["e"] += attendance == "excused"
        a["s"] += bool(spoke) and attendance == "present"
        if attendance == "unexcused" and live.month_live(branch_id, held_on.year, held_on.month):
            a["u"].add(held_on.month)
    observed: dict[str, dict[str, Any]] = {}
    for observer_id, branch_id, status, on_time, attended in reports:
        if not scope.in_scope(branch_id):
            continue
        o = observed.setdefault(observer_id, {"owed": 0, "ok": 0, "branches": set()})
        o["owed"] += 1
        o["ok"] += status == "filed" and bool(on_time) and bool(attended)
        o["branches"].add(branch_id)
    out = []
    for member_id in sorted(set(acc) | set(observed)):
        o = observed.get(member_id, {"owed": 0, "ok": 0, "branches": set()})
        a = acc.get(member_id) or {
            "c": 0,
            "p": 0,
            "e": 0,
            "u": set(),
            "s": 0,
            "b": sorted(o["branches"])[0] if o["branches"] else "",
            "last": "observer",
        }
        if not scope.in_scope(a["b"]):
            continue  # a member is classified with their own branch, never by a foreign run
        out.append(
            MemberYear(
                member_id,
                a["b"],
                a["c"],
                a["p"],
                a["e"],
                len(a["u"]),
                a["s"],
                a["last"],
                first.get(member_id),
                o["owed"],
                o["ok"],
                tuple(sorted(o["branches"])),
            )
        )
    return out


def propose(
    branches: list[BranchYear], members: list[MemberYear], scope: Scope, policy: Policy
) -> list[Proposal]:
    """Pure: the year's facts → every proposal, the quota applied per group."""
    r = policy.classification
    branch_props = [
        rules.branch_proposal(b, scope.year, scope.group_of(b.branch_id), r) for b in branches
    ]
    branch_props = rules.apply_quota(_excluded(branch_props, scope), r.quota_share)
    points = {p.subject_id: p.points for p in branch_props if p.points is not None}
    member_props = [
        rules.member_proposal(m, scope.year, scope.group_of(m.branch_id), points, r)
        for m in members
    ]
    member_props = rules.apply_quota(_excluded(member_props, scope), r.quota_share)
    return branch_props + member_props


def _excluded(proposals: list[Proposal], scope: Scope) -> list[Proposal]:
    out = []
    for p in proposals:
        reason = scope.exclusions.get(p.subject_id)
        if reason is not None and p.level is not None:
            p = Proposal(
                p.subject_type,
                p.subject_id,
                p.branch_id,
                p.group,
                None,
                None,
                f"Không xếp loại: {reason}.",
                excluded_reason=reason,
            )
        out.append(p)
    return out


async def run_proposals(
    uow: UnitOfWork, policy: Policy, scope: Scope, now: datetime
) -> dict[str, dict[str, int]]:
    """Propose for the scope, store, announce the changed ones; returns the distributions."""
    session = uow.session
    live = await golive.load(session, date(scope.year, 12, 31))
    branches = await _branch_years(session, scope, live)
    members = await _member_years(session, scope, live)
    left_out = golive.not_live_exclusions(
        live, scope.year, branches, members, policy.classification.months_required
    )
    scope = replace(scope, exclusions={**left_out, **scope.exclusions})
    proposals = propose(branches, members, scope, policy)
    ids = [classification_id(scope.year, p.subject_type, p.subject_id) for p in proposals]
    stored: dict[str, Classification] = {}
    for chunk in range(0, len(ids), 500):
        found = await session.execute(
            sa.select(Classification).where(
                Classification.classification_id.in_(ids[chunk : chunk + 500])
            )
        )
        stored.update({c.classification_id: c for c in found.scalars()})
    for cid, p in zip(ids, proposals, strict=True):
        row = stored.get(cid)
        if row is not None and row.decided_at is not None:
            continue
        changed = row is None or (row.proposed_level, row.points) != (p.level, p.points)
        if row is None:
            row = Classification(
                classification_id=cid,
                year=scope.year,
                subject_type=p.subject_type,
                subject_id=p.subject_id,
                group=p.group,
                reason=p.reason,
                version=0,
            )
        row.branch_id, row.group, row.points = p.branch_id, p.group, p.points
        row.proposed_level, row.capped_by_quota = p.level, p.capped_by_quota
        row.excluded_reason, row.reason = p.excluded_reason, p.reason
        row.basis = {
            **p.basis,
            "on_time_share": p.on_time_share,
            "exceeding_share": p.exceeding_share,
            "policy": f"{policy.id} {policy.version}",
        }
        row.proposed_at = now
        if changed:
            row.version += 1
        session.add(row)
        if changed and p.level is not None and p.points is not None:
            uow.emit(
                ClassificationProposed.produce(
                    aggregate_version=row.version,
                    classification_id=cid,
                    year=scope.year,
                    subject_type=p.subject_type,
                    subject_id=p.subject_id,
                    group=p.group,
                    points=min(max(p.points, 0), 100),
                    level=p.level,
                    capped_by_quota=p.capped_by_quota,
                    reason=p.reason,
                ),
                subject=f"classifications/{cid}",
            )
    return {
        kind: rules.distribution([p for p in proposals if p.subject_type == kind])
        for kind in ("branch", "member")
    }


async def decide(
    uow: UnitOfWork, cid: str, level: str, reason: str, now: datetime
) -> Classification:
    """The superior committee's decision, once; it may differ from the proposal."""
    row = await uow.session.get(Classification, cid, with_for_update=True)
    if row is None:
        raise NotFound("classification-not-found", f"Chưa có đề xuất xếp loại {cid}.")
    if row.decided_at is not None:
        raise Conflict(
            "classification-already-decided",
            f"Xếp loại {cid} đã được quyết định lúc {row.decided_at.isoformat()}.",
        )
    row.decided_level, row.decision_reason, row.decided_at = level, reason, now
    row.version += 1
    uow.session.add(row)
    uow.emit(
        ClassificationDecided.produce(
            aggregate_version=row.version,
            classification_id=cid,
            year=row.year,
            subject_type=row.subject_type,
            subject_id=row.subject_id,
            proposed_level=row.proposed_level,
            level=level,
            reason=reason,
        ),
        subject=f"classifications/{cid}",
    )
    return row


async def list_classifications(
    session: AsyncSession,
    year: int,
    *,
    visible: Visible = everything,
    subject_type: str | None,
    level: str | None,
    branch_ids: Collection[str] | None,
    limit: int,
    offset: int,
) -> list[Classification]:
    stmt = (
        visible(sa.select(Classification))
        .where(Classification.year == year)
        .order_by(
            Classification.subject_type,
            Classification.points.desc().nulls_last(),
            Classification.subject_id,
        )
    )
    if subject_type:
        stmt = stmt.where(Classification.subject_type == subject_type)
    if level:
        stmt = stmt.where(
            sa.func.coalesce(Classification.decided_level, Classification.proposed_level) == level
        )
    if branch_ids:
        stmt = stmt.where(Classification.branch_id.in_(list(branch_ids)))
    return list((await session.execute(stmt.limit(limit).offset(offset))).scalars())
