"""The registry facts notifications keeps besides the shared organisation tree
(`org_tree.models`): who observes which branch."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel


class KnownObserverAssignment(SQLModel, table=True):
    """`valid_to` is exclusive: the observer no longer follows the branch that day."""

    __tablename__ = "known_observer_assignment"

    observer_assignment_id: str = Field(primary_key=True, max_length=64)
    member_id: str = Field(max_length=64)
    branch_id: str = Field(max_length=64, index=True)
    valid_from: date
    valid_to: date | None = None
