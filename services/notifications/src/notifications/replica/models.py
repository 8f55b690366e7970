"""The registry facts notifications keeps: enough for names, subtrees and reminders."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel


class KnownOrganisation(SQLModel, table=True):
    __tablename__ = "known_organisation"

    organisation_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=300)
    kind: str = Field(max_length=40)
    parent_id: str | None = Field(default=None, max_length=64, index=True)
    meeting_day_from: int | None = None
    meeting_day_to: int | None = None


class KnownObserverAssignment(SQLModel, table=True):
    """`valid_to` is exclusive: the observer no longer follows the branch that day."""

    __tablename__ = "known_observer_assignment"

    observer_assignment_id: str = Field(primary_key=True, max_length=64)
    member_id: str = Field(max_length=64)
    branch_id: str = Field(max_length=64, index=True)
    valid_from: date
    valid_to: date | None = None
