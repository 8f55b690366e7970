"""Role assignments and observer assignments, each a half-open period."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class RoleAssignment(SQLModel, table=True):
    __tablename__ = "role_assignment"
    __table_args__ = (
        sa.Index("ix_role_assignment_organisation", "organisation_id", "valid_from"),
        sa.Index("ix_role_assignment_member", "member_id", "valid_from"),
    )

    id: str = Field(primary_key=True, max_length=64)
    member_id: str = Field(foreign_key="member.id", max_length=64)
    organisation_id: str = Field(foreign_key="organisation.id", max_length=64)
    role: str = Field(max_length=40)
    valid_from: date
    valid_to: date | None = None
    version: int = 1


class ObserverAssignment(SQLModel, table=True):
    """An upper-level committee member assigned to follow and attend a branch (phân công
    phụ trách chi bộ)."""

    __tablename__ = "observer_assignment"
    __table_args__ = (
        sa.Index("ix_observer_assignment_branch", "branch_id", "valid_from"),
        sa.Index("ix_observer_assignment_member", "member_id", "valid_from"),
    )

    id: str = Field(primary_key=True, max_length=64)
    member_id: str = Field(foreign_key="member.id", max_length=64)
    branch_id: str = Field(foreign_key="organisation.id", max_length=64)
    valid_from: date
    valid_to: date | None = None
    version: int = 1
