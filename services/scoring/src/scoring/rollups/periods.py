"""Reporting periods: `2026-07` (month), `2026-Q3`, `2026-H2`, `2026` (year), as pure values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import AfterValidator

_PATTERNS = (
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), "month"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-H([12])$"), "half"),
    (re.compile(r"^(\d{4})$"), "year"),
)
_MONTHS_IN = {"month": 1, "quarter": 3, "half": 6, "year": 12}


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    label: str
    kind: str
    year: int
    first_month: int
    months_count: int

    @property
    def months(self) -> list[tuple[int, int]]:
        return [
            (self.year, m) for m in range(self.first_month, self.first_month + self.months_count)
        ]

    @property
    def starts_on(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def ends_before(self) -> date:
        """The first day after the period (the SQL range is half-open)."""
        last = self.first_month + self.months_count
        return date(self.year + 1, 1, 1) if last > 12 else date(self.year, last, 1)

    @property
    def quarters(self) -> list[tuple[int, int]]:
        """(year, quarter) for every whole quarter inside the period."""
        last = self.first_month + self.months_count - 1
        return [
            (self.year, q) for q in range(1, 5) if self.first_month <= 3 * q - 2 and 3 * q <= last
        ]


def parse_period(text: str) -> Period:
    for pattern, kind in _PATTERNS:
        found = pattern.match(text)
        if not found:
            continue
        year = int(found.group(1))
        if not 2000 <= year <= 2100:
            break
        size = _MONTHS_IN[kind]
        index = int(found.group(2)) if kind != "year" else 1
        first = index if kind == "month" else (index - 1) * size + 1
        return Period(text, kind, year, first, size)
    raise PeriodError(
        f"kỳ '{text}' không hợp lệ; dùng tháng 2026-07, quý 2026-Q3, nửa năm 2026-H2 hoặc năm 2026"
    )


def month_label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_ended(year: int, month: int, today: date) -> bool:
    return (year, month) < (today.year, today.month)


def _checked_label(text: str) -> str:
    parse_period(text)  # PeriodError is a ValueError: a 422 naming the parameter
    return text


PeriodLabel = Annotated[str, AfterValidator(_checked_label)]
"""A query parameter holding a period label, checked with the other parameters."""
