"""Reading an uploaded list: XLSX (first sheet) or CSV (UTF-8 with or without BOM, comma,
semicolon or tab), as a header row and numbered data rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from registry.imports.rules import Cell

XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFile(ValueError):
    """The file is neither a readable XLSX nor UTF-8 CSV; the message is for the user."""


@dataclass
class Table:
    header: Sequence[Cell]
    rows: Iterator[tuple[int, Sequence[Cell]]]
    total: int


def is_xlsx(data: bytes) -> bool:
    return data.startswith(XLSX_MAGIC)


def read_table(data: bytes) -> Table:
    return _read_xlsx(data) if is_xlsx(data) else _read_csv(data)


def _blank(cells: Sequence[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _numbered(rows: Sequence[Sequence[Cell]]) -> Iterator[tuple[int, Sequence[Cell]]]:
    """Data rows with their spreadsheet row number (header = 1); blank rows are skipped."""
    for i, cells in enumerate(rows, start=2):
        if not _blank(cells):
            yield i, cells


def _read_csv(data: bytes) -> Table:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"Tệp không phải CSV mã UTF-8 (byte lỗi ở vị trí {exc.start}); "
            "hãy lưu lại với «CSV UTF-8» hoặc dùng XLSX."
        ) from exc
    first_line = content.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    rows: list[list[Cell]] = list(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter))
    if not rows:
        raise UnreadableFile("Tệp trống.")
    body = rows[1:]
    return Table(rows[0], _numbered(body), len(body))


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableFile("Không đọc được tệp XLSX.") from exc
    sheet = book.worksheets[0]
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    if not rows:
        raise UnreadableFile("Trang tính đầu tiên trống.")
    body = rows[1:]
    return Table(rows[0], _numbered(body), len(body))
