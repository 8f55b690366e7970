"""A published ranking: the whole snapshot in one row, never updated after it is written."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime


class Ranking(SQLModel, table=True):
    __tablename__ = "ranking"
    __table_args__ = (sa.Index("ix_ranking_organisation_period", "organisation_id", "period"),)

    id: str = Field(primary_key=True, max_length=64)
    organisation_id: str = Field(max_length=64)
    period: str = Field(max_length=16)
    tree_on: date = Field(description="the day the subtree was taken: the period's last day")
    published_at: datetime = Field(sa_type=UTCDateTime)
    # The snapshot itself, as published: scores amended or confirmed later do not reach it.
    groups: list[dict[str, Any]] = Field(sa_type=sa.JSON)
