"""Webhook targets: private addresses refused however they are spelt, names checked when
registered and again on every connection (DNS rebinding), development mode for local sinks."""

from __future__ import annotations

import ipaddress

import pytest
from notifications_servers import WebhookReceiver, resolving, running_receiver

from notifications.deliveries.jobs import Job
from notifications.settings import NotificationsSettings
from notifications.webhooks.rules import is_public, literal_address, url_problem
from notifications.webhooks.sender import WebhookSender
from notifications.webhooks.targets import target_problem
from notifications.webhooks.verify import new_secret

PUBLIC = "93.184.215.14"

PRIVATE_SPELLINGS = [
    "127.0.0.1",
    "2130706433",  # 127.0.0.1 as one decimal number
    "0177.0.0.1",  # octal
    "0x7f.1",  # hex, short form
    "0x7f000001",
    "127.1",
    "0",  # 0.0.0.0
    "[::1]",
    "[::ffff:127.0.0.1]",  # IPv4-mapped
    "[::ffff:7f00:1]",
    "[2002:7f00:1::]",  # 6to4 of 127.0.0.1
    "[64:ff9b::a00:1]",  # NAT64 of 10.0.0.1
    "[fe80::1%25eth0]",  # link-local with a zone
    "[fc00::1]",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # shared address space
    "224.0.0.1",  # multicast
    "239.255.255.250",
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "192.0.2.10",  # documentation
]


@pytest.mark.parametrize("host", PRIVATE_SPELLINGS)
def test_a_private_address_is_refused_however_it_is_spelt(host: str) -> None:
    assert url_problem(f"https://{host}/hook", allow_insecure=False), host
    assert url_problem(f"https://{host}:8443/hook", allow_insecure=False), host


def test_odd_spellings_are_read_as_the_c_resolver_reads_them() -> None:
    loopback = ipaddress.ip_address("127.0.0.1")
    for host in ("2130706433", "0177.0.0.1", "0x7f.1", "127.1", "0x7f.0.0.1"):
        assert literal_address(host) == loopback, host
    assert literal_address("agency.example.org") is None
    assert literal_address("cafe.bad") is None  # hex letters without 0x are a name
    assert is_public(ipaddress.ip_address(PUBLIC))
    assert is_public(ipaddress.ip_address("2606:4700:4700::1111"))
    assert not is_public(ipaddress.ip_address("::ffff:10.0.0.1"))


def test_urls_outside_development_must_be_https_without_credentials() -> None:
    assert url_problem("http://agency.example.org/x", allow_insecure=False)
    assert url_problem("https://localhost/x", allow_insecure=False)
    assert url_problem("https://api.localhost./x", allow_insecure=False)
    assert url_problem("https://user:pw@agency.example.org/x", allow_insecure=False)
    assert url_problem("https://agency.example.org:99999/x", allow_insecure=False)
    assert url_problem("ftp://example.org/x", allow_insecure=True)
    assert url_problem("https://agency.example.org/hooks", allow_insecure=False) is None
    assert url_problem(f"https://{PUBLIC}/hooks", allow_insecure=False) is None
    assert url_problem("http://127.0.0.1:9/x", allow_insecure=True) is None  # development


async def test_a_name_is_refused_when_any_address_it_resolves_to_is_private() -> None:
    table = {"agency.example.org": PUBLIC, "inside.example.org": "10.0.0.7"}
    resolve = resolving(table)

    async def problem(url: str, allow_insecure: bool = False) -> str | None:
        return await target_problem(url, allow_insecure=allow_insecure, resolve=resolve)

    assert await problem("https://agency.example.org/h") is None
    inside = await problem("https://inside.example.org/h")
    assert inside is not None and "10.0.0.7" in inside
    assert "Không phân giải" in (await problem("https://nowhere.example.org/h") or "")

    async def mixed(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        return [ipaddress.ip_address(PUBLIC), ipaddress.ip_address("127.0.0.1")]

    assert await target_problem("https://both.example.org/h", allow_insecure=False, resolve=mixed)
    # Development mode asks no resolver and accepts local sinks.
    assert await problem("http://inside.example.org/h", allow_insecure=True) is None


SECRET = new_secret()


def _job(url: str) -> Job:
    return Job(
        delivery_id="msg_target",
        channel="webhook",
        recipient="agency:ubkt",
        contact_point_id="cp-1",
        target=url,
        subject="",
        body='{"a":1}',
        secrets=(SECRET,),
    )


async def test_a_name_that_now_resolves_to_a_private_address_is_not_connected() -> None:
    """Registered while it pointed at a public address; at send time it points at 127.0.0.1,
    where something listens: the sender checks the address it would connect to and refuses."""
    settings = NotificationsSettings(database_url="sqlite+aiosqlite:///unused")
    async with running_receiver(WebhookReceiver()) as receiver:
        url = f"https://agency.example.org:{receiver.port}/rebound"
        registered = resolving({"agency.example.org": PUBLIC})
        assert await target_problem(url, allow_insecure=False, resolve=registered) is None
        sender = WebhookSender(settings, resolving({"agency.example.org": "127.0.0.1"}))
        try:
            outcome = await sender.send(_job(url))
            literal = await sender.send(_job(f"https://2130706433:{receiver.port}/literal"))
            plain = await sender.send(_job(f"http://agency.example.org:{receiver.port}/plain"))
        finally:
            await sender.close()
    assert not outcome.ok and outcome.permanent
    assert outcome.error is not None and "127.0.0.1" in outcome.error
    assert "refused" in outcome.error
    assert not literal.ok and literal.permanent
    assert not plain.ok and plain.permanent and plain.error and "http" in plain.error
    assert receiver.hits == []  # nothing reached the local listener


async def test_the_sender_connects_to_the_address_it_checked_keeping_the_name() -> None:
    """A name no real resolver knows reaches the receiver: the connection went to the address
    our resolver returned, while Host still names the host of the URL."""
    settings = NotificationsSettings(
        database_url="sqlite+aiosqlite:///unused", webhook_allow_insecure=True
    )
    async with running_receiver(WebhookReceiver(secrets={"named": [SECRET]})) as receiver:
        sender = WebhookSender(settings, resolving({"hooks.agency.test": "127.0.0.1"}))
        try:
            outcome = await sender.send(_job(f"http://hooks.agency.test:{receiver.port}/named"))
        finally:
            await sender.close()
    assert outcome.ok, outcome
    (hit,) = receiver.for_path("named")
    assert hit.verified == "ok"
    assert hit.headers["host"] == f"hooks.agency.test:{receiver.port}"


def test_development_mode_is_refused_in_production() -> None:
    with pytest.raises(ValueError, match="webhook_allow_insecure"):
        NotificationsSettings(
            database_url="sqlite+aiosqlite:///unused",
            mode="production",
            webhook_allow_insecure=True,
        )
