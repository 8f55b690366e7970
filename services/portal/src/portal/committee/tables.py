"""Tables as data: one shape rendered as HTML by the pages and written as XLSX for download,
so a table on screen and its spreadsheet never disagree."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILLS = {
    "met": "CCE2D8",
    "late": "F0C36D",
    "missed": "F6D7D2",
}


@dataclass
class Cell:
    """A value with how to show it: `text` on the page, `value` in the spreadsheet (numbers
    stay numbers), `kind` colours a grid cell, `note` is read out by screen readers."""

    text: str
    value: Any = None
    kind: str = ""
    note: str = ""
    href: str = ""


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    numeric: set[int] = field(default_factory=set)  # right-aligned columns
    caption: str = ""

    def add(self, *cells: Cell | str | float | int | None) -> None:
        self.rows.append(
            [c if isinstance(c, Cell) else Cell("" if c is None else str(c), c) for c in cells]
        )


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def to_xlsx(table: Table) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.title[:31].replace("/", "-")
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=13)
    if table.caption:
        sheet.append([table.caption])
    sheet.append(table.headers)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        sheet.append(
            [
                c.value if c.value is not None and not isinstance(c.value, str | dict) else c.text
                for c in row
            ]
        )
        for column, cell in enumerate(row, start=1):
            if cell.kind in FILLS:
                sheet.cell(sheet.max_row, column).fill = PatternFill(
                    "solid", fgColor=FILLS[cell.kind]
                )
    sheet.freeze_panes = sheet.cell(header_row + 1, 2)
    for column in range(1, len(table.headers) + 1):
        width = max(
            [len(table.headers[column - 1])]
            + [len(r[column - 1].text) for r in table.rows if len(r) >= column]
        )
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
