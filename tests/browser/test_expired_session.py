"""A session that ends while the secretary types: the form is kept, sign-in comes back to it."""

from __future__ import annotations

import re
import sqlite3

from conftest import sign_in_as
from playwright.sync_api import Page, expect
from province import World

MINUTES = "Chi bộ bàn việc sửa đường liên thôn; phiên đăng nhập hết hạn giữa chừng."


def test_an_expired_session_returns_to_sign_in_without_losing_the_form(
    page: Page, world: World
) -> None:
    sign_in_as(page, "bithu.a", "/chi-bo/hop")
    page.fill("#place", "Nhà văn hóa thôn Đông Hà")
    page.fill("#minutes", MINUTES)
    assert world.portal_db is not None
    with sqlite3.connect(world.portal_db) as db:  # the token's lifetime runs out
        db.execute("UPDATE portal_session SET expires_at = '2000' || substr(expires_at, 5)")
    page.get_by_role("button", name="Lưu nháp").click()

    expect(page).to_have_url(re.compile("/dang-nhap"))
    expect(page.get_by_role("status")).to_contain_text("Phiên làm việc đã hết hạn")
    page.get_by_label("Tên đăng nhập").fill("bithu.a")
    page.get_by_label("Mật khẩu").fill("Thu-nghiem-2026")
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page).to_have_url(re.compile("/chi-bo/hop$"))
    expect(page.get_by_role("status")).to_contain_text("Đã khôi phục nội dung")
    expect(page.locator("#minutes")).to_have_value(MINUTES)
    expect(page.locator("#place")).to_have_value("Nhà văn hóa thôn Đông Hà")
