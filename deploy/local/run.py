"""`make run`: a private RabbitMQ, the four services and the portal on SQLite, a demo province,
the URLs and one demo person per role of the portal.

Ctrl-C stops everything this run started (the broker too, unless it was already running).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from service_kit.processes import SERVICES, ServiceProcess

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / ".data"
LOGS = DATA / "logs"
MAIL = DATA / "mail"
SMTP_PORT = 8025
RABBITMQ = REPO / "deploy" / "local" / "rabbitmq.sh"
COLOURS = {"registry": 36, "meetings": 33, "scoring": 35, "notifications": 32, "portal": 34}
PORTAL_PORT = 8005
OBSERVER_USER, READER_USER = "quansat", "xem-tinh"


def say(text: str) -> None:
    print(f"\033[1m==> {text}\033[0m", flush=True)


def broker_status() -> bool:
    return subprocess.run([str(RABBITMQ), "status"], capture_output=True).returncode == 0


def start_broker() -> tuple[str, bool]:
    """(AMQP URL, whether this run started the node)."""
    if os.environ.get("CHIBO_AMQP_URL"):
        return os.environ["CHIBO_AMQP_URL"], False
    was_running = broker_status()
    if not was_running:
        say("Khởi động RabbitMQ riêng (lần đầu có thể cài đặt gói rabbitmq-server, ~10-60 s)…")
    done = subprocess.run([str(RABBITMQ), "start"], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"RabbitMQ không khởi động được:\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1], not was_running


def port_in_use(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/healthz/live", timeout=0.5)
        return True
    except httpx.HTTPError:
        return False


def follow(proc: ServiceProcess, stop: threading.Event) -> None:
    """Echo a service's log to the terminal with a coloured prefix."""
    assert proc.log_path is not None
    with open(proc.log_path, encoding="utf-8", errors="replace") as log:
        log.seek(0, os.SEEK_END)
        while not stop.is_set():
            line = log.readline()
            if not line:
                time.sleep(0.2)
                continue
            print(f"\033[{COLOURS[proc.name]}m{proc.name:>13}\033[0m | {line.rstrip()}", flush=True)


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # Ctrl-C and SIGTERM stop everything, even when started from a shell that ignores SIGINT
    # for background jobs (the ignored disposition would be inherited).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    ports = {**SERVICES, "portal": PORTAL_PORT}
    busy = [name for name, port in ports.items() if port_in_use(port)]
    if busy:
        print(
            f"Cổng của {', '.join(busy)} đang được dùng: chibo có thể đang chạy ở cửa sổ khác "
            "(Ctrl-C ở đó để dừng).",
            file=sys.stderr,
        )
        return 1
    LOGS.mkdir(parents=True, exist_ok=True)
    amqp_url, started_broker = start_broker()
    # A demo on this machine: the broker's guest user, the demo passphrase, plain HTTP on
    # loopback — all refused in production mode, the default (service_kit.production).
    env = {"CHIBO_AMQP_URL": amqp_url, "CHIBO_MODE": "development"}
    for name in SERVICES:
        env[f"{name.upper()}_LOG_FORMAT"] = "text"
    MAIL.mkdir(parents=True, exist_ok=True)
    env["NOTIFICATIONS_SMTP_PORT"] = str(SMTP_PORT)
    env["NOTIFICATIONS_WEBHOOK_ALLOW_INSECURE"] = "true"  # local webhook sinks while trying it
    sink = subprocess.Popen(  # a local SMTP sink: every mail sent lands in .data/mail/*.eml
        [
            sys.executable,
            "-m",
            "notifications",
            "smtp-sink",
            "--port",
            str(SMTP_PORT),
            "--dir",
            str(MAIL),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env["PORTAL_LOG_FORMAT"] = "text"
    procs = [
        ServiceProcess(name, port, env=env, log_path=LOGS / f"{name}.log")
        for name, port in ports.items()
    ]
    stop = threading.Event()
    try:
        say("Khởi động 4 dịch vụ (registry, meetings, scoring, notifications) và cổng web…")
        for proc in procs:
            proc.log_path.write_text("")
            proc.start()
        for proc in procs:
            proc.wait_ready(90)
        say("Nạp dữ liệu mẫu…")
        from demo import load_demo

        summary = load_demo({p.name: p.url for p in procs})
        accounts = portal_accounts(procs[0].url)
        for proc in procs:
            threading.Thread(target=follow, args=(proc, stop), daemon=True).start()
        print_urls(procs, amqp_url, summary, accounts)
        while all(p.process and p.process.poll() is None for p in procs):
            time.sleep(0.5)
        dead = [p.name for p in procs if p.process and p.process.poll() is not None]
        print(f"Dịch vụ {', '.join(dead)} đã dừng bất thường; xem .data/logs/.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print()
        return 0
    finally:
        # A second Ctrl-C (or make's own signal) must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop.set()
        say("Đang dừng các dịch vụ…")
        for proc in procs:
            proc.stop()
        sink.terminate()
        sink.wait(10)
        if started_broker:
            say("Đang dừng RabbitMQ…")
            subprocess.run([str(RABBITMQ), "stop"], capture_output=True)
        say("Đã dừng.")


def portal_accounts(registry: str) -> list[tuple[str, str]]:
    """One demo person per role of the portal: (who, username). The secretary, the commune
    office and the province administrator come from the demo; the observer (linked to the
    committee member assigned to the first branch) and a province reader are added here,
    through the registry's API like any account. Safe to run again (409 = already there)."""
    from demo import (
        ADMIN,
        ADMIN_PASSWORD,
        COMMUNE_USER,
        SCOPED_PASSWORD,
        SECRETARY_USER,
        last_month_day,
    )

    with httpx.Client(timeout=30) as client:
        token = client.post(
            f"{registry}/v1/auth/token",
            json={"grant_type": "password", "username": ADMIN, "password": ADMIN_PASSWORD},
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        orgs = client.get(f"{registry}/v1/organisations", params={"limit": 200}).json()["items"]
        province = next(o for o in orgs if o["kind"] == "province")
        commune = next(o for o in orgs if o["kind"] == "commune")
        # The demo's secretary account is at the first branch of the tree: observe that one.
        tree = client.get(
            f"{registry}/v1/organisations/{province['id']}/subtree",
            params={"limit": 200, "on": last_month_day(3).isoformat()},
        ).json()["items"]
        branch = next(o for o in tree if o["kind"] in ("grassroots_branch", "affiliated_branch"))
        observers = client.get(f"{registry}/v1/organisations/{branch['id']}/observers")
        observer = observers.json()["items"][0]["member_id"]
        for username, org, link, roles in (
            (OBSERVER_USER, commune, {"member_id": observer}, ["observer"]),
            (READER_USER, province, {"staff_role": "Ban Tổ chức Tỉnh ủy"}, ["reader"]),
        ):
            made = client.post(
                f"{registry}/v1/users",
                json={
                    "username": username,
                    "display_name": username,
                    "password": SCOPED_PASSWORD,
                    "organisation_id": org["id"],
                    "roles": roles,
                    **link,
                },
            )
            if made.status_code not in (201, 409):
                raise RuntimeError(f"demo user {username}: {made.status_code} {made.text}")
    return [
        ("Bí thư chi bộ (biên bản tháng, phiếu điểm, kiến nghị)", SECRETARY_USER),
        (f"Cấp ủy viên dự sinh hoạt {branch['name']} (báo cáo dự họp)", OBSERVER_USER),
        ("Văn phòng Đảng ủy xã (trả lời kiến nghị, theo dõi, xếp loại)", COMMUNE_USER),
        ("Quản trị cấp tỉnh (cây tổ chức, nhập danh sách, theo dõi)", ADMIN),
        ("Ban Tổ chức Tỉnh ủy, chỉ xem (theo dõi toàn tỉnh)", READER_USER),
    ]


def print_urls(
    procs: list[ServiceProcess], amqp_url: str, summary: str, accounts: list[tuple[str, str]]
) -> None:
    from demo import ADMIN, ADMIN_PASSWORD, SCOPED_PASSWORD

    width = max(len(p.name) for p in procs)
    portal = next(p for p in procs if p.name == "portal")
    lines = ["", f"chibo đang chạy. Trang web: {portal.url}  (mật khẩu mẫu: {SCOPED_PASSWORD})"]
    for who, username in accounts:
        lines.append(f"  {username:<14} {who}")
    lines.append("Tài liệu API và số đo của từng dịch vụ:")
    for p in procs:
        if p.name == "portal":
            lines.append(f"  {p.name:<{width}}  {p.url}/metrics")
            continue
        lines.append(f"  {p.name:<{width}}  {p.url}/docs   {p.url}/metrics")
    lines += [
        f"  RabbitMQ: {amqp_url.replace('guest:guest@', 'guest@')}  "
        "(giao diện quản trị http://127.0.0.1:15672, guest/guest)",
        f"  Dữ liệu mẫu: {summary}",
        "  Mọi API cần mã truy cập (JWT) do registry cấp. Lấy mã và thử:",
        "    TOKEN=$(curl -s http://127.0.0.1:8001/v1/auth/token -d grant_type=password \\",
        f"      -d username={ADMIN} -d password={ADMIN_PASSWORD} \\",
        "      | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')",
        '    curl -s -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8004/v1/notifications',
        f"  Thư điện tử đã gửi (hộp thư giả lập SMTP 127.0.0.1:{SMTP_PORT}): {MAIL}/*.eml",
        f"  Nhật ký: {LOGS}/<dịch vụ>.log   Dữ liệu SQLite: {DATA}/<dịch vụ>.db",
        "  Nhấn Ctrl-C để dừng tất cả.",
        "",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    os.chdir(REPO)
    sys.exit(main())
