"""Bulk import over HTTP: a bad file writes nothing and names every bad cell; the corrected
file imports fully; the same file again changes nothing; CSV and XLSX alike."""

from __future__ import annotations

import io
import unicodedata

from openpyxl import Workbook
from registry_factories import Registry

ORG_HEADER = ["STT", "Mã tổ chức", "Tên", "Loại", "Mã cấp trên", "Ngày hiệu lực", "Loại hình"]
MEMBER_HEADER = [
    "Mã đảng viên",
    "Họ và tên",
    "Ngày sinh",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Mã chi bộ",
    "Trạng thái",
    "Số điện thoại",
    "Email",
    "CCCD",
]


def csv_bytes(rows: list[list[str]]) -> bytes:
    text = "\n".join(",".join(cell for cell in row) for row in rows)
    return ("\ufeff" + text).encode()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def organisations(bad: bool) -> list[list[str]]:
    # Decomposed (NFD) Vietnamese, as some tools save it: stored as NFC.
    commune = unicodedata.normalize("NFD", "Đảng bộ xã Thạch Long")
    return [
        ORG_HEADER,
        ["1", "HT", "Tỉnh ủy Hà Tĩnh", "Tỉnh ủy", "", "01/01/2000", ""],
        ["2", "HT.TL", commune, "đảng bộ xã", "HT", "2020-01-01", ""],
        [
            "3",
            "HT.TL.01",
            "Chi bộ thôn Đông Hà",
            "Chi bộ trực thuộc",
            "HT.TL" if not bad else "HT.XX",
            "01/01/2020",
            "thôn",
        ],
        [
            "4",
            "HT.TL.02",
            "Chi bộ thôn Bắc Sơn",
            "chi bộ trực thuộc",
            "HT.TL",
            "01/01/2020",
            "" if not bad else "chợ",
        ],
        [
            "5",
            "HT.TL.03",
            "Chi bộ Trường Tiểu học",
            "Chi bộ trực thuộc" if not bad else "phòng",
            "HT.TL",
            "01/01/2020" if not bad else "31/02/2020",
            "trường học",
        ],
    ]


def members(bad: bool) -> list[list[object]]:
    return [
        MEMBER_HEADER,
        [
            "42.000001",
            "Nguyễn Văn Hùng",
            "12/05/1970",
            "19/05/1995",
            "19/05/1996",
            "HT.TL.01",
            "Chính thức",
            912345678,  # a number in the sheet: the leading zero comes back
            "hung@example.vn",
            "042070001234" if not bad else "4207000",
        ],
        [
            "42.000002",
            "Lê Thị Mai",
            "03/02/1990",
            "01/03/2024",
            "" if not bad else "01/09/2024",
            "HT.TL.02",
            "Dự bị",
            "",
            "",
            "",
        ],
        [
            "42.000003",
            "Trần Đức Minh",
            "",
            "01/01/1980",
            "01/01/1981",
            "HT.TL.03" if not bad else "HT.TL.99",
            "",
            "",
            "",
            "",
        ],
    ]


async def post(api: Registry, kind: str, body: bytes, content_type: str) -> tuple[int, dict]:
    response = await api.client.post(
        f"/v1/imports/{kind}", content=body, headers={"Content-Type": content_type}
    )
    return response.status_code, response.json()


async def test_bad_rows_write_nothing_then_the_corrected_file_imports_once(api: Registry) -> None:
    status, problem = await post(api, "organisations", csv_bytes(organisations(True)), "text/csv")
    assert status == 422, problem
    assert problem["code"] == "import-rejected"
    cells = {(e["row"], e["column"]) for e in problem["errors"]}
    assert cells == {
        (4, "Mã cấp trên"),
        (5, "Loại hình"),
        (6, "Loại"),
        (6, "Ngày hiệu lực"),
    }, problem["errors"]
    assert all(e["detail"].startswith("Dòng ") for e in problem["errors"])
    assert await api.events() == []
    tree = await api.client.get("/v1/organisations")
    assert tree.json()["items"] == []

    status, report = await post(api, "organisations", csv_bytes(organisations(False)), "text/csv")
    assert status == 200, report
    assert (report["created"], report["unchanged"], report["errors"]) == (5, 0, [])
    assert report["ignored_columns"] == ["STT"]
    registered = await api.events("organisation.registered")
    assert len(registered) == 5
    names = {e["data"]["code"]: e["data"]["name"] for e in registered}
    assert names["HT.TL"] == "Đảng bộ xã Thạch Long"  # NFC
    kinds = {e["data"]["code"]: e["data"]["kind"] for e in registered}
    assert kinds["HT.TL"] == "commune" and kinds["HT.TL.03"] == "affiliated_branch"

    status, again = await post(api, "organisations", csv_bytes(organisations(False)), "text/csv")
    assert status == 200
    assert (again["created"], again["unchanged"], again["events"]) == (0, 5, 0)
    assert len(await api.events()) == 5


async def test_members_from_xlsx_all_or_nothing_and_idempotent(api: Registry) -> None:
    status, _ = await post(api, "organisations", csv_bytes(organisations(False)), "text/csv")
    assert status == 200
    before = len(await api.events())
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    status, problem = await post(api, "members", xlsx_bytes(members(True)), xlsx)
    assert status == 422, problem
    cells = {(e["row"], e["column"]) for e in problem["errors"]}
    assert cells == {(2, "CCCD"), (3, "Ngày chính thức"), (4, "Mã chi bộ")}, problem["errors"]
    assert len(await api.events()) == before

    dry = await api.client.post(
        "/v1/imports/members?dry_run=true",
        content=xlsx_bytes(members(False)),
        headers={"Content-Type": xlsx},
    )
    assert dry.status_code == 200 and dry.json()["created"] == 3 and not dry.json()["written"]
    assert len(await api.events()) == before

    status, report = await post(api, "members", xlsx_bytes(members(False)), xlsx)
    assert status == 200, report
    assert report["created"] == 3
    admitted = await api.events("member.admitted")
    assert sorted(e["data"]["status"] for e in admitted) == ["full", "full", "probationary"]
    assert "phone" not in admitted[0]["data"]

    status, again = await post(api, "members", xlsx_bytes(members(False)), xlsx)
    assert (status, again["created"], again["unchanged"], again["events"]) == (200, 0, 3, 0)
    assert len(await api.events("member.admitted")) == 3

    ids = {
        e["data"]["code"]: e["data"]["organisation_id"]
        for e in await api.events("organisation.registered")
    }
    assert await api.roster({"id": ids["HT.TL.01"]}, "2025-01-01") == {"Nguyễn Văn Hùng": "full"}


async def test_members_from_csv_with_a_conflicting_row_are_refused(api: Registry) -> None:
    await post(api, "organisations", csv_bytes(organisations(False)), "text/csv")
    rows = [[str(c) for c in row] for row in members(False)]
    status, _ = await post(api, "members", csv_bytes(rows), "text/csv")
    assert status == 200
    rows[1][1] = "Nguyễn Văn Hưng"
    status, problem = await post(api, "members", csv_bytes(rows), "text/csv")
    assert status == 422
    assert [(e["row"], e["column"], e["code"]) for e in problem["errors"]] == [
        (2, "Họ và tên", "conflict")
    ]


async def test_implausible_dates_in_a_file_are_named_like_the_api_names_them(api: Registry) -> None:
    """The windows of the API (#19) hold for imports too: a year 5999, a founding before 1930,
    a birth in the future."""
    rows = organisations(False)
    rows[2][5] = "01/01/5999"
    rows[3][5] = "01/01/1920"
    status, problem = await post(api, "organisations", csv_bytes(rows), "text/csv")
    assert status == 422
    found = {(e["row"], e["code"]) for e in problem["errors"]}
    assert {(3, "date-too-late"), (4, "date-too-early")} <= found, problem["errors"]
    await post(api, "organisations", csv_bytes(organisations(False)), "text/csv")
    people = [[str(c) for c in row] for row in members(False)]
    people[1][2] = "12/05/2990"
    status, problem = await post(api, "members", csv_bytes(people), "text/csv")
    assert status == 422
    assert [(e["row"], e["column"], e["code"]) for e in problem["errors"]] == [
        (2, "Ngày sinh", "date-in-future")
    ]
