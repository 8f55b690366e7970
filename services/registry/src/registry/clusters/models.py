"""A rotation cluster and the branches in it."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel


class RotationCluster(SQLModel, table=True):
    __tablename__ = "rotation_cluster"

    id: str = Field(primary_key=True, max_length=64)
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=300)
    valid_from: date
    valid_to: date | None = None
    version: int = 1


class RotationClusterBranch(SQLModel, table=True):
    __tablename__ = "rotation_cluster_branch"

    rotation_cluster_id: str = Field(
        foreign_key="rotation_cluster.id", primary_key=True, max_length=64
    )
    branch_id: str = Field(
        foreign_key="organisation.id", primary_key=True, max_length=64, index=True
    )
