"""The annual table a province publishes: the DECIDED levels of the year, per organisation under a
node and for the node itself — grassroots Party organisations by level, the sub-branches under
the grassroots committees by level, members classified and by level — with counts and
percentages, and the year's quota checked on the decided levels as that year's rule counts it.

Percentages are truncated to one decimal, as the published tables are: Bắc Mê 2018 prints 45 of
59 as 76,2% and 581 of 3,643 as 15% (README, "The quota of 2018").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.vocabulary import OrganisationKind, is_branch
from scoring.classification.models import Classification
from scoring.classification.rules import GRASSROOTS, LEVELS, SUB_BRANCH, quota_cap
from scoring.policy import ClassificationRules, PoolKey
from scoring.subtree import GRASSROOTS_KINDS, TreeOnDay

C = Classification.__table__.c
TIER_NAMES = {GRASSROOTS: "tổ chức cơ sở đảng", SUB_BRANCH: "chi bộ trực thuộc", "member": ""}


def percent(part: int, whole: int) -> float | None:
    """`part` of `whole` in %, truncated to one decimal (None when `whole` is 0)."""
    return None if whole == 0 else (1000 * part // whole) / 10


@dataclass
class Tally:
    """Subjects of one kind under one organisation: how many, decided per level, pending."""

    total: int = 0
    pending: int = 0  # proposed (or excluded) and not decided yet
    decided: Counter[str] = field(default_factory=Counter)

    @property
    def rated(self) -> int:
        return sum(self.decided.values())

    def add(self, level: str | None, proposed: bool, n: int = 1) -> None:
        self.total += n
        if level is not None:
            self.decided[level] += n
        elif proposed:
            self.pending += n

    def merge(self, other: Tally) -> None:
        self.total += other.total
        self.pending += other.pending
        self.decided.update(other.decided)

    def levels(self) -> dict[str, dict[str, float | int | None]]:
        return {
            lv: {"count": self.decided[lv], "percent": percent(self.decided[lv], self.rated)}
            for lv in LEVELS
        }


@dataclass
class Line:
    organisation_id: str
    name: str
    kind: str
    grassroots: Tally = field(default_factory=Tally)
    sub_branches: Tally = field(default_factory=Tally)
    members: Tally = field(default_factory=Tally)

    def merge(self, other: Line) -> None:
        self.grassroots.merge(other.grassroots)
        self.sub_branches.merge(other.sub_branches)
        self.members.merge(other.members)

    def out(self) -> dict[str, object]:
        def organisations(t: Tally) -> dict[str, object]:
            return {
                "total": t.total,
                "rated": t.rated,
                "pending": t.pending,
                "by_level": t.levels(),
            }

        m = self.members
        return {
            "organisation_id": self.organisation_id,
            "name": self.name,
            "kind": self.kind,
            "grassroots": organisations(self.grassroots),
            "sub_branches": organisations(self.sub_branches),
            "members": {
                "total": m.total,
                "classified": {"count": m.rated, "percent": percent(m.rated, m.total)},
                "pending": m.pending,
                "by_level": m.levels(),
            },
        }


@dataclass(frozen=True)
class OrgRow:
    subject_type: str
    subject_id: str
    group: str
    level: str | None
    proposed: bool


@dataclass(frozen=True)
class MemberGroup:
    branch_id: str
    group: str
    level: str | None
    proposed: bool
    count: int


async def _organisation_rows(session: AsyncSession, year: int) -> list[OrgRow]:
    rows = await session.execute(
        sa.select(C.subject_type, C.subject_id, C.group, C.decided_level, C.proposed_level).where(
            C.year == year, C.subject_type.in_(("branch", "organisation"))
        )
    )
    return [OrgRow(t, s, g, d, p is not None) for t, s, g, d, p in rows.all()]


async def _member_groups(session: AsyncSession, year: int) -> list[MemberGroup]:
    """Members counted in SQL per branch, group and level: a province's 500,000 rows never
    leave the database."""
    proposed = C.proposed_level.is_not(None)
    rows = await session.execute(
        sa.select(C.branch_id, C.group, C.decided_level, proposed, sa.func.count())
        .where(C.year == year, C.subject_type == "member")
        .group_by(C.branch_id, C.group, C.decided_level, proposed)
    )
    return [MemberGroup(b or "", g, d, bool(p), n) for b, g, d, p, n in rows.all()]


def _tier(tree: TreeOnDay, node: str) -> str | None:
    kind = tree.kind.get(node)
    if kind in GRASSROOTS_KINDS:
        return GRASSROOTS
    if kind == OrganisationKind.AFFILIATED_BRANCH:
        return SUB_BRANCH
    return None


def _pool(keys: Iterable[PoolKey], tree: TreeOnDay, tier: str, group: str, node: str) -> str:
    parts = []
    for key in keys:
        if key == "group":
            parts.append(group)
        elif key == "tier":
            parts.append(tier)
        else:
            parts.append(tree.grassroots_of(node) or node)
    return "/".join(parts) or "all"


def _pool_name(pool: str, tree: TreeOnDay) -> str:
    if pool == "all":
        return "toàn bộ"
    return " / ".join(tree.name.get(p) or TIER_NAMES.get(p) or p for p in pool.split("/"))


def _quota_checks(
    kind: str, counts: Mapping[str, Counter[str]], rules: ClassificationRules, tree: TreeOnDay
) -> list[dict[str, object]]:
    out = []
    for pool, decided in sorted(counts.items()):
        good_or_above = decided["excellent"] + decided["good"]
        if good_or_above == 0:
            continue
        cap = quota_cap(good_or_above, rules.quota.share, rules.quota.base)
        out.append(
            {
                "subjects": kind,
                "pool": pool,
                "pool_name": _pool_name(pool, tree),
                "good_or_above": good_or_above,
                "excellent": decided["excellent"],
                "cap": cap,
                "excellent_percent_of_base": percent(
                    decided["excellent"],
                    good_or_above if rules.quota.base == "good_or_above" else decided["good"],
                ),
                "within": decided["excellent"] <= cap,
            }
        )
    return out


def build_table(
    year: int,
    root: str,
    tree: TreeOnDay,
    organisations: list[OrgRow],
    members: list[MemberGroup],
    rules: ClassificationRules,
) -> dict[str, object]:
    """Pure: the table of `root` from the year's classification rows and the tree."""
    nodes = tree.under(root)
    in_tree = set(nodes)
    # The line each node counts in: the child of the root it lies under (the root's own line
    # for the root itself).
    line_of: dict[str, str] = {}
    for child in tree.children.get(root, ()):
        for node in tree.under(child):
            line_of[node] = child
    lines = {
        c: Line(c, tree.name.get(c, c), tree.kind.get(c, "")) for c in tree.children.get(root, ())
    }
    own = Line(root, tree.name.get(root, root), tree.kind.get(root, ""))
    decided: dict[str, OrgRow] = {}
    for org_row in organisations:
        if org_row.subject_id in in_tree:
            decided[org_row.subject_id] = org_row
    org_pools: dict[str, Counter[str]] = defaultdict(Counter)
    for node in nodes:
        tier = _tier(tree, node)
        if tier is None:
            continue
        row = decided.get(node)
        line = lines.get(line_of.get(node, ""), own)
        tally = line.grassroots if tier == GRASSROOTS else line.sub_branches
        tally.add(row.level if row else None, bool(row and row.proposed))
        if row is not None and row.level is not None:
            pool = _pool(rules.quota.organisations, tree, tier, row.group, node)
            org_pools[pool][row.level] += 1
    member_pools: dict[str, Counter[str]] = defaultdict(Counter)
    branches = {n for n in nodes if is_branch(tree.kind.get(n, ""))}
    for g in members:
        if g.branch_id not in branches:
            continue
        line = lines.get(line_of.get(g.branch_id, ""), own)
        line.members.add(g.level, g.proposed, g.count)
        if g.level is not None:
            pool = _pool(rules.quota.members, tree, "member", g.group, g.branch_id)
            member_pools[pool][g.level] += g.count
    total = Line(root, own.name, own.kind)
    total.merge(own)
    for line in lines.values():
        total.merge(line)
    checks = _quota_checks("organisations", org_pools, rules, tree)
    checks += _quota_checks("members", member_pools, rules, tree)
    return {
        "year": year,
        "organisation_id": root,
        "name": own.name,
        "rules": {
            "id": rules.id,
            "version": rules.version,
            "name": rules.name,
            "quota": rules.quota.explanation,
        },
        "percent_rule": "tỷ lệ lấy đến một chữ số thập phân, phần sau bỏ đi (không làm tròn lên)",
        "total": total.out(),
        "rows": [line.out() for line in lines.values()],
        "own": own.out()
        if own.grassroots.total + own.sub_branches.total + own.members.total
        else None,
        "quota": checks,
        "quota_within": all(c["within"] for c in checks),
    }


async def annual_table(
    session: AsyncSession, year: int, root: str, tree: TreeOnDay, rules: ClassificationRules
) -> dict[str, object]:
    return build_table(
        year,
        root,
        tree,
        await _organisation_rows(session, year),
        await _member_groups(session, year),
        rules,
    )


def year_end(year: int) -> date:
    return date(year, 12, 31)
