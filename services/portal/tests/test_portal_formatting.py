"""Vietnamese formats: dates day first, dot thousands, comma decimals, months and quarters."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from portal.formatting import (
    gio,
    ky,
    months_back,
    ngay,
    parse_day,
    parse_time,
    phan_tram,
    so,
    thang,
)


def test_dates_and_times_in_vietnam() -> None:
    assert ngay(date(2026, 3, 5)) == "05/03/2026"
    # 18:30 UTC on 4 December is 01:30 on 5 December in Vietnam.
    assert ngay(datetime(2026, 12, 4, 18, 30, tzinfo=UTC)) == "05/12/2026"
    assert gio("2026-12-04T12:05:00Z") == "19:05"
    assert ngay(None) == ""


def test_numbers() -> None:
    assert so(1234567) == "1.234.567"
    assert so(91.25, 1) == "91,2" or so(91.25, 1) == "91,3"
    assert so(2.5) == "2,5"
    assert so(-3) == "−3"
    assert so(None) == "–"
    assert phan_tram(0.913) == "91,3%"
    assert phan_tram(1.0) == "100%"


def test_periods() -> None:
    assert thang("2026-07") == "Tháng 7/2026"
    assert ky("2026-Q3") == "Quý III/2026"
    assert ky("2026-H1") == "6 tháng đầu năm 2026"
    assert ky("2026") == "Năm 2026"
    assert months_back(date(2026, 2, 10), 3) == ["2025-12", "2026-01", "2026-02"]


def test_typed_dates_are_day_first() -> None:
    assert parse_day("04/12/2026") == date(2026, 12, 4)
    assert parse_day("4/1/26") == date(2026, 1, 4)
    assert parse_day("2026-12-04") == date(2026, 12, 4)
    assert parse_day("31/02/2026") is None
    assert parse_day("hôm qua") is None
    assert parse_time("19h30") == time(19, 30)
    assert parse_time("7:5") == time(7, 5)
    assert parse_time("25:00") is None
