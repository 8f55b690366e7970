"""Imports within bounds: bytes, rows and columns capped (413 with a Vietnamese message naming
the limit); an XLSX read as it really is, never by its `<dimension>` (a sheet claiming a million
rows or 16,384 columns is refused at once, one claiming too few loses no row); what a zip may
unpack to checked before unpacking; a broken CSV is a 422, never a 500."""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import AsyncIterator

import pytest
from openpyxl import Workbook
from registry_factories import Registry

from chibo_testing.plugin import migrated
from chibo_testing.tokens import signed_client
from registry.imports.reader import Limits, TooLarge, UnreadableFile, read_table
from registry.main import MIGRATIONS, build_app
from registry.settings import RegistrySettings

HEADER = ["Mã tổ chức", "Tên", "Loại", "Mã cấp trên", "Ngày hiệu lực"]
SMALL = Limits(max_bytes=64 * 1024, max_rows=50, max_columns=10, max_unpacked_bytes=1024 * 1024)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_dimension(data: bytes, ref: str) -> bytes:
    """The same workbook with its first sheet claiming `ref` as its used range."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body, found = re.subn(
                    rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{ref}"/>'.encode(), body
                )
                assert found == 1
            target.writestr(item, body)
    return out.getvalue()


def organisations(count: int) -> list[list[object]]:
    return [HEADER] + [
        [f"T.{i}", f"Chi bộ {i}", "chi bộ trực thuộc", "T", "2020-01-01"] for i in range(count)
    ]


def refused(data: bytes, limits: Limits = SMALL) -> TooLarge:
    with pytest.raises(TooLarge) as caught:
        read_table(data, limits)
    return caught.value


def test_a_sheet_claiming_a_million_rows_or_every_column_is_refused_at_once() -> None:
    started = time.perf_counter()
    million = refused(with_dimension(xlsx(organisations(3)), "A1:Z1000000"))
    assert million.what == "rows" and "1.000.000" in str(million) and "50 dòng" in str(million)
    wide = refused(with_dimension(xlsx(organisations(3)), "A1:XFD4"))
    assert wide.what == "columns" and "16.384 cột" in str(wide)
    assert time.perf_counter() - started < 2


def test_a_sheet_claiming_too_little_is_read_as_it_really_is() -> None:
    table = read_table(with_dimension(xlsx(organisations(40)), "A1:B3"), SMALL)
    assert list(table.header) == HEADER
    rows = list(table.rows)
    assert len(rows) == 40 and rows[-1][0] == 41 and len(rows[-1][1]) == 5
    over = refused(with_dimension(xlsx(organisations(51)), "A1:B3"))
    assert over.what == "rows" and "hơn 50 dòng" in str(over)


def test_rows_columns_bytes_and_unpacked_size_are_capped() -> None:
    assert len(list(read_table(xlsx(organisations(50)), SMALL).rows)) == 50
    blank_rows = (
        organisations(3)
        + [[None] * 5] * 60
        + [["T.X", "X", "chi bộ trực thuộc", "T", "2020-01-01"]]
    )
    assert len(list(read_table(xlsx(blank_rows), SMALL).rows)) == 4  # blank rows are skipped…
    assert refused(xlsx(organisations(3) + [[None] * 5] * 120)).what == "rows"  # …but counted
    wide = xlsx([HEADER, ["T.1", *["x"] * 11]])
    assert "Trang tính khai báo 12 cột" in str(refused(wide))
    assert "Dòng 2 có 12 cột" in str(refused(with_dimension(wide, "A1:B2")))  # not trusted
    csv = "\n".join(",".join(str(c) for c in row) for row in organisations(51)).encode()
    assert refused(csv).what == "rows"
    assert refused(b"a," * 11 + b"\n1\n").what == "columns"
    big = refused(b"x" * (64 * 1024 + 1))
    assert big.what == "bytes" and "vượt giới hạn 65.536 byte" in str(big)
    bomb = xlsx([HEADER, ["T.1", "a" * 30_000, "chi bộ trực thuộc", "T", "2020-01-01"]] * 40)
    assert len(bomb) < SMALL.max_bytes  # small packed, large unpacked
    assert refused(bomb, Limits(max_unpacked_bytes=512 * 1024)).what == "unpacked"


def test_a_broken_file_is_unreadable_not_a_crash() -> None:
    with pytest.raises(UnreadableFile, match="dòng 2"):
        read_table(b'a,b\n"' + b"x" * 200_000 + b"\n", Limits())
    with pytest.raises(UnreadableFile):
        read_table(b"PK\x03\x04 not really a zip", Limits())
    with pytest.raises(UnreadableFile):
        read_table(b"", Limits())


@pytest.fixture
async def small(db_url: str) -> AsyncIterator[Registry]:
    db = await migrated(db_url, MIGRATIONS)
    await db.dispose()
    settings = RegistrySettings(
        database_url=db_url,
        amqp_url="amqp://guest:guest@127.0.0.1:1/",  # type: ignore[arg-type]
        import_max_bytes=32 * 1024,
        import_max_rows=5,
        import_max_columns=10,
    )
    app = build_app(settings)
    async with signed_client(app, "http://registry") as client:
        yield Registry(client, app.state.runtime)
    await app.state.runtime.db.dispose()


async def test_over_http_the_caps_are_413_in_vietnamese(small: Registry) -> None:
    async def post(body: bytes, media: str = "text/csv") -> tuple[int, dict[str, object]]:
        response = await small.client.post(
            "/v1/imports/organisations", content=body, headers={"Content-Type": media}
        )
        assert response.headers["content-type"] == "application/problem+json", response.text
        return response.status_code, response.json()

    status, problem = await post(with_dimension(xlsx(organisations(3)), "A1:Z1000000"), XLSX)
    assert (status, problem["code"], problem["exceeded"], problem["limit"]) == (
        413,
        "import-too-large",
        "rows",
        5,
    )
    assert "Trang tính khai báo vùng dữ liệu đến dòng 1.000.000" in str(problem["detail"])
    csv = "\n".join(",".join(str(c) for c in row) for row in organisations(6)).encode()
    status, problem = await post(csv)
    assert (status, problem["exceeded"]) == (413, "rows")
    # Over the path's body limit: refused before the route reads a byte (the body limit of
    # /v1/imports/ is the import's byte cap, not the 1 MiB of the other paths).
    status, problem = await post(b"x" * (32 * 1024 + 1))
    assert (status, problem["code"], problem["limit_bytes"]) == (413, "body-too-large", 32 * 1024)
    assert await small.events() == []
