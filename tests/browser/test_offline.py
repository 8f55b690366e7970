"""The meeting form without a connection: submitted while offline it waits on the phone, says
so, and once the connection is back it is sent and recorded exactly once (its Idempotency-Key
travels with it, so even a second send of the same item makes no second meeting)."""

from __future__ import annotations

import re
from datetime import date

import httpx
from conftest import screenshot, sign_in_as
from playwright.sync_api import BrowserContext, Page, expect
from province import BRANCH_B, World


def _meetings_this_month(world: World) -> list[dict[str, object]]:
    return list(
        httpx.get(
            f"{world.meetings}/v1/meetings",
            params={"branch_id": world.ids[BRANCH_B], "month": date.today().strftime("%Y-%m")},
            headers=world.admin_headers,
            timeout=10,
        ).json()["items"]
    )


def test_meeting_submitted_offline_is_recorded_once_when_back_online(
    context: BrowserContext, page: Page, world: World
) -> None:
    sign_in_as(page, "bithu.b", "/chi-bo/hop")
    expect(
        page.get_by_role("heading", name=re.compile("Biên bản sinh hoạt chi bộ"))
    ).to_be_visible()
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now served through the service worker, which keeps a copy

    context.set_offline(True)
    page.fill("#started_time", "19:00")
    page.fill("#ended_time", "20:45")
    page.select_option("#prev-0-status", "done_on_time")
    page.select_option("#prev-1-status", "done_late")
    page.fill("#minutes", "Họp khi mất mạng; gửi sau.")
    page.get_by_role("button", name="Gửi biên bản").click()

    banner = page.locator("#hang-cho")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Đang chờ gửi 1 mục")
    expect(banner).to_contain_text("Chi bộ thôn Tây Sơn")
    screenshot(page, "hang-cho-ngoai-tuyen")
    assert _meetings_this_month(world) == []
    stored = page.evaluate("localStorage.getItem('chibo-hang-cho')")

    # Offline, the page opens from the phone's copy and still says what waits.
    page.reload()
    expect(page.locator("#hang-cho")).to_contain_text("Đang chờ gửi 1 mục")

    context.set_offline(False)
    page.evaluate(
        "window.dispatchEvent(new Event('online'))"
    )  # if the browser's came first, a no-op
    expect(banner).to_contain_text("Đã gửi", timeout=20_000)
    expect(banner).not_to_contain_text("Đang chờ gửi")
    assert len(_meetings_this_month(world)) == 1

    # The same item sent again (an answer lost on the way): still one meeting.
    page.evaluate("(item) => localStorage.setItem('chibo-hang-cho', item)", stored)
    page.reload()
    expect(banner).to_contain_text("Đã gửi", timeout=20_000)
    expect(banner).not_to_contain_text("Đang chờ gửi")
    meetings = _meetings_this_month(world)
    assert len(meetings) == 1
    banner.get_by_role("link").click()
    expect(page).to_have_url(re.compile(f"/cuoc-hop/{meetings[0]['id']}"))
