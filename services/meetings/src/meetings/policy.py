"""The meeting calendar as dated rule data (`policies/meetings/*.yaml`): the default day window of
a branch that has none of its own, the grace before a month counts as missed, the day observer
reports are due and the days an observer is always given. One national default, a province's own
sets, each from its `effective_from` (`service_kit.rulesets`); loaded when the app is built."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TypeAlias

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.ext.asyncio import AsyncSession

from org_tree.replica import provinces_of
from service_kit.rulesets import RuleBook, RuleSet, load_rule_book

MEETING_RULES_DIR = Path(__file__).resolve().parents[2] / "policies" / "meetings"


class DayWindow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    from_day: int = Field(ge=1, le=31)
    to_day: int = Field(ge=1, le=31)

    @model_validator(mode="after")
    def _ordered(self) -> DayWindow:
        if self.from_day > self.to_day:
            raise ValueError("from_day không được sau to_day")
        return self


class MeetingRules(RuleSet):
    meeting_window: DayWindow = Field(
        description="days of the month a branch meets when the registry gives it no window"
    )
    missed_grace_days: int = Field(
        ge=0, le=31, description="days after the window closes before the month counts as missed"
    )
    observer_report_due_before_day: int = Field(
        ge=2,
        le=28,
        description="observer reports reach the committee before this day of the "
        "month after the meeting",
    )
    observer_min_days: int = Field(
        ge=0, le=31, description="days an observer is always given after a late logging"
    )

    def window(self, own: tuple[int, int] | None) -> tuple[int, int]:
        """A branch's day window: its own from the registry, else this set's default."""
        return own or (self.meeting_window.from_day, self.meeting_window.to_day)


MeetingRuleBook: TypeAlias = RuleBook[MeetingRules]


def load_meeting_rules(directory: Path = MEETING_RULES_DIR) -> MeetingRuleBook:
    return load_rule_book(directory, MeetingRules)


async def rules_of_branches(
    session: AsyncSession,
    book: MeetingRuleBook,
    branch_ids: Sequence[str],
    on: date,
    rules_on: date | None = None,
) -> dict[str, MeetingRules]:
    """The set in force on `rules_on` (default `on`) for each branch's province on `on`. The
    province is asked only when some province has sets of its own."""
    day = rules_on or on
    if not book.provinces:
        national = book.in_force(day)
        return dict.fromkeys(branch_ids, national)
    provinces = await provinces_of(session, branch_ids, on)
    return {b: book.in_force(day, provinces[b]) for b in branch_ids}


async def rules_of_branch(
    session: AsyncSession, book: MeetingRuleBook, branch_id: str, on: date
) -> MeetingRules:
    return (await rules_of_branches(session, book, [branch_id], on))[branch_id]
