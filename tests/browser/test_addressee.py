"""The commune office answers a request raised by a branch; the branch's secretary sees the
answer and its timeline."""

from __future__ import annotations

import re

from conftest import new_context, screenshot, sign_in_as
from playwright.sync_api import Browser, Page, expect
from province import World

ANSWER = "Xã đã bố trí 50 triệu đồng; thi công trong tháng tới."


def test_addressee_answers_and_the_secretary_sees_the_answer(
    page: Page, browser: Browser, world: World
) -> None:
    sign_in_as(page, "vanphong", "/tra-loi")
    expect(page.get_by_role("heading", name=re.compile("Kiến nghị cần trả lời"))).to_be_visible()
    row = page.locator("tr", has_text="Sửa đường bê tông liên thôn")
    expect(row).to_contain_text("Chi bộ thôn Đông Hà")
    expect(row).to_contain_text("ngày làm việc")
    screenshot(page, "kien-nghi-can-tra-loi")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "kien-nghi-can-tra-loi")
    row.get_by_role("link").click()

    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.get_by_role("status")).to_contain_text("Tiếp nhận")
    page.get_by_role("button", name="Trả lời").click()  # without text: refused beside the field
    expect(page.locator(".field-error")).to_contain_text("cần ghi nội dung")
    page.get_by_label("Nội dung trả lời, lý do hoặc giải thích").fill(ANSWER)
    page.get_by_role("button", name="Trả lời").click()
    expect(page.get_by_role("status")).to_contain_text("Trả lời")
    expect(page.locator("#tra-loi")).to_have_text(ANSWER)
    url = page.url.split("?")[0]

    secretary = new_context(browser, world)
    try:
        mine = secretary.new_page()
        sign_in_as(mine, "bithu.a", "/chi-bo/kien-nghi")
        mine.locator("tr", has_text="Sửa đường bê tông liên thôn").get_by_role("link").click()
        assert mine.url == url
        expect(mine.locator("#tra-loi")).to_have_text(ANSWER)
        timeline = mine.locator("ol.timeline")
        expect(timeline).to_contain_text("Nêu kiến nghị")
        expect(timeline).to_contain_text("Tiếp nhận")
        expect(timeline).to_contain_text(ANSWER)
        expect(mine.get_by_role("button", name="Đồng ý với trả lời (đóng)")).to_be_visible()
        screenshot(mine, "kien-nghi-tien-trinh", at="#tra-loi")
    finally:
        secretary.close()
