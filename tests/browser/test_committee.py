"""The commune committee's dashboard (grid of branches × months, charts, tables exported to
XLSX) and the administrator's tree and import; neither reaches the other's pages."""

from __future__ import annotations

import io
import re
from datetime import date

from conftest import new_context, screenshot, sign_in_as
from openpyxl import load_workbook
from playwright.sync_api import Browser, expect
from province import World, last_month


def test_commune_officer_opens_the_dashboard_and_exports_xlsx(
    browser: Browser, world: World
) -> None:
    context = new_context(browser, world, phone=False)
    try:
        page = context.new_page()
        sign_in_as(page, "vanphong", "/theo-doi")
        expect(
            page.get_by_role("heading", name=re.compile("Đảng bộ xã Thử Nghiệm"))
        ).to_be_visible()
        grid = page.locator("#bang-luoi")
        held = last_month(3, date.today())
        column = held.month if held.year == date.today().year else None
        for branch in ("Chi bộ thôn Đông Hà", "Chi bộ thôn Tây Sơn"):
            row = grid.locator("tr", has_text=branch)
            expect(row).to_be_visible()
            if column:
                expect(row.locator("td").nth(column - 1)).to_have_class(re.compile("met|late"))
        expect(page.locator("#bieu-do-ty-le canvas")).to_be_visible()
        screenshot(page, "theo-doi")
        page.set_viewport_size({"width": 390, "height": 844})
        screenshot(page, "theo-doi", at="#bang-luoi")
        page.set_viewport_size({"width": 1280, "height": 900})
        with page.expect_download() as info:
            grid.get_by_role("link", name=re.compile("Tải bảng Excel")).click()
        sheet = load_workbook(io.BytesIO(info.value.path().read_bytes())).active
        assert sheet is not None
        rows = [r for r in sheet.iter_rows(values_only=True)]
        assert rows[0][0] == "Sinh hoạt chi bộ theo tháng"
        names = {r[0] for r in rows[3:]}
        assert {"Chi bộ thôn Đông Hà", "Chi bộ thôn Tây Sơn"} <= names
        for path in ("/quan-tri", "/chi-bo/hop"):
            response = page.goto(path)
            assert response is not None and response.status == 403, path
    finally:
        context.close()


def test_administrator_browses_the_tree_and_imports_with_a_row_report(
    browser: Browser, world: World, tmp_path: object
) -> None:
    context = new_context(browser, world, phone=False)
    try:
        page = context.new_page()
        sign_in_as(page, "quantri-e2e", "/quan-tri")
        expect(page.get_by_role("heading", name=re.compile("Tỉnh Thử nghiệm"))).to_be_visible()
        page.get_by_role("link", name="Đảng bộ xã Thử Nghiệm").click()
        page.get_by_label("Tìm tổ chức (tên hoặc mã)").fill("tay son")
        page.get_by_role("button", name="Xem").click()
        expect(page.locator("section", has_text="Kết quả tìm")).to_contain_text(
            "Chi bộ thôn Tây Sơn"
        )
        screenshot(page, "cay-to-chuc")

        page.goto("/quan-tri/nhap")
        bad = (
            "Mã tổ chức,Tên,Loại,Mã cấp trên,Ngày hiệu lực\n"
            "E2E.XA.C,Chi bộ thôn Nam Sơn,chi bộ trực thuộc,E2E.XA,2024-01-01\n"
            "E2E.XA.D,Chi bộ thôn Bắc Sơn,chi bộ trực thuộc,KHONG-CO,2024-01-01\n"
        )
        page.set_input_files(
            "#file", files=[{"name": "to-chuc.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
        )
        page.get_by_role("button", name="Nhập").click()
        expect(page.get_by_text("Tệp có dòng lỗi: chưa ghi gì")).to_be_visible(timeout=20_000)
        errors = page.locator("table", has_text="Các dòng lỗi")
        expect(errors.locator("tbody tr")).to_have_count(1)
        expect(errors).to_contain_text("3")
        screenshot(page, "nhap-danh-sach")

        page.goto("/quan-tri/nhap")
        good = "\n".join(bad.splitlines()[:2]) + "\n"
        page.set_input_files(
            "#file",
            files=[{"name": "to-chuc.csv", "mimeType": "text/csv", "buffer": good.encode()}],
        )
        page.get_by_role("button", name="Nhập").click()
        expect(page.get_by_text("Đã ghi xong")).to_be_visible(timeout=20_000)
        expect(page.locator("#bao-cao")).to_contain_text("Đã tạo")
        page.goto("/quan-tri?q=nam+son")
        expect(page.locator("section", has_text="Kết quả tìm")).to_contain_text(
            "Chi bộ thôn Nam Sơn"
        )
    finally:
        context.close()
