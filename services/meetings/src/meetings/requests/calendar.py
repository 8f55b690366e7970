"""Working days in Việt Nam: weekends, public holidays (lunar New Year included) and official
make-up days, as data. Pure functions over a calendar object; no clock, no I/O after loading."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import holidays

DATA = Path(__file__).with_name("data") / "calendar.json"
SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


@dataclass(frozen=True)
class WorkingCalendar:
    days_off: frozenset[date]
    makeup_working_days: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_working_days:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start itself not counted)."""
        if n < 0:
            raise ValueError("n must be ≥ 0")
        day, counted = start, 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


@lru_cache(maxsize=8)
def vietnam_calendar(first_year: int = 2018, last_year: int = 2035) -> WorkingCalendar:
    """The `holidays` package's calendar plus the yearly decisions in data/calendar.json."""
    extra = json.loads(DATA.read_text(encoding="utf-8"))
    years = range(first_year, last_year + 1)
    official = holidays.country_holidays("VN", years=years, language="en_US")
    off = set(official) | {date.fromisoformat(d) for d in extra["extra_days_off"]}
    makeup = {date.fromisoformat(d) for d in extra["makeup_working_days"]}
    # "Day off (substituted from 04/26/2025)": that Saturday is worked instead.
    for name in official.values():
        for month, day, year in SUBSTITUTED.findall(name):
            makeup.add(date(int(year), int(month), int(day)))
    return WorkingCalendar(frozenset(off), frozenset(makeup))
