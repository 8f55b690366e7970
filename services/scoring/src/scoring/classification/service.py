"""Annual classification: gather a year's facts, propose under the year's rule set (the quota
counted as that rule counts it), record decisions.

A proposal run replaces undecided proposals and announces those that changed; a decided
classification is never touched by a later run. Grassroots Party organisations (đảng bộ cơ sở)
are proposed from their branches when the run covers all of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.events.scoring import ClassificationDecided, ClassificationProposed
from event_contracts.vocabulary import OrganisationKind, is_branch
from scoring import golive
from scoring.classification import rules
from scoring.classification.models import Classification
from scoring.classification.rules import (
    GRASSROOTS,
    SUB_BRANCH,
    BranchYear,
    MemberInputs,
    MemberYear,
    Proposal,
)
from scoring.compliance.models import MeetingAttendance, ObserverReportFact
from scoring.compliance.rules import THEMATIC_TYPES
from scoring.meeting_scores.models import MeetingScore, UnscoredMeeting
from scoring.policy import ClassificationRules
from scoring.rollups.periods import parse_period
from scoring.subtree import TreeOnDay, branches_in
from scoring.visible import Visible, everything
from service_kit.errors import Conflict, NotFound
from service_kit.uow import UnitOfWork

S, A = MeetingScore.__table__.c, MeetingAttendance.__table__.c
R, U = ObserverReportFact.__table__.c, UnscoredMeeting.__table__.c
DEFAULT_GROUP = "all"


@dataclass(frozen=True)
class Scope:
    year: int
    branch_ids: frozenset[str] | None  # None: every branch with a scored meeting that year
    groups: Mapping[str, str]  # branch → group of comparable units; missing → "all"
    exclusions: Mapping[str, str]  # subject id → reason (suspended, exempt, …) given by people
    member_inputs: Mapping[str, MemberInputs] = field(default_factory=dict)
    tree: TreeOnDay | None = None  # the tree on the year's last day (None: nothing known)

    def in_scope(self, branch_id: str) -> bool:
        return self.branch_ids is None or branch_id in self.branch_ids

    def group_of(self, branch_id: str | None) -> str:
        return self.groups.get(branch_id or "", DEFAULT_GROUP)

    def tier_of(self, branch_id: str) -> str:
        kind = self.tree.kind.get(branch_id) if self.tree else None
        return GRASSROOTS if kind == OrganisationKind.GRASSROOTS_BRANCH else SUB_BRANCH

    def grassroots_of(self, branch_id: str) -> str | None:
        return self.tree.grassroots_of(branch_id) if self.tree else None

    def grassroots_to_classify(self, branches: Collection[str]) -> dict[str, list[str]]:
        """Each đảng bộ cơ sở above these branches → its branches on the year's last day, when
        the run covers all of them (a run over some of its branches does not judge it)."""
        if self.tree is None:
            return {}
        tree = self.tree
        out: dict[str, list[str]] = {}
        above = {self.grassroots_of(b) for b in branches}
        for org in sorted(o for o in above if o is not None):
            if tree.kind.get(org) != OrganisationKind.GRASSROOTS_ORGANISATION:
                continue
            under = [n for n in tree.under(org) if is_branch(tree.kind.get(n, ""))]
            if self.branch_ids is None or all(b in self.branch_ids for b in under):
                out[org] = under
        return out


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
    # Meetings held before every rubric count as held (history, months met), not in points.
    for branch_id, held in (
        await session.execute(sa.select(U.branch_id, sa.func.min(U.held_on)).group_by(U.branch_id))
    ).all():
        first[branch_id] = min(held, first.get(branch_id, held))
    unscored = (
        await session.execute(sa.select(U.branch_id, U.held_on).where(_year(U.held_on, scope.year)))
    ).all()
    acc: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"n": 0, "pts": 0.0, "tot": 0, "months": set(), "q": set(), "it": 0, "ok": 0}
    )
    for branch_id, held_on in unscored:
        if scope.in_scope(branch_id):
            acc[branch_id]["months"].add(held_on.month)
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
    branches: list[BranchYear], members: list[MemberYear], scope: Scope, r: ClassificationRules
) -> list[Proposal]:
    """Pure: the year's facts → every proposal, the quota applied as the year's rule counts it
    (organisations and members in their own pools)."""
    branch_props = _excluded(
        [
            replace(
                rules.branch_proposal(b, scope.year, scope.group_of(b.branch_id), r),
                tier=scope.tier_of(b.branch_id),
                grassroots_id=scope.grassroots_of(b.branch_id),
            )
            for b in branches
        ],
        scope,
    )
    by_branch = {p.subject_id: p for p in branch_props}
    org_props = _excluded(
        [
            rules.grassroots_proposal(
                org, scope.group_of(org), [by_branch[b] for b in under if b in by_branch], r
            )
            for org, under in scope.grassroots_to_classify(list(by_branch)).items()
        ],
        scope,
    )
    organisations = rules.apply_rule_quota(branch_props + org_props, r.quota, r.quota.organisations)
    points = {p.subject_id: p.points for p in branch_props if p.points is not None}
    member_props = [
        replace(
            rules.member_proposal(
                m,
                scope.year,
                scope.group_of(m.branch_id),
                points,
                r,
                scope.member_inputs.get(m.member_id),
            ),
            grassroots_id=scope.grassroots_of(m.branch_id),
        )
        for m in members
    ]
    member_props = rules.apply_rule_quota(_excluded(member_props, scope), r.quota, r.quota.members)
    return organisations + member_props


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
                tier=p.tier,
                grassroots_id=p.grassroots_id,
            )
        out.append(p)
    return out


async def subtree_branches(
    session: AsyncSession, organisation_id: str, year: int
) -> frozenset[str]:
    """A run's branches when it names an organisation: every branch under it that existed
    during the year (the tree on the year's last day)."""
    branches = await branches_in(session, organisation_id, parse_period(str(year)))
    return frozenset(b.id for b in branches)


async def proposals_for(
    session: AsyncSession, rule_set: ClassificationRules, scope: Scope
) -> list[Proposal]:
    """Read-only: every proposal a run over `scope` under `rule_set` would make (the year's
    facts, the live months, the quota in its pools). A proposal run stores these; the
    classification dry run (`scoring.dryrun.classification`) shows them."""
    live = await golive.load(session, date(scope.year, 12, 31))
    branches = await _branch_years(session, scope, live)
    members = await _member_years(session, scope, live)
    left_out = golive.not_live_exclusions(
        live, scope.year, branches, members, rule_set.months_required
    )
    scope = replace(scope, exclusions={**left_out, **scope.exclusions})
    return propose(branches, members, scope, rule_set)


async def stored_rows(session: AsyncSession, ids: Sequence[str]) -> dict[str, Classification]:
    """The stored classifications of these ids, read 500 at a time."""
    stored: dict[str, Classification] = {}
    for chunk in range(0, len(ids), 500):
        found = await session.execute(
            sa.select(Classification).where(
                Classification.classification_id.in_(ids[chunk : chunk + 500])
            )
        )
        stored.update({c.classification_id: c for c in found.scalars()})
    return stored


def run_action(row: Classification | None, p: Proposal) -> str:
    """What a proposal run does to a subject's row: `new` (no row yet), `changed` (level or
    points differ: a new version, announced), `unchanged` (re-stamped only), `kept_decided`
    (a decided classification is never touched by a later run)."""
    if row is None:
        return "new"
    if row.decided_at is not None:
        return "kept_decided"
    return "changed" if (row.proposed_level, row.points) != (p.level, p.points) else "unchanged"


async def run_proposals(
    uow: UnitOfWork, rule_set: ClassificationRules, scope: Scope, now: datetime
) -> dict[str, dict[str, int]]:
    """Propose for the scope, store, announce the changed ones; returns the distributions."""
    session = uow.session
    proposals = await proposals_for(session, rule_set, scope)
    ids = [classification_id(scope.year, p.subject_type, p.subject_id) for p in proposals]
    stored = await stored_rows(session, ids)
    for cid, p in zip(ids, proposals, strict=True):
        row = stored.get(cid)
        action = run_action(row, p)
        if action == "kept_decided":
            continue
        changed = action != "unchanged"
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
            "policy": rule_set.label,
            "tier": p.tier,
            "grassroots_id": p.grassroots_id,
            "quota_pool": p.quota_pool,
        }
        row.proposed_at = now
        if changed:
            row.version += 1
        session.add(row)
        # The v1 contract names branches and members only: an organisation's proposal is stored
        # and listed, not announced.
        announced = p.subject_type in ("branch", "member")
        if changed and announced and p.level is not None and p.points is not None:
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
        for kind in ("branch", "organisation", "member")
    }


def _decided(uow: UnitOfWork, row: Classification, level: str, reason: str, now: datetime) -> None:
    row.decided_level, row.decision_reason, row.decided_at = level, reason, now
    row.version += 1
    uow.session.add(row)
    if row.subject_type not in ("branch", "member"):
        return  # the v1 contract names branches and members only
    uow.emit(
        ClassificationDecided.produce(
            aggregate_version=row.version,
            classification_id=row.classification_id,
            year=row.year,
            subject_type=row.subject_type,
            subject_id=row.subject_id,
            proposed_level=row.proposed_level,
            level=level,
            reason=reason,
        ),
        subject=f"classifications/{row.classification_id}",
    )


def _already(row: Classification) -> Conflict:
    assert row.decided_at is not None
    return Conflict(
        "classification-already-decided",
        f"Xếp loại {row.classification_id} đã được quyết định lúc {row.decided_at.isoformat()}.",
    )


async def decide(
    uow: UnitOfWork, cid: str, level: str, reason: str, now: datetime
) -> Classification:
    """The superior committee's decision, once; it may differ from the proposal."""
    row = await uow.session.get(Classification, cid, with_for_update=True)
    if row is None:
        raise NotFound("classification-not-found", f"Chưa có đề xuất xếp loại {cid}.")
    if row.decided_at is not None:
        raise _already(row)
    _decided(uow, row, level, reason, now)
    return row


async def decide_many(
    uow: UnitOfWork, decisions: Mapping[str, str], reason: str, now: datetime
) -> int:
    """A committee's decisions on a list (classification id → level), all or nothing: every id
    must have a proposal not decided yet. Rows are read 500 at a time."""
    ids = sorted(decisions)
    rows: dict[str, Classification] = {}
    for chunk in range(0, len(ids), 500):
        found = await uow.session.execute(
            sa.select(Classification)
            .where(Classification.classification_id.in_(ids[chunk : chunk + 500]))
            .with_for_update()
        )
        rows.update({r.classification_id: r for r in found.scalars()})
    missing = [cid for cid in ids if cid not in rows]
    if missing:
        raise NotFound("classification-not-found", f"Chưa có đề xuất xếp loại {missing[0]}.")
    decided = next((rows[cid] for cid in ids if rows[cid].decided_at is not None), None)
    if decided is not None:
        raise _already(decided)
    for cid in ids:
        _decided(uow, rows[cid], decisions[cid], reason, now)
    return len(ids)


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
