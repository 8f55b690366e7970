"""Replica table of members, written only by registry events. The organisation tree's and the
observers' tables are shared: `org_tree.models`, `org_tree.observers`."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class MemberStateReplica(SQLModel, table=True):
    """A member's branch and status from `valid_from` on (one row per dated fact)."""

    __tablename__ = "replica_member_state"
    __table_args__ = (
        sa.Index("ix_replica_member_branch", "branch_id", "valid_from"),
        sa.Index("ix_replica_member_attached", "attached_branch_id", "valid_from"),
    )

    member_id: str = Field(primary_key=True, max_length=64)
    valid_from: date = Field(primary_key=True)
    seq: int = Field(primary_key=True, default=0, description="aggregate_version: same-day order")
    branch_id: str | None = Field(default=None, max_length=64)
    status: str = Field(max_length=32)
    attached_branch_id: str | None = Field(default=None, max_length=64)


class RotationClusterBranch(SQLModel, table=True):
    """A branch of a rotation cluster (3–4 branches meeting together in turn), for a period."""

    __tablename__ = "replica_rotation_cluster_branch"
    __table_args__ = (sa.Index("ix_replica_cluster_branch", "branch_id", "valid_from"),)

    rotation_cluster_id: str = Field(primary_key=True, max_length=64)
    branch_id: str = Field(primary_key=True, max_length=64)
    valid_from: date
    valid_to: date | None = None
