"""Hardened edges, attacked through the real processes (issue #11, part 5): a body too large for
any route, a spreadsheet lying about its size, a password spray from one address, and a service
started in production mode with the secrets that ship with the code.

Each test prints what it measured (run with -s to see): the registry's memory under the big
body, how long the lying spreadsheet took to be refused, the slowest answer meanwhile."""

from __future__ import annotations

import io
import re
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import Province
from openpyxl import Workbook
from province import COMMUNE, PASSWORD

from service_kit.processes import ServiceProcess

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.xdist_group("security")]

MB = 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    assert found, status
    return int(found.group(1))


class Sampler:
    """The highest RSS of a process while the block runs, read every 20 ms."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, rss_kib(pid), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_kib(self.pid))

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(5)


def raw_response(sock: socket.socket, timeout: float) -> bytes:
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data or len(data) < data.index(b"\r\n\r\n") + 4 + _length(data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _length(data: bytes) -> int:
    found = re.search(rb"content-length: (\d+)", data, re.I)
    return int(found.group(1)) if found else 0


def test_a_100_mb_body_to_the_token_endpoint_is_refused_early_with_memory_flat(
    province: Province,
) -> None:
    p = province
    registry = p.procs["registry"]
    assert registry.process is not None
    pid = registry.process.pid
    before = rss_kib(pid)
    with Sampler(pid) as sampler:
        # Declared: the answer comes before a byte of the body is sent.
        started = time.perf_counter()
        with socket.create_connection(("127.0.0.1", registry.port), timeout=10) as sock:
            sock.sendall(
                b"POST /v1/auth/token HTTP/1.1\r\nHost: registry\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                + f"Content-Length: {100 * MB}\r\n\r\n".encode()
            )
            answer = raw_response(sock, timeout=5)
        declared_seconds = time.perf_counter() - started
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 413"), answer[:300]
        assert b"application/problem+json" in head and b"body-too-large" in body

        # Not declared (chunked): read up to the limit, then 413 and the connection closed.
        produced = 0

        def hundred_mb() -> Iterator[bytes]:
            nonlocal produced
            block = b"a" * (256 * 1024)
            while produced < 100 * MB:
                produced += len(block)
                yield block

        started = time.perf_counter()
        r = httpx.post(
            f"{registry.url}/v1/auth/token",
            content=hundred_mb(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=30,
        )
        chunked_seconds = time.perf_counter() - started
        assert r.status_code == 413, r.text
        assert r.json()["code"] == "body-too-large" and r.json()["limit_bytes"] == MB
    after = rss_kib(pid)
    print(
        f"\n100 MB body: declared refused in {declared_seconds * 1000:.0f} ms; chunked refused "
        f"in {chunked_seconds:.2f} s after the client pushed {produced / MB:.1f} MB (kernel "
        f"buffers included); registry RSS {before / 1024:.1f} MiB before, peak "
        f"{sampler.peak / 1024:.1f} MiB, {after / 1024:.1f} MiB after"
    )
    assert produced < 50 * MB  # the server stopped reading: the client could not push it all
    assert sampler.peak - before < 20 * 1024, (before, sampler.peak)
    # And the registry still answers.
    assert httpx.get(f"{registry.url}/healthz/live", timeout=5).status_code == 200


def sheet_xml(rows: int, dimension: str) -> bytes:
    """A first sheet with `rows` real rows whose <dimension> says `dimension`."""
    lines = [
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{n}</t></is></c>'
        f'<c r="B{n}" t="inlineStr"><is><t>Tên {n}</t></is></c></row>'
        for n in range(1, rows + 1)
    ]
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{"".join(lines)}</sheetData></worksheet>'
    ).encode()


def workbook(rows: int, dimension: str) -> bytes:
    book = Workbook()
    shell = io.BytesIO()
    book.save(shell)
    source, out = zipfile.ZipFile(shell), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = sheet_xml(rows, dimension)
            target.writestr(item.filename, body)
    return out.getvalue()


def test_an_xlsx_claiming_a_million_rows_is_refused_while_others_are_answered(
    province: Province,
) -> None:
    p = province
    reg = p.url("registry")
    slowest = 0.0
    stop = threading.Event()

    def keep_asking() -> None:
        nonlocal slowest
        with httpx.Client(timeout=10, headers=p.admin) as client:
            while not stop.is_set():
                started = time.perf_counter()
                r = client.get(f"{reg}/v1/organisations?limit=1")
                assert r.status_code == 200, r.text
                slowest = max(slowest, time.perf_counter() - started)
                stop.wait(0.05)

    def upload(data: bytes) -> tuple[httpx.Response, float]:
        started = time.perf_counter()
        r = httpx.post(
            f"{reg}/v1/imports/members",
            content=data,
            headers={**p.admin, "Content-Type": XLSX},
            timeout=120,
        )
        return r, time.perf_counter() - started

    claims = workbook(3, "A1:Z1000000")
    # The same lie the other way round: a small claim over more real rows than allowed, which
    # must be read (and refused) row by row, off the event loop.
    hides = workbook(60_000, "A1:B3")
    asker = threading.Thread(target=keep_asking, daemon=True)
    asker.start()
    try:
        claimed, claim_seconds = upload(claims)
        hidden, hidden_seconds = upload(hides)
        again, again_seconds = upload(claims)  # openpyxl loaded: the claim alone
    finally:
        stop.set()
        asker.join(15)
    print(
        f"\nXLSX claiming 1,000,000 rows ({len(claims)} bytes) refused in "
        f"{claim_seconds * 1000:.0f} ms (then {again_seconds * 1000:.0f} ms); 60,000 real "
        f"rows under a 3-row claim ({len(hides)} bytes) refused in {hidden_seconds:.2f} s; "
        f"slowest other answer meanwhile {slowest * 1000:.0f} ms"
    )
    for r in (claimed, hidden, again):
        assert r.status_code == 413, r.text
        assert r.json()["code"] == "import-too-large" and r.json()["exceeded"] == "rows"
    assert "1.000.000" in claimed.json()["detail"]
    assert "hơn 50.000 dòng" in hidden.json()["detail"]
    assert claim_seconds < 2
    assert slowest < 2


def test_a_password_spray_from_one_address_is_limited(province: Province) -> None:
    """50 accounts × 4 guesses from one address: each account stays under its own limit (5),
    the address is stopped after 20 failures — and only there: the accounts themselves still
    sign in from elsewhere."""
    p = province
    reg = p.url("registry")
    names = [f"rai.{n:02}" for n in range(50)]
    with httpx.Client(timeout=30, headers=p.admin) as client:
        for name in names:
            r = client.post(
                f"{reg}/v1/users",
                json={
                    "username": name,
                    "display_name": name,
                    "password": PASSWORD,
                    "organisation_id": p.id(COMMUNE),
                    "roles": ["reader"],
                    "staff_role": "Cán bộ theo dõi",
                },
            )
            assert r.status_code == 201, r.text
    attacker = {"X-Forwarded-For": "203.0.113.77"}
    answers: list[int] = []
    refused: httpx.Response | None = None
    with httpx.Client(timeout=30, base_url=reg) as client:
        for name in names:
            for guess in range(4):
                r = client.post(
                    "/v1/auth/token",
                    data={
                        "grant_type": "password",
                        "username": name,
                        "password": f"doan-{guess}-sai",
                    },
                    headers=attacker,
                )
                answers.append(r.status_code)
                refused = r if r.status_code == 429 else refused
        right = client.post(
            "/v1/auth/token",
            data={"grant_type": "password", "username": names[0], "password": PASSWORD},
            headers=attacker,
        )
        elsewhere = client.post(
            "/v1/auth/token",
            data={"grant_type": "password", "username": names[0], "password": PASSWORD},
            headers={"X-Forwarded-For": "198.51.100.20"},
        )
    assert answers == [400] * 20 + [429] * 180
    assert refused is not None and refused.json()["code"] == "login-rate-limited"
    assert 0 < int(refused.headers["retry-after"]) <= 15 * 60
    assert right.status_code == 429  # the right password from the spraying address: refused too
    assert elsewhere.status_code == 200, elsewhere.text


def refuses_to_start(tmp_path: Path, name: str, env: dict[str, str]) -> str:
    """Start `python -m <name> serve` in production mode; it must exit non-zero by itself."""
    log = tmp_path / f"{name}.log"
    proc = ServiceProcess(
        name,
        0,
        env={
            "CHIBO_MODE": "production",
            f"{name.upper()}_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/{name}.db",
            **env,
        },
        log_path=log,
    )
    proc.start()
    assert proc.process is not None
    try:
        code = proc.process.wait(60)
    finally:
        proc.stop()
    text = log.read_text(encoding="utf-8")
    assert code != 0, text
    assert f"{name} không khởi động ở chế độ production" in text, text
    return text


def test_production_refuses_the_guest_broker_user(tmp_path: Path) -> None:
    text = refuses_to_start(
        tmp_path,
        "registry",
        {
            "REGISTRY_AMQP_URL": "amqp://guest:guest@127.0.0.1:5672/",
            "REGISTRY_AUTH_KEY_PASSPHRASE": "mot-bi-mat-rieng-cua-tinh-2026",
        },
    )
    assert "REGISTRY_AMQP_URL (hoặc CHIBO_AMQP_URL): dùng tài khoản guest của RabbitMQ" in text
    assert "REGISTRY_AUTH_KEY_PASSPHRASE" not in text  # a real passphrase is not complained of


def test_production_refuses_default_passwords_and_the_demo_passphrase(tmp_path: Path) -> None:
    text = refuses_to_start(
        tmp_path,
        "registry",
        {
            "REGISTRY_AMQP_URL": "amqp://registry:replace-me@127.0.0.1:5672/",
            "REGISTRY_DATABASE_URL": "postgresql://postgres:postgres@127.0.0.1:5432/registry",
        },
    )
    assert "REGISTRY_AMQP_URL (hoặc CHIBO_AMQP_URL): mật khẩu trong URL là giá trị mặc định" in text
    assert "REGISTRY_DATABASE_URL: mật khẩu trong URL là giá trị mặc định" in text
    assert "REGISTRY_AUTH_KEY_PASSPHRASE: là passphrase mẫu" in text
    assert "CHIBO_MODE=development" in text  # and how a local run gets past it


def test_production_refuses_a_plain_http_jwks_from_another_machine(tmp_path: Path) -> None:
    text = refuses_to_start(
        tmp_path,
        "meetings",
        {
            "MEETINGS_AMQP_URL": "amqp://meetings:Mat-khau-rieng-2026@127.0.0.1:5672/",
            "MEETINGS_REGISTRY_URL": "http://registry.tinh.example:8000",
        },
    )
    assert "MEETINGS_REGISTRY_URL (hoặc CHIBO_REGISTRY_URL): khóa ký mã truy cập lấy qua" in text
    assert "MEETINGS_JWKS_ALLOW_PLAIN_HTTP" in text
