"""The four services as real processes against one broker vhost, each with its own database."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from service_kit.processes import ServiceProcess

PORT_BASE = 18100


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
) -> Iterator[dict[str, ServiceProcess]]:
    procs: dict[str, ServiceProcess] = {}
    try:
        for name in names:
            prefix = name.upper()
            db = (db_urls or {}).get(name, f"sqlite+aiosqlite:///{workdir}/{name}.db")
            env = {
                f"{prefix}_DATABASE_URL": db,
                f"{prefix}_AMQP_URL": amqp_url,
                f"{prefix}_RETRY_DELAYS_SECONDS": "[0.5, 1]",
                f"{prefix}_OUTBOX_POLL_SECONDS": "0.2",
                f"{prefix}_BROKER_RECONNECT_SECONDS": "0.5",
                f"{prefix}_LOG_FORMAT": "json",
                **(extra_env or {}),
            }
            procs[name] = ServiceProcess(
                name, free_port(), env=env, log_path=workdir / f"{name}.log"
            )
            procs[name].start()
        for proc in procs.values():
            proc.wait_ready(90)
        yield procs
    finally:
        for proc in procs.values():
            proc.stop()


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


def get_json(url: str) -> Any:
    response = httpx.get(url, timeout=10)
    return response.json() if response.status_code == 200 else None


def all_notifications(base: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    url = f"{base}/v1/notifications?limit=200"
    while True:
        body = httpx.get(url, timeout=10).json()
        items += body["items"]
        if not body["next_cursor"]:
            return items
        url = f"{base}/v1/notifications?limit=200&cursor={body['next_cursor']}"
