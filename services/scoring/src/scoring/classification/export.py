"""The annual table as XLSX, with Vietnamese headers in the shape of a province's published
table: organisations by level (count, %), members classified (count, % of all) and by level."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from scoring.classification.rules import LEVEL_NAMES, LEVELS
from scoring.classification.schemas import (
    AnnualTableOut,
    MembersOut,
    OrganisationsOut,
    TableLineOut,
)

BOLD = Font(bold=True)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _organisations(o: OrganisationsOut) -> list[object]:
    out: list[object] = [o.total, o.rated]
    for lv in LEVELS:
        out += [o.by_level[lv].count, o.by_level[lv].percent]
    return out


def _members(m: MembersOut) -> list[object]:
    out: list[object] = [m.total, m.classified.count, m.classified.percent]
    for lv in LEVELS:
        out += [m.by_level[lv].count, m.by_level[lv].percent]
    return out


def _header(sheet: Worksheet, groups: list[tuple[str, list[str]]], row: int) -> None:
    """Two header rows: a merged group title over its columns, then the columns."""
    col = 1
    for title, columns in groups:
        sheet.cell(row, col, title)
        if len(columns) > 1:
            sheet.merge_cells(
                start_row=row, start_column=col, end_row=row, end_column=col + len(columns) - 1
            )
        else:
            sheet.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
        for k, name in enumerate(columns):
            if len(columns) > 1:
                sheet.cell(row + 1, col + k, name)
        col += len(columns)
    for cells in sheet.iter_rows(min_row=row, max_row=row + 1):
        for cell in cells:
            cell.font, cell.alignment = BOLD, CENTRE


def _level_columns(first: list[str]) -> list[str]:
    out = list(first)
    for lv in LEVELS:
        out += [f"{LEVEL_NAMES[lv]} (số lượng)", f"{LEVEL_NAMES[lv]} (%)"]
    return out


ORGANISATION_COLUMNS = _level_columns(["Tổng số", "Được đánh giá, xếp loại"])
MEMBER_COLUMNS = _level_columns(["Tổng số", "Được phân loại", "Tỷ lệ được phân loại (%)"])


def _sheet(
    sheet: Worksheet,
    table: AnnualTableOut,
    title: str,
    groups: list[tuple[str, list[str]]],
    kinds: list[str],
) -> None:
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"Năm {table.year} — {table.name} — theo {table.rules.name}"])
    sheet.append([])
    _header(sheet, groups, 4)
    lines: list[tuple[int | None, TableLineOut]] = list(enumerate(table.rows, 1))
    if table.own is not None:
        lines.append((None, table.own))
    lines.append((None, table.total))
    for number, line in lines:
        cells: list[object] = [
            number,
            line.name if line is not table.total else f"Cộng {line.name}",
        ]
        for kind in kinds:
            part = getattr(line, kind)
            cells += _members(part) if kind == "members" else _organisations(part)
        sheet.append(cells)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    sheet.column_dimensions["B"].width = 40


def to_xlsx(table: AnnualTableOut) -> bytes:
    book = Workbook()
    main = book.active
    assert main is not None
    main.title = "Tổng hợp"
    _sheet(
        main,
        table,
        f"KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG TỔ CHỨC CƠ SỞ ĐẢNG VÀ ĐẢNG VIÊN NĂM {table.year}",
        [
            ("STT", ["STT"]),
            ("Tổ chức", ["Tổ chức"]),
            ("Tổ chức cơ sở đảng", ORGANISATION_COLUMNS),
            ("Đảng viên", MEMBER_COLUMNS),
        ],
        ["grassroots", "members"],
    )
    sub = book.create_sheet("Chi bộ trực thuộc")
    _sheet(
        sub,
        table,
        f"XẾP LOẠI CHI BỘ TRỰC THUỘC ĐẢNG ỦY CƠ SỞ NĂM {table.year}",
        [("STT", ["STT"]), ("Tổ chức", ["Tổ chức"]), ("Chi bộ trực thuộc", ORGANISATION_COLUMNS)],
        ["sub_branches"],
    )
    quota = book.create_sheet("Tỷ lệ xuất sắc")
    quota.append([f"Tỷ lệ xuất sắc theo {table.rules.name}"])
    quota["A1"].font = Font(bold=True, size=13)
    quota.append([table.rules.quota])
    quota.append([])
    quota.append(
        [
            "Đối tượng",
            "Nhóm tính tỷ lệ",
            "Hoàn thành tốt nhiệm vụ trở lên",
            "Hoàn thành xuất sắc nhiệm vụ",
            "Tối đa được xếp xuất sắc",
            "Tỷ lệ (%)",
            "Trong tỷ lệ",
        ]
    )
    for cell in quota[4]:
        cell.font = BOLD
    for c in table.quota:
        quota.append(
            [
                "Tổ chức đảng" if c.subjects == "organisations" else "Đảng viên",
                c.pool_name,
                c.good_or_above,
                c.excellent,
                c.cap,
                c.excellent_percent_of_base,
                "Có" if c.within else "Vượt",
            ]
        )
    quota.column_dimensions["B"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
