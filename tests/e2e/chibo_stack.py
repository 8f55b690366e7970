"""The four services as real processes against one broker vhost, each with its own database.

Every stack has the registry: it signs the access tokens the other services verify (through its
JWKS). Before it starts, its database gets the province and a province admin, exactly as an
operator bootstraps a fresh deployment (`import organisations` + `create-admin`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from service_kit.processes import ServiceProcess

PORT_BASE = 18100
PROVINCE_CODE, ADMIN, ADMIN_PASSWORD = "E2E", "quantri-e2e", "Thu-nghiem-2026"
_BOOTSTRAP = """
import argparse, sys
from pathlib import Path
from registry.identity import cli as admin
from registry.imports import cli as imports
from registry.settings import RegistrySettings
settings = RegistrySettings()
csv = Path(sys.argv[1])
args = argparse.Namespace(kind="organisations", file=csv, dry_run=False, partial=False, json=False)
assert imports.run(settings, args) == 0
args = argparse.Namespace(username=sys.argv[2], password=sys.argv[3], organisation=None)
assert admin.run(settings, args) == 0
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def stack(
    amqp_url: str,
    workdir: Path,
    *,
    db_urls: dict[str, str] | None = None,
    names: tuple[str, ...] = ("registry", "meetings", "scoring", "notifications"),
    extra_env: dict[str, str] | None = None,
    hold_unplaced: bool = False,
) -> Iterator[dict[str, ServiceProcess]]:
    """`hold_unplaced`: the product's default, where a relay holds a public event about a branch
    its tree does not know yet (`outbox_place_attempts`). Off by default here: most tests submit
    for branches never registered, whose events would wait two minutes for a path."""
    procs: dict[str, ServiceProcess] = {}
    names = ("registry", *(n for n in names if n != "registry"))
    try:
        for name in names:
            prefix = name.upper()
            db = (db_urls or {}).get(name, f"sqlite+aiosqlite:///{workdir}/{name}.db")
            if name == "registry":
                bootstrap_registry(db, workdir)
            env = {
                "CHIBO_MODE": "development",  # guest broker user, demo passphrase, loopback
                f"{prefix}_DATABASE_URL": db,
                f"{prefix}_AMQP_URL": amqp_url,
                f"{prefix}_RETRY_DELAYS_SECONDS": "[0.5, 1]",
                f"{prefix}_OUTBOX_POLL_SECONDS": "0.2",
                f"{prefix}_BROKER_RECONNECT_SECONDS": "0.5",
                f"{prefix}_LOG_FORMAT": "json",
                **({} if hold_unplaced else {f"{prefix}_OUTBOX_PLACE_ATTEMPTS": "0"}),
                f"{prefix}_REGISTRY_URL": procs["registry"].url if procs else "",
                **(extra_env or {}),
            }
            procs[name] = ServiceProcess(
                name, free_port(), env=env, log_path=workdir / f"{name}.log"
            )
        # The registry starts last: the bootstrap's events must find the others' queues bound.
        others = [p for n, p in procs.items() if n != "registry"]
        for proc in others:
            proc.start()
        for proc in others:
            proc.wait_ready(90)
        procs["registry"].start()
        procs["registry"].wait_ready(90)
        yield procs
    finally:
        for proc in procs.values():
            proc.stop()


def bootstrap_registry(db_url: str, workdir: Path) -> None:
    """The province and its admin, written before the registry serves (one process for both)."""
    csv = workdir / "province.csv"
    csv.write_text(
        "Mã tổ chức,Tên,Loại,Mã cấp trên,Ngày hiệu lực\n"
        f"{PROVINCE_CODE},Tỉnh Thử nghiệm,Tỉnh ủy,,2020-01-01\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-c", _BOOTSTRAP, str(csv), ADMIN, ADMIN_PASSWORD],
        env={
            **os.environ,
            "CHIBO_MODE": "development",
            "REGISTRY_DATABASE_URL": db_url,
            "REGISTRY_LOG_LEVEL": "WARNING",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"registry bootstrap failed: {done.stdout}\n{done.stderr}"


def sign_in(procs: dict[str, ServiceProcess]) -> dict[str, str]:
    """Log the province admin in; the headers every call to every service then carries."""
    r = httpx.post(
        f"{procs['registry'].url}/v1/auth/token",
        json={"grant_type": "password", "username": ADMIN, "password": ADMIN_PASSWORD},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def wait_for(
    fetch: Callable[[], Any],
    ok: Callable[[Any], bool],
    timeout: float = 60,
    what: str = "condition",
) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = fetch()
        if ok(last):
            return last
        time.sleep(0.2)
    raise AssertionError(f"{what} not reached in {timeout:.0f}s; last: {str(last)[:500]}")


def get_json(url: str, headers: dict[str, str]) -> Any:
    response = httpx.get(url, headers=headers, timeout=10)
    return response.json() if response.status_code == 200 else None


def all_notifications(base: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    url = f"{base}/v1/notifications?limit=200"
    while True:
        body = httpx.get(url, headers=headers, timeout=10).json()
        items += body["items"]
        if not body["next_cursor"]:
            return items
        url = f"{base}/v1/notifications?limit=200&cursor={body['next_cursor']}"
