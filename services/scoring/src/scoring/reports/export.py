"""The branch report as CSV (one line per branch) and XLSX (summary, branches, weakest)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from scoring.reports.schemas import BranchLineOut, BranchReportOut
from scoring.reports.vietnamese import criterion_label, period_label
from scoring.rollups.service import GRADES

GRADE_NAMES = {"tot": "Tốt", "kha": "Khá", "trung_binh": "Trung bình", "kem": "Kém"}
HEADER = [
    "Chi bộ",
    "Số cuộc họp",
    "Số tháng có họp",
    "Điểm bình quân",
    *GRADE_NAMES.values(),
    "Tỷ lệ dự họp",
    "Tiêu chí mất điểm nhiều nhất",
    "Mã chi bộ",
]


def _row(line: BranchLineOut) -> list[object]:
    return [
        line.branch_name or line.branch_id,
        line.meetings,
        line.months_met,
        line.average_points if line.average_points is not None else "",
        *(line.by_grade[g] for g in GRADES),
        line.attendance_rate if line.attendance_rate is not None else "",
        "; ".join(
            f"{criterion_label(c.code, c.name)} (-{c.points_lost:g})" for c in line.criteria_lost
        ),
        line.branch_id,
    ]


def to_csv(report: BranchReportOut) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(_row(line) for line in report.lines)
    return ("\ufeff" + out.getvalue()).encode()  # BOM: spreadsheet programs read UTF-8 then


def to_xlsx(report: BranchReportOut) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Tổng hợp"
    summary.append(["Kỳ báo cáo", period_label(report.period)])
    summary.append(["Số chi bộ", report.branches])
    summary.append(["Số chi bộ có sinh hoạt", report.branches_met])
    summary.append(["Tỷ lệ chi bộ sinh hoạt", report.coverage])
    summary.append(["Số cuộc họp", report.meetings])
    summary.append(["Điểm bình quân", report.average_points])
    summary.append([])
    summary.append(["Xếp loại", "Số cuộc họp"])
    for g in GRADES:
        summary.append([GRADE_NAMES[g], report.by_grade[g]])
    summary.append([])
    summary.append(["Tháng", "Số chi bộ có họp", "Tỷ lệ"])
    for month in report.months:
        summary.append([period_label(month.month), month.branches_met, month.coverage])
    for title, lines in (("Chi bộ", report.lines), ("Yếu nhất", report.weakest)):
        sheet = book.create_sheet(title)
        sheet.append(HEADER)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for line in lines:
            sheet.append(_row(line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
