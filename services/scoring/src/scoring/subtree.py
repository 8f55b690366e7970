"""Questions asked of the shared organisation-tree replica: which branches a subtree report covers
(those under the organisation on the period's last day that existed on some day of the period),
which province a branch lies in on a day (its rubric), and the whole tree on one day (grassroots
organisations of many branches at once: classification and its annual table)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from event_contracts.vocabulary import OrganisationKind
from org_tree.models import OrgLink, OrgNode
from org_tree.replica import MAX_DEPTH, nodes_under
from scoring.rollups.periods import Period
from service_kit.errors import NotFound

# The grassroots Party organisations (tổ chức cơ sở đảng): a đảng bộ cơ sở with its own
# committee, or a chi bộ cơ sở directly under the level above.
GRASSROOTS_KINDS = frozenset(
    {OrganisationKind.GRASSROOTS_ORGANISATION, OrganisationKind.GRASSROOTS_BRANCH}
)


def existed_during(node: OrgNode, period: Period) -> bool:
    return node.valid_from < period.ends_before and (
        node.valid_to is None or node.valid_to > period.starts_on
    )


async def branches_in(session: AsyncSession, organisation_id: str, period: Period) -> list[OrgNode]:
    """By id; a 404 problem when the replica has never heard of the organisation."""
    known = await session.get(OrgNode, organisation_id)
    if known is None or known.kind == "unknown":
        raise NotFound(
            "organisation-not-found",
            f"Chưa có tổ chức {organisation_id} trong cây tổ chức (mã sai, hoặc sổ đăng ký "
            "chưa gửi sang).",
        )
    last_day = period.ends_before - timedelta(days=1)
    nodes = await nodes_under(session, organisation_id, last_day)
    return [node for node in nodes if existed_during(node, period)]


def _province_query() -> sa.Select[Any]:
    """Up the links valid on `:on` from `:org_id`, the nearest organisation of kind province."""
    link = OrgLink.__table__.c
    on = sa.bindparam("on", type_=sa.Date)
    valid = sa.and_(link.valid_from <= on, sa.or_(link.valid_to.is_(None), link.valid_to > on))
    up = sa.select(
        sa.bindparam("org_id", type_=sa.String).label("id"), sa.literal(0).label("depth")
    ).cte("up", recursive=True)
    up = up.union_all(
        sa.select(link.parent_id, up.c.depth + 1)
        .join(up, link.child_id == up.c.id)
        .where(valid, up.c.depth < MAX_DEPTH)
    )
    return (
        sa.select(OrgNode.code)
        .join(up, col(OrgNode.id) == up.c.id)
        .where(col(OrgNode.kind) == OrganisationKind.PROVINCE)
        .order_by(up.c.depth)
        .limit(1)
    )


# Built once: every meeting scored asks it, and building the statement cost more than running it.
_PROVINCE_OF = _province_query()


async def province_code_of(session: AsyncSession, org_id: str, on: date) -> str | None:
    """The registry code of the province above `org_id` on `on` (one recursive query up the
    links valid that day); None when the replica does not know the organisation or its chain."""
    code: str | None = (
        await session.execute(_PROVINCE_OF, {"org_id": org_id, "on": on})
    ).scalar_one_or_none()
    return code


@dataclass(frozen=True)
class TreeOnDay:
    """The whole replica as it stands on one day, read in two queries, for questions asked of
    many nodes at once (the grassroots organisation of every branch of a province)."""

    kind: Mapping[str, str]
    name: Mapping[str, str]
    parent: Mapping[str, str]
    children: Mapping[str, tuple[str, ...]]

    def ancestors(self, org_id: str) -> list[str]:
        """Nearest first, the organisation itself excluded."""
        out: list[str] = []
        current = self.parent.get(org_id)
        while current is not None and len(out) < MAX_DEPTH:
            out.append(current)
            current = self.parent.get(current)
        return out

    def grassroots_of(self, org_id: str) -> str | None:
        """The grassroots organisation (đảng bộ or chi bộ cơ sở) an organisation belongs to:
        itself when it is one, else its nearest ancestor that is one."""
        for node in [org_id, *self.ancestors(org_id)]:
            if self.kind.get(node) in GRASSROOTS_KINDS:
                return node
        return None

    def under(self, org_id: str) -> list[str]:
        """The organisation and everything under it, parents before children."""
        out, queue = [org_id], [org_id]
        while queue:
            node = queue.pop()
            for child in self.children.get(node, ()):
                out.append(child)
                queue.append(child)
        return out


async def tree_on(session: AsyncSession, on: date) -> TreeOnDay:
    """Nodes that exist on `on`, with the links valid that day."""
    nodes = (
        await session.execute(
            sa.select(OrgNode.id, OrgNode.kind, OrgNode.name).where(
                col(OrgNode.valid_from) <= on,
                sa.or_(col(OrgNode.valid_to).is_(None), col(OrgNode.valid_to) > on),
                col(OrgNode.kind) != "unknown",
            )
        )
    ).all()
    kind = {n: k for n, k, _ in nodes}
    links = (
        await session.execute(
            sa.select(OrgLink.child_id, OrgLink.parent_id).where(
                col(OrgLink.valid_from) <= on,
                sa.or_(col(OrgLink.valid_to).is_(None), col(OrgLink.valid_to) > on),
            )
        )
    ).all()
    parent = {c: p for c, p in links if c in kind and p in kind}
    children: dict[str, list[str]] = {}
    for child, up in sorted(parent.items()):
        children.setdefault(up, []).append(child)
    return TreeOnDay(
        kind,
        {n: name for n, _, name in nodes},
        parent,
        {k: tuple(v) for k, v in children.items()},
    )
