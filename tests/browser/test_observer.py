"""The observer: the branches followed, the report due before the 10th, the report filed."""

from __future__ import annotations

import re

import httpx
from conftest import screenshot, sign_in_as
from playwright.sync_api import Page, expect
from province import BRANCH_A, World


def test_observer_files_a_report_before_its_deadline(page: Page, world: World) -> None:
    sign_in_as(page, "quansat", "/du-hop")  # a commune committee member who also observes A
    expect(page.get_by_role("heading", name=re.compile("Dự sinh hoạt chi bộ"))).to_be_visible()
    followed = page.locator("section", has_text="Chi bộ được phân công theo dõi")
    expect(followed).to_contain_text("Chi bộ thôn Đông Hà")
    due = page.locator("section", has_text="Báo cáo cần nộp")
    expect(due).to_contain_text("Chi bộ thôn Đông Hà")
    screenshot(page, "du-hop")
    due.get_by_role("link", name="Viết báo cáo").first.click()

    expect(page.get_by_text(re.compile("Hạn nộp:"))).to_be_visible()
    page.get_by_label("Có dự").check()
    page.fill("#score-C3", "2,5")
    page.fill("#score-C4", "16")
    page.fill("#score-C5", "4")
    page.fill("#comments", "Chi bộ chuẩn bị chu đáo; cần nhiều ý kiến hơn ở phần tự phê bình.")
    screenshot(page, "bao-cao-du-hop")
    page.get_by_role("button", name="Nộp báo cáo").click()

    expect(page.get_by_role("status")).to_contain_text("Đã nộp báo cáo")
    filed = page.locator("section", has_text="Báo cáo đã nộp")
    expect(filed).to_contain_text("Chi bộ thôn Đông Hà")
    reports = httpx.get(
        f"{world.meetings}/v1/observer-reports",
        params={"branch_id": world.ids[BRANCH_A], "status": "filed"},
        headers=world.admin_headers,
        timeout=10,
    ).json()
    assert len(reports) == 1
    assert reports[0]["scores"] == {"C3": 2.5, "C4": 16.0, "C5": 4.0}
    assert reports[0]["attended"] is True
