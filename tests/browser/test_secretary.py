"""The branch secretary in a real browser: an error of the API shown beside its field, the
month filled and submitted, the score sheet; and the secretary's own pages only."""

from __future__ import annotations

import re
from datetime import date

import httpx
from conftest import screenshot, sign_in_as
from playwright.sync_api import Page, expect
from province import BRANCH_A, World


def _open_form(page: Page) -> None:
    sign_in_as(page, "bithu.a")
    expect(page.get_by_role("heading", name="Chi bộ thôn Đông Hà")).to_be_visible()
    page.get_by_role("link", name=re.compile("Ghi biên bản tháng này|Tiếp tục bản nháp")).click()
    expect(
        page.get_by_role("heading", name=re.compile("Biên bản sinh hoạt chi bộ"))
    ).to_be_visible()


def test_an_api_error_is_shown_beside_the_field_it_names(page: Page, world: World) -> None:
    _open_form(page)
    page.fill("#started_time", "19:30")
    page.fill("#ended_time", "21:15")
    second = world.members[BRANCH_A][1]["full_name"]
    row = page.locator("li.roll-row", has_text=second)
    row.get_by_label("Vắng có lý do").check()  # and no reason: the meetings API refuses
    page.get_by_role("button", name="Gửi biên bản").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name=re.compile("lý do"))
    expect(link).to_have_attribute("href", "#roll-1-reason")
    reason = row.get_by_label("Lý do vắng")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(row.locator(".field-error")).to_contain_text("lý do")
    # What was entered is still there.
    expect(page.locator("#started_time")).to_have_value("19:30")
    expect(row.get_by_label("Vắng có lý do")).to_be_checked()
    screenshot(page, "loi-ben-truong", at=".error-summary")


def test_secretary_fills_and_submits_the_month_and_sees_the_score_sheet(
    page: Page, world: World
) -> None:
    _open_form(page)
    # The same month opened on a second phone, to be sent after the first (#19).
    other = page.context.new_page()
    other.goto("/chi-bo/hop")
    other.fill("#started_time", "19:00")
    other.fill("#ended_time", "20:45")
    other.select_option("#prev-0-status", "done_on_time")
    other.select_option("#prev-1-status", "done_late")
    page.fill("#started_time", "19:30")
    page.fill("#ended_time", "21:30")
    page.fill("#place", "Nhà văn hóa thôn Đông Hà")
    members = world.members[BRANCH_A]
    page.select_option("#chair_member_id", members[0]["member_id"])
    page.select_option("#minute_taker_member_id", members[2]["member_id"])
    absent = page.locator("li.roll-row", has_text=members[3]["full_name"])
    absent.get_by_label("Vắng có lý do").check()
    absent.get_by_label("Lý do vắng").fill("Đi làm ăn xa")
    for member in members[:4]:
        page.locator("li.roll-row", has_text=member["full_name"]).get_by_label(
            "Có phát biểu"
        ).check()
    for box in page.locator("#agenda_steps input[type=checkbox]").all():
        box.check()
    # Last month's two tasks, each reported on.
    page.select_option("#prev-0-status", "done_on_time")
    page.select_option("#prev-1-status", "in_progress")
    page.fill("#minutes", "Chi bộ thảo luận việc làm đường liên thôn và vận động hộ nghèo.")
    page.get_by_label("Nghị quyết đã được biểu quyết thông qua").check()
    page.fill("#votes-in_favour", "5")
    page.fill("#item-0-title", "Vận động 5 hộ tham gia làm đường")
    page.select_option("#item-0-owner", members[1]["member_id"])
    page.fill("#item-0-due_on", date.today().replace(day=28).strftime("%d/%m/%Y"))
    page.fill("#req-0-subject", "Hỗ trợ xi măng làm đường")
    page.fill("#req-0-text", "Đề nghị xã hỗ trợ 20 tấn xi măng cho tuyến đường thôn.")
    page.fill("#self-C3", "3")
    page.fill("#self-C4", "18")
    page.fill("#self-C5", "5")
    screenshot(page, "bien-ban", at="#roll")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "bien-ban")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="Gửi biên bản").click()

    expect(page.locator("[data-sent]")).to_contain_text("Đã gửi biên bản")
    sheet = page.locator("#phieu-diem")
    expect(sheet.locator("table.score")).to_be_visible(timeout=30_000)
    for code in ("C1", "C2", "C3", "C4", "C5", "C6", "C7"):
        expect(sheet.get_by_role("rowheader", name=re.compile(rf"^{code}\."))).to_be_visible()
    expect(sheet).to_contain_text("Tự chấm")
    screenshot(page, "phieu-diem", at="#phieu-diem")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "phieu-diem", at="#phieu-diem")

    month = date.today().strftime("%Y-%m")
    listed = httpx.get(
        f"{world.meetings}/v1/meetings",
        params={"branch_id": world.ids[BRANCH_A], "month": month},
        headers=world.admin_headers,
        timeout=10,
    ).json()["items"]
    assert len(listed) == 1
    # The second phone sends its copy: not an error to retry, the record already there.
    other.get_by_role("button", name="Gửi biên bản").click()
    expect(other).to_have_url(re.compile(f"/cuoc-hop/{listed[0]['id']}"))
    expect(other.locator("[data-already]")).to_contain_text("Đã có biên bản kỳ này")
    screenshot(other, "da-co-bien-ban", at="[data-already]")
    other.close()
    # Coming back to the form now says the month is recorded, with a link, not a new form.
    page.goto("/chi-bo/hop")
    expect(page.get_by_role("heading", name=re.compile("Đã ghi nhận biên bản"))).to_be_visible()
    expect(page.get_by_role("link", name="Xem biên bản và phiếu điểm")).to_have_attribute(
        "href", f"/cuoc-hop/{listed[0]['id']}"
    )


def test_a_secretary_sees_no_committee_page_and_no_other_branch(page: Page, world: World) -> None:
    sign_in_as(page, "bithu.a")
    for path in ("/theo-doi", "/quan-tri", "/tra-loi", "/du-hop"):
        response = page.goto(path)
        assert response is not None and response.status == 403, path
        expect(page.get_by_role("heading", name="Không có quyền xem trang này")).to_be_visible()
    other = httpx.get(
        f"{world.meetings}/v1/meetings",
        params={"branch_id": world.ids["E2E.XA.B"]},
        headers=world.admin_headers,
        timeout=10,
    ).json()["items"][0]
    response = page.goto(f"/cuoc-hop/{other['id']}")
    assert response is not None and response.status == 403
    page.goto("/chi-bo")
    nav = page.get_by_role("navigation", name="Trang chính")
    expect(nav.get_by_role("link")).to_have_text(["Chi bộ", "Hộp thư"])
