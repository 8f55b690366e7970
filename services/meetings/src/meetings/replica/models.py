"""Replica tables of members and observers, written only by registry events.
The organisation tree's tables are shared: `org_tree.models`."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class ObserverAssignmentReplica(SQLModel, table=True):
    """An upper-level committee member assigned to follow a branch (`valid_to` exclusive)."""

    __tablename__ = "replica_observer_assignment"
    __table_args__ = (sa.Index("ix_replica_observer_branch", "branch_id", "valid_from"),)

    id: str = Field(primary_key=True, max_length=64)
    member_id: str = Field(max_length=64)
    branch_id: str = Field(max_length=64)
    valid_from: date
    valid_to: date | None = None
    version: int = 1


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
