"""Browser tests: the four services and the portal as real processes on a broker vhost of their
own, a small province written through the APIs, and Debian's Chromium driven by Playwright.

One stack serves the whole set (starting it is most of the time), one browser each module;
each test opens its own browser context, so cookies and storage never leak between tests."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from chibo_stack import free_port, sign_in, stack
from province import PASSWORD, World, build

from chibo_testing.servers import get_broker
from service_kit.processes import ServiceProcess

REPO = Path(__file__).resolve().parents[2]
# A run writes its screenshots under .data/; CHIBO_SCREENSHOTS=docs refreshes the README's.
SHOTS = REPO / ("docs" if os.environ.get("CHIBO_SCREENSHOTS") == "docs" else ".data")
SHOTS /= "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium, installed by the project's own script when missing."""
    done = subprocess.run(
        [str(REPO / "deploy" / "local" / "chromium.sh")],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"chromium.sh failed:\n{done.stderr}"
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    broker = get_broker()
    vhost = f"browser-{uuid.uuid4().hex[:10]}"
    amqp_url = broker.new_vhost(vhost)
    workdir = tmp_path_factory.mktemp("browser-stack")
    try:
        with stack(amqp_url, workdir) as procs:
            portal = ServiceProcess(
                "portal",
                free_port(),
                env={
                    "PORTAL_DATABASE_URL": f"sqlite+aiosqlite:///{workdir}/portal.db",
                    "PORTAL_REGISTRY_URL": procs["registry"].url,
                    "PORTAL_MEETINGS_URL": procs["meetings"].url,
                    "PORTAL_SCORING_URL": procs["scoring"].url,
                    "PORTAL_NOTIFICATIONS_URL": procs["notifications"].url,
                    "PORTAL_LOG_FORMAT": "json",
                },
                log_path=workdir / "portal.log",
            )
            portal.start()
            try:
                portal.wait_ready(60)
                urls = {name: p.url for name, p in procs.items()}
                urls["portal"] = portal.url
                built = build(urls, sign_in(procs), date.today())
                built.portal_db = workdir / "portal.db"
                yield built
            finally:
                portal.stop()
    finally:
        broker.delete_vhost(vhost)


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    # Per module: Playwright's sync API keeps an event loop running while it is open, which
    # asyncio tests collected after the browser tests could not share.
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def new_context(browser: Browser, world: World, *, phone: bool = True) -> BrowserContext:
    context = browser.new_context(
        base_url=world.portal,
        viewport=PHONE if phone else DESKTOP,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        service_workers="allow",
    )
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def context(browser: Browser, world: World) -> Iterator[BrowserContext]:
    ctx = new_context(browser, world)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def sign_in_as(page: Page, username: str, next_path: str = "/") -> None:
    page.goto(f"/dang-nhap?next={next_path}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def screenshot(page: Page, name: str, at: str | None = None) -> None:
    """<SHOTS>/<name>-phone.png or -desktop.png, by the page's current width; the
    view starts at the element `at` (a CSS selector), else at the top of the page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    if at:
        page.locator(at).first.evaluate("el => el.scrollIntoView()")
    else:
        page.evaluate("window.scrollTo(0, 0)")
    width = page.viewport_size["width"] if page.viewport_size else 0
    suffix = "phone" if width < 600 else "desktop"
    page.screenshot(path=str(SHOTS / f"{name}-{suffix}.png"), full_page=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is a browser test, and all of them share one stack: under pytest -n they
    run in one worker (xdist group), beside the rest of the suite."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.broker)
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group("browser"))


os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
