"""What the formality signals read of a meeting and what they say: plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

SignalCode = Literal[
    "minutes_repeated",
    "resolution_repeated",
    "resolution_without_target",
    "speakers_not_named",
    "attendance_unchanged",
]


@dataclass(frozen=True)
class AttendanceFigures:
    """The roll as counted in the minutes; `members` excludes the exempt."""

    members: int
    present: int
    excused: int
    unexcused: int


@dataclass(frozen=True)
class ResolutionTask:
    """A task of the resolution as the structured record holds it."""

    title: str
    owner: str | None = None
    due_on: date | None = None


@dataclass(frozen=True)
class MeetingRecord:
    meeting_id: str
    branch_id: str
    held_on: date
    minutes: str = ""
    resolution: str = ""
    speakers: tuple[str, ...] = ()
    """Who spoke, as the structured record lists them (member ids or names)."""
    tasks: tuple[ResolutionTask, ...] = ()
    attendance: AttendanceFigures | None = None


@dataclass(frozen=True)
class FormalitySignal:
    code: SignalCode
    explanation: str
    """Vietnamese, for the official who reads the meeting beside its score."""
    evidence: dict[str, Any] = field(default_factory=dict)
    """JSON-ready facts the signal rests on (the earlier meeting matched, the phrase found…)."""


@dataclass(frozen=True)
class FormalityReport:
    meeting_id: str
    rules_id: str
    rules_version: str
    signals: tuple[FormalitySignal, ...]
