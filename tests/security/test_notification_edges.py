"""The notifications service's edges, attacked through the real process (issue #11): webhooks
aimed at the service's own machine or network, and a template that never ends. The stack runs
as deployed, without the development mode that lets webhooks reach local sinks."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import uuid
from typing import Any

import httpx
import pytest
from conftest import Province
from province import BRANCH_A

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.xdist_group("security")]

ENDLESS = "{% for a in range(60000) %}{% for b in range(60000) %}{% endfor %}{% endfor %}"


def post(p: Province, path: str, body: dict[str, Any]) -> httpx.Response:
    headers = {**p.admin, "Idempotency-Key": str(uuid.uuid4())}
    return httpx.post(p.url("notifications") + path, json=body, headers=headers, timeout=30)


def pointers(r: httpx.Response) -> list[str]:
    assert r.headers["content-type"].startswith("application/problem+json"), r.text
    return [e["pointer"] for e in r.json().get("errors", [])]


def a_local_name() -> str:
    """A name this machine resolves (from its hosts file) to a non-public address."""
    for name in (socket.gethostname(), "localhost"):
        try:
            found = {a[4][0] for a in socket.getaddrinfo(name, 443, type=socket.SOCK_STREAM)}
        except OSError:
            continue
        if found and not any(ipaddress.ip_address(a).is_global for a in found):
            return name
    raise AssertionError("neither this host's name nor localhost resolves to a private address")


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "2130706433", "0177.0.0.1", "0x7f.1", "127.1", "[::ffff:127.0.0.1]"]
)
def test_a_webhook_to_this_machine_is_refused(province: Province, host: str) -> None:
    p = province
    body = {
        "address": f"branch-secretary:{p.id(BRANCH_A)}",
        "channel": "webhook",
        "target": f"https://{host}:{p.procs['notifications'].port}/v1/rules",
    }
    r = post(p, "/v1/contact-points", body)
    assert r.status_code == 422 and pointers(r) == ["/target"], r.text


def test_a_webhook_to_a_name_resolving_to_a_private_address_is_refused(
    province: Province,
) -> None:
    p = province
    name = a_local_name()
    body = {
        "address": f"observers:{p.id(BRANCH_A)}",
        "channel": "webhook",
        "target": f"https://{name}/hook",
    }
    r = post(p, "/v1/contact-points", body)
    assert r.status_code == 422 and pointers(r) == ["/target"], r.text
    agency = {
        "name": f"tro-ve-{uuid.uuid4().hex[:6]}",
        "client_id": p.agency["client_id"],
        "channel": "webhook",
        "webhook_url": "https://2130706433/hook",
        "patterns": ["meetings.request.#"],
        "organisation_ids": [p.id("E2E")],
    }
    r = post(p, "/v1/agencies", agency)
    assert r.status_code == 422 and pointers(r) == ["/webhook_url"], r.text
    plain = {**body, "target": "http://agency.example.org/hook"}  # http outside development
    r = post(p, "/v1/contact-points", plain)
    assert r.status_code == 422 and pointers(r) == ["/target"], r.text


def test_a_template_that_never_ends_is_refused_and_health_still_answers(
    province: Province,
) -> None:
    p = province
    base = p.url("notifications")
    current = httpx.get(f"{base}/v1/rules", headers=p.admin, timeout=10).json()
    document = current["document"]
    event_type = next(iter(document["templates"]))
    channel = next(iter(document["templates"][event_type]))
    pointer = f"/templates/{event_type}/{channel}/body"

    health: list[tuple[float, int]] = []
    done = threading.Event()

    def watch() -> None:
        with httpx.Client(timeout=5) as client:
            while not done.is_set():
                started = time.monotonic()
                status = client.get(f"{base}/healthz/live").status_code
                health.append((time.monotonic() - started, status))
                time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        for source, says in ((ENDLESS, "longer than"), ("{{ 9**(9**(9**9)) }}", "too large")):
            templates = {**document["templates"]}
            templates[event_type] = {**templates[event_type]}
            templates[event_type][channel] = {"subject": "Thử", "body": source}
            started = time.monotonic()
            r = post(
                p,
                "/v1/rules/versions",
                {**document, "templates": templates, "based_on_version": current["version"]},
            )
            assert time.monotonic() - started < 10
            assert r.status_code == 422 and pointers(r) == [pointer], r.text
            assert says in r.json()["errors"][0]["detail"], r.text
    finally:
        done.set()
        watcher.join(10)
    assert len(health) >= 5, health
    assert all(status == 200 and took < 1.0 for took, status in health), health
    after = httpx.get(f"{base}/v1/rules", headers=p.admin, timeout=10).json()
    assert after["version"] == current["version"]  # nothing was published
