"""The committee's month dashboard as tables: branches × months (met, late, missed, grade),
compliance flags, open and escalated requests by level, the live ranking, and the chart series.
Calls run concurrently; each table is built by a plain function over what the APIs returned."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.committee.tables import Cell, Table
from portal.formatting import GRADES, ky, month_key, phan_tram, so, thang
from portal.roles import BRANCH_KINDS
from portal.web import Ctx

SHORT_GRADES = {"tot": "Tốt", "kha": "Khá", "trung_binh": "TB", "kem": "Kém"}
MAX_GRID_BRANCHES = 400  # beyond this the dashboard shows the organisations below instead


@dataclass
class Dashboard:
    organisation: dict[str, Any]
    year: int
    months: list[str]
    grid: Table | None
    children: Table | None
    flags: Table
    requests: Table
    ranking: Table
    chart: dict[str, Any]
    branch_count: int


def months_of(year: int, today: date) -> list[str]:
    last = today.month if year == today.year else 12
    return [f"{year}-{m:02d}" for m in range(1, last + 1)]


def top_grade(by_grade: dict[str, int]) -> str | None:
    counted = [(n, g) for g, n in by_grade.items() if n]
    return max(counted)[1] if counted else None


def grid_table(
    branches: list[dict[str, Any]],
    months: list[str],
    meetings: dict[str, list[dict[str, Any]]],
    reports: dict[str, dict[str, Any]],
    today: date,
) -> Table:
    current = month_key(today)
    table = Table(
        "luoi",
        "Sinh hoạt chi bộ theo tháng",
        ["Chi bộ", *[thang(m).removeprefix("Tháng ") for m in months]],
        caption="Xanh: họp đúng lịch; vàng: họp ngoài lịch; đỏ: tháng đã qua không họp. "
        "Chữ: xếp loại buổi họp.",
    )
    by_branch_month: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for month, items in meetings.items():
        for meeting in items:
            by_branch_month.setdefault((meeting["branch_id"], month), []).append(meeting)
    lines = {
        month: {line["branch_id"]: line for line in report.get("lines", [])}
        for month, report in reports.items()
    }
    for branch in branches:
        cells = [Cell(branch["name"])]
        for month in months:
            held = by_branch_month.get((branch["id"], month), [])
            line = lines.get(month, {}).get(branch["id"])
            grade = top_grade(line["by_grade"]) if line else None
            label = thang(month)
            if held:
                late = not any(m["within_scheduled_window"] for m in held)
                short = SHORT_GRADES.get(grade or "", "Đã họp")
                status = "họp ngoài lịch" if late else "họp đúng lịch"
                note = f"{label}: {status}" + (f", xếp loại {GRADES[grade]}" if grade else "")
                cells.append(Cell(short, short, "late" if late else "met", note))
            elif month < current:
                cells.append(Cell("Không", "Không họp", "missed", f"{label}: không họp"))
            else:
                cells.append(Cell("–", "", "", f"{label}: chưa đến hạn"))
        table.rows.append(cells)
    return table


def flags_table(flags: list[dict[str, Any]], names: dict[str, str]) -> Table:
    table = Table("canh-bao", "Cảnh báo tuân thủ", ["Chi bộ", "Kỳ", "Mức", "Nội dung"])
    for flag in flags:
        if flag["branch_id"] not in names:
            continue
        severity = {"warning": "Cảnh báo", "critical": "Nghiêm trọng"}.get(
            flag["severity"], flag["severity"]
        )
        table.add(names[flag["branch_id"]], ky(flag["period"]), severity, flag["message"])
    return table


def requests_table(summary: list[dict[str, Any]]) -> Table:
    table = Table(
        "kien-nghi",
        "Kiến nghị chưa giải quyết theo cấp",
        ["Cấp đang giữ", "Đang mở", "Quá hạn, đã chuyển lên"],
        numeric={1, 2},
    )
    for row in summary:
        level = "Nơi nhận ban đầu" if row["level"] == 0 else f"Chuyển lên {row['level']} cấp"
        table.add(
            level, Cell(so(row["open"]), row["open"]), Cell(so(row["escalated"]), row["escalated"])
        )
    return table


def ranking_table(report: dict[str, Any], names: dict[str, str], year: int) -> Table:
    table = Table(
        "xep-hang",
        f"Xếp hạng tạm tính năm {year}",
        ["Hạng", "Chi bộ", "Số buổi họp", "Số tháng có họp", "Điểm bình quân", "Tỷ lệ dự họp"],
        numeric={0, 2, 3, 4, 5},
        caption="Theo điểm bình quân chính thức (đã xác nhận, nếu chưa thì điểm tự chấm).",
    )
    lines = [line for line in report.get("lines", []) if line["branch_id"] in names]
    lines.sort(key=lambda line: -(line["average_points"] or -1))
    rank, previous = 0, None
    for position, line in enumerate(lines, start=1):
        if line["average_points"] != previous:
            rank, previous = position, line["average_points"]
        shown = rank if line["average_points"] is not None else None
        table.add(
            Cell(so(shown) if shown else "–", shown),
            names[line["branch_id"]],
            Cell(so(line["meetings"]), line["meetings"]),
            Cell(so(line["months_met"]), line["months_met"]),
            Cell(so(line["average_points"], 1), line["average_points"]),
            Cell(phan_tram(line["attendance_rate"]), line["attendance_rate"]),
        )
    return table


def children_table(children: list[tuple[dict[str, Any], dict[str, Any]]], year: int) -> Table:
    table = Table(
        "cap-duoi",
        f"Các tổ chức trực thuộc – năm {year}",
        ["Tổ chức", "Số chi bộ", "Chi bộ có họp", "Tỷ lệ", "Điểm bình quân"],
        numeric={1, 2, 3, 4},
    )
    for org, report in children:
        table.add(
            Cell(org["name"], org["name"], href=f"/theo-doi?org={org['id']}&nam={year}"),
            Cell(so(report["branches"]), report["branches"]),
            Cell(so(report["branches_met"]), report["branches_met"]),
            Cell(phan_tram(report["coverage"]), report["coverage"]),
            Cell(so(report["average_points"], 1), report["average_points"]),
        )
    return table


async def build(ctx: Ctx, organisation_id: str, year: int, today: date) -> Dashboard:
    organisation = await ctx.registry.organisation(organisation_id)
    months = months_of(year, today)
    tree_day = min(today, date(year, 12, 31))
    branches = await ctx.registry.subtree(
        organisation_id, tree_day, branches_only=True, max_pages=3
    )
    branches = [b for b in branches if b["kind"] in BRANCH_KINDS]
    names = {b["id"]: b["name"] for b in branches}
    year_report, flags, summary = await asyncio.gather(
        ctx.scoring.branch_report(organisation_id, str(year)),
        ctx.scoring.flags(period=str(year)),
        ctx.meetings.request_summary(organisation_id),
    )
    grid = children = None
    month_reports: dict[str, dict[str, Any]] = {}
    if len(branches) <= MAX_GRID_BRANCHES:
        meetings_lists, reports = await asyncio.gather(
            asyncio.gather(
                *(ctx.meetings.meetings(organisation_id=organisation_id, month=m) for m in months)
            ),
            asyncio.gather(*(ctx.scoring.branch_report(organisation_id, m) for m in months)),
        )
        month_reports = dict(zip(months, reports, strict=True))
        grid = grid_table(
            branches, months, dict(zip(months, meetings_lists, strict=True)), month_reports, today
        )
    else:
        below = [
            o
            for o in await ctx.registry.children(organisation_id, tree_day)
            if o["kind"] not in BRANCH_KINDS
        ]
        below_reports = await asyncio.gather(
            *(ctx.scoring.branch_report(o["id"], str(year)) for o in below)
        )
        children = children_table(list(zip(below, below_reports, strict=True)), year)
    coverage = {m["month"]: m["coverage"] for m in year_report.get("months", [])}
    chart = {
        "labels": [thang(m).removeprefix("Tháng ") for m in months],
        "coverage": [round((coverage.get(m) or 0) * 100, 1) for m in months],
        "average": [month_reports.get(m, {}).get("average_points") for m in months],
        "grades": dict(
            Counter({GRADES.get(g, g): n for g, n in (year_report.get("by_grade") or {}).items()})
        ),
    }
    return Dashboard(
        organisation=organisation,
        year=year,
        months=months,
        grid=grid,
        children=children,
        flags=flags_table(flags, names),
        requests=requests_table(summary),
        ranking=ranking_table(year_report, names, year),
        chart=chart,
        branch_count=len(branches),
    )
