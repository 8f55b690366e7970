"""Which branches a subtree report covers: those under the organisation on the period's last day
(from the shared organisation-tree replica) that existed on some day of the period."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from org_tree.models import OrgNode
from org_tree.replica import nodes_under
from scoring.rollups.periods import Period
from service_kit.errors import NotFound


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
