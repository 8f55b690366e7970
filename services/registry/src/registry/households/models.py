"""Which member is responsible for which household of a residential branch's village, when."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class HouseholdResponsibility(SQLModel, table=True):
    __tablename__ = "household_responsibility"
    __table_args__ = (
        sa.Index("ix_household_responsibility_household", "branch_id", "household_code"),
        sa.Index("ix_household_responsibility_member", "member_id", "valid_from"),
    )

    id: str = Field(primary_key=True, max_length=64)
    member_id: str = Field(foreign_key="member.id", max_length=64)
    branch_id: str = Field(foreign_key="organisation.id", max_length=64)
    household_code: str = Field(max_length=64, description="mã hộ trong sổ hộ của thôn")
    valid_from: date
    valid_to: date | None = None
