"""Reading an uploaded list: XLSX (first sheet) or CSV (UTF-8 with or without BOM, comma,
semicolon or tab), as a header row and numbered data rows — within `Limits`.

A file is refused (`TooLarge`, a 413 over HTTP) past its bytes, rows or columns, and an XLSX
past what its zip unpacks to, checked from the zip's directory before anything is unpacked. The
sheet's own `<dimension>` is never trusted to read by: a sheet claiming more rows or columns
than allowed is refused from that claim alone, and every other sheet is read row by row as it
really is (openpyxl would otherwise pad every row out to the claimed width and height), stopping
at the limit. The service calls this off the event loop (`asyncio.to_thread`).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook  # at start-up, not in the first import's time

from registry.imports.rules import Cell

XLSX_MAGIC = b"PK\x03\x04"
MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much one import may be: the request body, data rows (blank rows aside), columns,
    and what an XLSX unpacks to. Blank rows are skipped but counted up to as many again."""

    max_bytes: int = 10 * MiB
    max_rows: int = 50_000
    max_columns: int = 50
    max_unpacked_bytes: int = 64 * MiB

    @classmethod
    def of(cls, settings: Any) -> Limits:
        """From `RegistrySettings` (`import_max_*`); the defaults for settings without them."""
        return cls(
            max_bytes=getattr(settings, "import_max_bytes", cls.max_bytes),
            max_rows=getattr(settings, "import_max_rows", cls.max_rows),
            max_columns=getattr(settings, "import_max_columns", cls.max_columns),
            max_unpacked_bytes=getattr(
                settings, "import_max_unpacked_bytes", cls.max_unpacked_bytes
            ),
        )


# The command line reads a file the operator chose: a whole province's members fit.
CLI_LIMITS = Limits(
    max_bytes=1024 * MiB, max_rows=1_000_000, max_columns=200, max_unpacked_bytes=2048 * MiB
)


class UnreadableFile(ValueError):
    """The file is neither a readable XLSX nor UTF-8 CSV; the message is for the user."""


class TooLarge(ValueError):
    """The file is over one of its `Limits` (`what`: bytes, rows, columns, unpacked)."""

    def __init__(self, message: str, what: str, limit: int) -> None:
        super().__init__(message)
        self.what, self.limit = what, limit


@dataclass
class Table:
    header: Sequence[Cell]
    rows: Iterator[tuple[int, Sequence[Cell]]]
    total: int


def _n(count: int) -> str:
    return f"{count:,}".replace(",", ".")  # 50.000, as Vietnamese write it


def _size(count: int) -> str:
    return f"{count / MiB:.0f} MiB" if count >= MiB else f"{_n(count)} byte"


def is_xlsx(data: bytes) -> bool:
    return data.startswith(XLSX_MAGIC)


def read_table(data: bytes, limits: Limits = Limits()) -> Table:
    if len(data) > limits.max_bytes:
        raise TooLarge(
            f"Tệp {_size(len(data))} vượt giới hạn {_size(limits.max_bytes)} mỗi lần nhập; "
            "hãy chia tệp thành nhiều phần.",
            "bytes",
            limits.max_bytes,
        )
    return _read_xlsx(data, limits) if is_xlsx(data) else _read_csv(data, limits)


def _blank(cells: Sequence[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _trimmed(cells: Sequence[Cell]) -> Sequence[Cell]:
    end = len(cells)
    while end and (cells[end - 1] is None or cells[end - 1] == ""):
        end -= 1
    return cells[:end]


def _too_many_rows(limits: Limits) -> TooLarge:
    return TooLarge(
        f"Tệp có hơn {_n(limits.max_rows)} dòng dữ liệu, vượt giới hạn mỗi lần nhập; hãy chia "
        "tệp thành nhiều phần (hoặc dùng lệnh python -m registry import).",
        "rows",
        limits.max_rows,
    )


def _too_many_columns(row: int, count: int, limits: Limits) -> TooLarge:
    return TooLarge(
        f"Dòng {row} có {_n(count)} cột, vượt giới hạn {limits.max_columns} cột; hãy xóa các "
        "cột thừa.",
        "columns",
        limits.max_columns,
    )


def _collect(rows: Iterable[Sequence[Cell]], limits: Limits) -> Table:
    """Header and numbered non-blank rows (header = row 1), refused past the limits as they
    come: nothing past the limit is kept or even read."""
    header: Sequence[Cell] | None = None
    body: list[tuple[int, Sequence[Cell]]] = []
    most_rows = 2 * limits.max_rows + 1  # blank rows count too, up to as many again
    for number, raw in enumerate(rows, start=1):
        if number > most_rows:
            raise _too_many_rows(limits)
        cells = _trimmed(raw)
        if len(cells) > limits.max_columns:
            raise _too_many_columns(number, len(cells), limits)
        if header is None:
            header = cells
        elif not _blank(cells):
            if len(body) == limits.max_rows:
                raise _too_many_rows(limits)
            body.append((number, cells))
    if header is None:
        raise UnreadableFile("Tệp trống.")
    return Table(header, iter(body), len(body))


def _read_csv(data: bytes, limits: Limits) -> Table:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"Tệp không phải CSV mã UTF-8 (byte lỗi ở vị trí {exc.start}); "
            "hãy lưu lại với «CSV UTF-8» hoặc dùng XLSX."
        ) from exc
    first_line = content.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        return _collect(reader, limits)
    except csv.Error as exc:
        raise UnreadableFile(
            f"Tệp CSV hỏng ở dòng {reader.line_num}: một ô quá dài hoặc dấu ngoặc kép không đóng."
        ) from exc


def _read_xlsx(data: bytes, limits: Limits) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UnreadableFile("Không đọc được tệp XLSX.") from exc
    if unpacked > limits.max_unpacked_bytes:
        raise TooLarge(
            f"Tệp XLSX khi giải nén là {_size(unpacked)}, vượt giới hạn "
            f"{_size(limits.max_unpacked_bytes)}; hãy chia tệp hoặc lưu dạng CSV.",
            "unpacked",
            limits.max_unpacked_bytes,
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableFile("Không đọc được tệp XLSX.") from exc
    try:
        if not book.worksheets:
            raise UnreadableFile("Tệp XLSX không có trang tính nào.")
        sheet: Any = book.worksheets[0]
        rows, columns = sheet.max_row, sheet.max_column  # what <dimension> claims, if anything
        if rows is not None and rows > 2 * limits.max_rows + 1:
            raise TooLarge(
                f"Trang tính khai báo vùng dữ liệu đến dòng {_n(rows)}, vượt giới hạn "
                f"{_n(limits.max_rows)} dòng mỗi lần nhập; hãy xóa các dòng thừa hoặc chia tệp.",
                "rows",
                limits.max_rows,
            )
        if columns is not None and columns > limits.max_columns:
            raise TooLarge(
                f"Trang tính khai báo {_n(columns)} cột, vượt giới hạn {limits.max_columns} cột; "
                "hãy xóa các cột thừa.",
                "columns",
                limits.max_columns,
            )
        # Read what is there, not what the sheet claims (see the module's doc).
        sheet.reset_dimensions()
        try:
            return _collect(sheet.iter_rows(values_only=True), limits)
        except (TooLarge, UnreadableFile):
            raise
        except Exception as exc:
            raise UnreadableFile("Không đọc được tệp XLSX (nội dung trang tính hỏng).") from exc
    finally:
        book.close()
