"""Forming rotation clusters and finding a branch's cluster on a date."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.events.registry import RotationClusterFormed
from registry.clusters import rules
from registry.clusters.models import RotationCluster, RotationClusterBranch
from registry.clusters.policy import ClusterRuleBook, rules_of_branch
from registry.clusters.schemas import ClusterIn, ClusterOut
from registry.organisations.queries import require_org
from registry.periods import in_force_sql
from service_kit.errors import Conflict, FieldError, invalid
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork


def _overlapping(valid_from: date, valid_to: date | None) -> sa.ColumnElement[bool]:
    cond = sa.or_(RotationCluster.valid_to.is_(None), RotationCluster.valid_to > valid_from)
    if valid_to is not None:
        cond = sa.and_(cond, RotationCluster.valid_from < valid_to)
    return cond


async def form(uow: UnitOfWork, body: ClusterIn, book: ClusterRuleBook) -> ClusterOut:
    session = uow.session
    for i, branch_id in enumerate(body.branch_ids):
        await require_org(
            session, branch_id, pointer=f"/branch_ids/{i}", on=body.valid_from, branch=True
        )
    busy = await session.scalars(
        sa.select(RotationClusterBranch.branch_id)
        .join(RotationCluster, RotationCluster.id == RotationClusterBranch.rotation_cluster_id)
        .where(
            RotationClusterBranch.branch_id.in_(body.branch_ids),
            _overlapping(body.valid_from, body.valid_to),
        )
    )
    # The first branch's province on the first day says whose rules apply.
    first = body.branch_ids[0] if body.branch_ids else None
    in_force = await rules_of_branch(session, book, first, body.valid_from)
    errors = rules.cluster_errors(
        body.branch_ids, body.valid_from, body.valid_to, set(busy), in_force
    )
    if errors:
        raise invalid("Không lập được cụm.", errors, "cluster-invalid")
    if await session.scalar(sa.select(RotationCluster.id).where(RotationCluster.code == body.code)):
        raise Conflict(
            "cluster-code-taken",
            f"Mã cụm {body.code} đã được dùng.",
            errors=[FieldError("/code", "Mã cụm đã tồn tại.", "duplicate")],
        )
    cluster = RotationCluster(id=new_id(), **body.model_dump(exclude={"branch_ids"}))
    session.add(cluster)
    await session.flush()
    session.add_all(
        RotationClusterBranch(rotation_cluster_id=cluster.id, branch_id=b) for b in body.branch_ids
    )
    uow.emit(
        RotationClusterFormed.produce(
            aggregate_version=cluster.version,
            rotation_cluster_id=cluster.id,
            code=cluster.code,
            branch_ids=body.branch_ids,
            valid_from=cluster.valid_from,
            valid_to=cluster.valid_to,
        ),
        subject=f"rotation-clusters/{cluster.id}",
    )
    return ClusterOut(**cluster.model_dump(), branch_ids=body.branch_ids)


async def clusters_of(session: AsyncSession, branch_id: str, on: date) -> list[ClusterOut]:
    clusters = list(
        await session.scalars(
            sa.select(RotationCluster)
            .join(RotationClusterBranch)
            .where(
                RotationClusterBranch.branch_id == branch_id,
                in_force_sql(RotationCluster.valid_from, RotationCluster.valid_to, on),
            )
        )
    )
    out = []
    for cluster in clusters:
        branch_ids = await session.scalars(
            sa.select(RotationClusterBranch.branch_id)
            .where(RotationClusterBranch.rotation_cluster_id == cluster.id)
            .order_by(RotationClusterBranch.branch_id)
        )
        out.append(ClusterOut(**cluster.model_dump(), branch_ids=list(branch_ids)))
    return out
