"""API shapes of the formality signals."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class SignalOut(BaseModel):
    code: str
    explanation: str = Field(description="Vietnamese")
    evidence: dict[str, Any]


class FormalityOut(BaseModel):
    """Shown beside the score; the score never depends on it."""

    meeting_version: int
    rules_id: str
    rules_version: str
    signals: list[SignalOut]


class PersistingBranchOut(BaseModel):
    branch_id: str
    branch_name: str
    months_with_signals: list[str] = Field(description="YYYY-MM, oldest first")
    signal_codes: list[str] = Field(description="every signal seen in those months")
    meeting_ids: list[str]
    summary: str = Field(description="Vietnamese")


class PersistingFormalityOut(BaseModel):
    organisation_id: str
    month: str
    period_label: str = Field(description='e.g. "Tháng 7/2026"')
    persist_months: int = Field(description="months running with a signal to be listed")
    branches_checked: int
    branches: list[PersistingBranchOut]
