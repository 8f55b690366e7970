"""Page weight and time of the portal's main pages, as a phone on this machine sees them.

Run it beside `make run` (the demo province loaded):
    .venv/bin/python services/portal/bench/page_bench.py [--portal http://127.0.0.1:8005]

For each page, each demo person signs in in a fresh Chromium context (empty cache) and the
page is loaded `--repeat` times; printed: bytes transferred (the page and every file it loads,
compressed as sent), the HTML's server time, and the time until the load event (the page is
rendered and its scripts have run). The budget of issue #15 is 150 KB and 1 s; this script
prints the numbers, it does not judge them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "demo-Chibo-2026"
PAGES = [
    ("bithu-chibo", "/chi-bo", "Chi bộ: trang chính"),
    ("bithu-chibo", "/chi-bo/hop", "Biên bản tháng (biểu mẫu)"),
    ("bithu-chibo", "/chi-bo/kien-nghi", "Kiến nghị của chi bộ"),
    ("bithu-chibo", "/hop-thu", "Hộp thư"),
    ("quansat", "/du-hop", "Dự sinh hoạt"),
    ("vanphong-xa", "/tra-loi", "Kiến nghị cần trả lời"),
    ("vanphong-xa", "/theo-doi", "Theo dõi: lưới tháng, biểu đồ"),
    ("vanphong-xa", "/theo-doi/xep-loai", "Xếp loại năm"),
    ("quantri", "/quan-tri", "Cây tổ chức"),
    ("quantri", "/quan-tri?q=chi+bo", "Tìm tổ chức"),
]
MEASURE = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const files = performance.getEntriesByType('resource');
  return {
    bytes: nav.transferSize + files.reduce((n, r) => n + r.transferSize, 0),
    files: files.length + 1,
    server_ms: nav.responseEnd - nav.requestStart,
    load_ms: nav.loadEventEnd - nav.startTime,
  };
}"""


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portal", default="http://127.0.0.1:8005")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    if not Path(args.chromium).exists():
        sys.exit("Chromium missing: deploy/local/chromium.sh installs it")
    print(f"{'trang':<34} {'KB':>7} {'tệp':>4} {'máy chủ ms':>11} {'tải xong ms':>12}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=ARGS)
        for username, path, label in PAGES:
            weights, servers, loads, files = [], [], [], 0
            for _ in range(args.repeat):
                context = browser.new_context(
                    viewport={"width": 390, "height": 844},
                    locale="vi-VN",
                    timezone_id="Asia/Ho_Chi_Minh",
                    service_workers="block",  # every file from the network: the first visit
                )
                page = context.new_page()
                sign_in(page, args.portal, username)
                # Signing in fetched the style and scripts: measure the page as a first visit.
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
                response = page.goto(args.portal + path, wait_until="load")
                if response is None or response.status != 200:
                    print(f"{label:<34} HTTP {response.status if response else '?'}")
                    context.close()
                    break
                numbers = page.evaluate(MEASURE)
                weights.append(numbers["bytes"] / 1024)
                servers.append(numbers["server_ms"])
                loads.append(numbers["load_ms"])
                files = numbers["files"]
                context.close()
            if weights:
                print(
                    f"{label:<34} {statistics.median(weights):7.1f} {files:4d} "
                    f"{statistics.median(servers):11.0f} {statistics.median(loads):12.0f}"
                )
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
