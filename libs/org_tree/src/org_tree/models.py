"""Replica tables of the organisation tree, written only by registry events.

The table names are those of the meetings migration that first created them; a service that keeps
the tree creates the same tables in its own database.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class OrgNode(SQLModel, table=True):
    __tablename__ = "replica_organisation"

    id: str = Field(primary_key=True, max_length=64)
    code: str = Field(max_length=64)
    name: str = Field(max_length=300)
    kind: str = Field(max_length=40)
    valid_from: date
    valid_to: date | None = None
    branch_kind: str | None = Field(default=None, max_length=32)
    meeting_day_from: int | None = None
    meeting_day_to: int | None = None
    version: int = Field(description="registry aggregate_version last applied")


class OrgLink(SQLModel, table=True):
    """`child` sits under `parent` from `valid_from` (inclusive) to `valid_to` (exclusive)."""

    __tablename__ = "replica_organisation_link"
    __table_args__ = (sa.Index("ix_replica_link_child", "child_id", "valid_from"),)

    child_id: str = Field(primary_key=True, max_length=64)
    valid_from: date = Field(primary_key=True)
    parent_id: str = Field(max_length=64)
    valid_to: date | None = None


class OrgGoLive(SQLModel, table=True):
    """An organisation's own go-live date (`registry.organisation.go_live_set`); what its subtree
    inherits is computed by `org_tree.golive`. `go_live_on` null: no own date any more."""

    __tablename__ = "replica_organisation_go_live"

    organisation_id: str = Field(primary_key=True, max_length=64)
    go_live_on: date | None = None
    version: int = Field(description="registry aggregate_version of the fact last applied")
