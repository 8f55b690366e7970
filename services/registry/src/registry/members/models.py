"""A member, the dated history of their status and of the branches they belong to.

Personal data (date of birth, phone, e-mail, citizen ID) lives only here, never in events.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class Member(SQLModel, table=True):
    __tablename__ = "member"

    id: str = Field(primary_key=True, max_length=64)
    full_name: str = Field(max_length=200)
    party_card_number: str | None = Field(default=None, max_length=32, unique=True)
    date_of_birth: date | None = None
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)
    citizen_id: str | None = Field(default=None, max_length=12)
    admitted_on: date
    full_member_on: date | None = None
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class MemberStatusPeriod(SQLModel, table=True):
    __tablename__ = "member_status_period"
    __table_args__ = (sa.Index("ix_member_status_period_member", "member_id", "valid_from"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: str = Field(foreign_key="member.id", max_length=64)
    status: str = Field(max_length=24)
    valid_from: date
    valid_to: date | None = None
    reason: str | None = Field(default=None, max_length=500)


class MemberAffiliation(SQLModel, table=True):
    """`home`: the branch whose roll the member is on; `residence`: the branch where they live
    (QĐ 213 contact); `attached`: the host branch while temporarily attached."""

    __tablename__ = "member_affiliation"
    __table_args__ = (
        sa.Index("ix_member_affiliation_branch", "branch_id", "kind", "valid_from"),
        sa.Index("ix_member_affiliation_member", "member_id", "kind", "valid_from"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: str = Field(foreign_key="member.id", max_length=64)
    branch_id: str = Field(foreign_key="organisation.id", max_length=64)
    kind: str = Field(max_length=12)
    valid_from: date
    valid_to: date | None = None
    reason: str = Field(default="admission", max_length=20)
