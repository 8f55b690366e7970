"""Plausible dates: every date and time a client sends lies in a window that makes sense for it.

Bodies of writes use `PlausibleDate` / `PlausibleDateTime`: not before 1 January 1930 (the
Party's founding — nothing this system records is older) and not more than the service's horizon
(`date_horizon_days`, default 366) after today in Việt Nam. `PlausibleEndDate` (a role's or an
assignment's end) may lie a five-year term further; `BirthDate` runs from 1890 up to today.
Query parameters use `QueryDate` / `Month`: a real date or month between 1930 and 2199, so a typo
answers 422 instead of reaching arithmetic that overflows. Rules that need more (a meeting not
before its branch existed, an age at admission) stay in each service's rules.

"Today" is the service's own clock (`runtime.clock`), set for each request by
`DateWindowMiddleware`; outside a request (a script, a unit test of a schema) only the fixed
bounds apply.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

from fastapi import Query
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field
from pydantic_core import PydanticCustomError
from starlette.types import ASGIApp, Receive, Scope, Send

from service_kit.clock import VIETNAM, today_in_vietnam

if TYPE_CHECKING:
    from service_kit.runtime import ServiceRuntime

EARLIEST = date(1930, 1, 1)
EARLIEST_BIRTH = date(1890, 1, 1)
# An end date (a role's, an assignment's) may be set for a whole term ahead: five years more.
TERM_DAYS = 5 * 366
LATEST_QUERY = date(2199, 12, 31)
DEFAULT_HORIZON_DAYS = 366


@dataclass(frozen=True)
class Window:
    today: date
    horizon_days: int = DEFAULT_HORIZON_DAYS

    @property
    def latest(self) -> date:
        return self.today + timedelta(days=self.horizon_days)


_window: ContextVar[Window | None] = ContextVar("date_window", default=None)


def _too_early(day: date, earliest: date) -> PydanticCustomError:
    return PydanticCustomError(
        "date-too-early",
        "Ngày {day} không hợp lý: sớm hơn {earliest}.",
        {"day": day.isoformat(), "earliest": earliest.isoformat()},
    )


def _in_future(day: date, today: date) -> PydanticCustomError:
    return PydanticCustomError(
        "date-in-future",
        "Ngày {day} ở tương lai (hôm nay là {today}).",
        {"day": day.isoformat(), "today": today.isoformat()},
    )


def _too_late(day: date, latest: date) -> PydanticCustomError:
    return PydanticCustomError(
        "date-too-late",
        "Ngày {day} quá xa trong tương lai (muộn nhất {latest}).",
        {"day": day.isoformat(), "latest": latest.isoformat()},
    )


def check_day(
    day: date, *, earliest: date = EARLIEST, future: bool = True, extra_days: int = 0
) -> date:
    """`day` inside [earliest, today + horizon + extra_days] (`future=False`: [earliest, today])."""
    if day < earliest:
        raise _too_early(day, earliest)
    window = _window.get()
    if window is None:  # outside a request: the fixed bounds only
        if day > LATEST_QUERY:
            raise _too_late(day, LATEST_QUERY)
    elif not future and day > window.today:
        raise _in_future(day, window.today)
    elif day > window.latest + timedelta(days=extra_days):
        raise _too_late(day, window.latest + timedelta(days=extra_days))
    return day


def _day_of(moment: datetime) -> date:
    return moment.astimezone(VIETNAM).date() if moment.tzinfo is not None else moment.date()


def _plausible_day(day: date) -> date:
    return check_day(day)


def _plausible_moment(moment: datetime) -> datetime:
    check_day(_day_of(moment))
    return moment


def _term_end(day: date) -> date:
    return check_day(day, extra_days=TERM_DAYS)


def _birth(day: date) -> date:
    return check_day(day, earliest=EARLIEST_BIRTH, future=False)


def _query_day(day: date) -> date:
    if not EARLIEST <= day <= LATEST_QUERY:
        raise PydanticCustomError(
            "date-out-of-range",
            "Ngày {day} ngoài khoảng tra cứu {earliest} – {latest}.",
            {
                "day": day.isoformat(),
                "earliest": EARLIEST.isoformat(),
                "latest": LATEST_QUERY.isoformat(),
            },
        )
    return day


def _rfc3339_only(value: object) -> object:
    """A query's time is written as RFC 3339 (`2026-11-01T00:00:00+07:00`), never as a bare
    number, which pydantic would read as seconds since 1970."""
    if isinstance(value, str) and value.strip().lstrip("+-").replace(".", "", 1).isdigit():
        raise PydanticCustomError(
            "datetime-invalid",
            "Thời điểm «{text}» không hợp lệ; dùng RFC 3339, ví dụ 2026-11-01T00:00:00+07:00.",
            {"text": value[:40]},
        )
    return value


def _query_moment(moment: datetime) -> datetime:
    _query_day(_day_of(moment))
    return moment


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(text: str) -> str:
    found = _MONTH.match(text)
    year, month = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    if not (1 <= month <= 12 and EARLIEST.year <= year <= LATEST_QUERY.year):
        raise PydanticCustomError(
            "month-invalid",
            "Tháng «{text}» không hợp lệ; dùng YYYY-MM trong khoảng 1930-01 – 2199-12.",
            {"text": text},
        )
    return text


PlausibleDate = Annotated[date, AfterValidator(_plausible_day)]
PlausibleEndDate = Annotated[date, AfterValidator(_term_end)]
PlausibleDateTime = Annotated[datetime, AfterValidator(_plausible_moment)]
PlausibleAwareDateTime = Annotated[AwareDatetime, AfterValidator(_plausible_moment)]
BirthDate = Annotated[date, AfterValidator(_birth)]
QueryDate = Annotated[date, AfterValidator(_query_day)]
QueryDateTime = Annotated[
    AwareDatetime, BeforeValidator(_rfc3339_only), AfterValidator(_query_moment)
]
Month = Annotated[str, Field(examples=["2026-11"]), AfterValidator(_month)]
MonthQuery = Annotated[Month | None, Query(description="tháng YYYY-MM (1930-01 – 2199-12)")]


def first_of(month: str) -> date:
    """The first day of a validated `Month`."""
    return date.fromisoformat(f"{month}-01")


class DateWindowMiddleware:
    """Sets today's window (the service's clock, its horizon) for the request's validation."""

    def __init__(self, app: ASGIApp, runtime: ServiceRuntime) -> None:
        self.app, self.runtime = app, runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _window.set(
            Window(
                today_in_vietnam(self.runtime.clock),
                getattr(self.runtime.settings, "date_horizon_days", DEFAULT_HORIZON_DAYS),
            )
        )
        try:
            await self.app(scope, receive, send)
        finally:
            _window.reset(token)
