"""Organisation nodes, their dated names and their effective-dated parent links.

Every period is half-open: in force on D when `valid_from <= D` and (`valid_to` is empty or
`D < valid_to`). A node ended on D (merged, split, dissolved) no longer exists that day.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: str = Field(primary_key=True, max_length=64)
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=300, description="current name; history in organisation_name")
    kind: str = Field(max_length=40)
    branch_kind: str | None = Field(default=None, max_length=20)
    meeting_day_from: int | None = None
    meeting_day_to: int | None = None
    valid_from: date
    valid_to: date | None = None
    end_reason: str | None = Field(default=None, max_length=20)
    go_live_on: date | None = Field(
        default=None, description="own go-live date; history in organisation_go_live"
    )
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class OrganisationName(SQLModel, table=True):
    __tablename__ = "organisation_name"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: str = Field(foreign_key="organisation.id", max_length=64, index=True)
    name: str = Field(max_length=300)
    valid_from: date
    valid_to: date | None = None


class OrganisationLink(SQLModel, table=True):
    """`child_id` hangs under `parent_id` for the period; a root (province) has no link."""

    __tablename__ = "organisation_link"
    __table_args__ = (
        sa.Index("ix_organisation_link_parent", "parent_id", "valid_from"),
        sa.Index("ix_organisation_link_child", "child_id", "valid_from"),
    )

    id: int | None = Field(default=None, primary_key=True)
    child_id: str = Field(foreign_key="organisation.id", max_length=64)
    parent_id: str = Field(foreign_key="organisation.id", max_length=64)
    valid_from: date
    valid_to: date | None = None
    reason: str = Field(default="register", max_length=20)
