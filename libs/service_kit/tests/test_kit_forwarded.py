"""X-Forwarded-For believed only from the proxies the operator names, read from the right."""

from __future__ import annotations

import ipaddress

import httpx
import pytest
from fastapi import FastAPI, Request

from service_kit.settings import ServiceSettings
from service_kit.web.forwarded import ForwardedMiddleware, client_address, parse_address

LB = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("2001:db8:1::/48")]


def test_without_trusted_proxies_the_peer_is_the_client_whatever_it_claims() -> None:
    assert client_address("198.51.100.9", ["203.0.113.7"], []) == "198.51.100.9"
    assert client_address("198.51.100.9", ["203.0.113.7"], LB) == "198.51.100.9"  # not ours


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() -> None:
    assert client_address("10.0.0.2", ["203.0.113.7"], LB) == "203.0.113.7"
    # The client wrote "1.2.3.4" itself; the proxies appended what they saw.
    assert client_address("10.0.0.2", ["1.2.3.4, 203.0.113.7, 10.0.0.5"], LB) == "203.0.113.7"
    assert client_address("10.0.0.2", ["1.2.3.4", "203.0.113.7"], LB) == "203.0.113.7"
    assert client_address("10.0.0.2", [], LB) == "10.0.0.2"
    assert client_address("10.0.0.2", ["10.0.0.9, 10.0.0.5"], LB) == "10.0.0.9"
    assert client_address("2001:db8:1::5", ["[2001:db8:2::7]:443"], LB) == "2001:db8:2::7"
    assert client_address("10.0.0.2", ["203.0.113.7:5000"], LB) == "203.0.113.7"


def test_a_garbled_hop_stops_the_walk_at_the_last_proxy_that_wrote_one() -> None:
    assert client_address("10.0.0.2", ["203.0.113.7, unknown"], LB) == "10.0.0.2"
    assert client_address("10.0.0.2", ["junk, 10.0.0.5"], LB) == "10.0.0.5"
    assert parse_address("::ffff:203.0.113.7") == ipaddress.ip_address("203.0.113.7")
    assert parse_address("not an address") is None


def test_trusted_proxies_are_read_as_a_list_or_comma_separated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHIBO_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.5")
    assert ServiceSettings().trusted_proxies == [
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("192.168.1.5/32"),
    ]
    assert ServiceSettings(trusted_proxies='["127.0.0.1/32"]').trusted_proxies == [
        ipaddress.ip_network("127.0.0.1/32")
    ]
    with pytest.raises(ValueError):
        ServiceSettings(trusted_proxies="10.0.0.1/8")  # host bits set


async def test_the_middleware_makes_request_client_the_client() -> None:
    app = FastAPI()
    app.add_middleware(ForwardedMiddleware, trusted=LB)

    @app.get("/who")
    async def who(request: Request) -> str:
        return request.client.host if request.client else "?"

    async def ask(peer: str, forwarded: str) -> str:
        transport = httpx.ASGITransport(app=app, client=(peer, 1234))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            answer: str = (await client.get("/who", headers={"X-Forwarded-For": forwarded})).json()
            return answer

    assert await ask("10.0.0.2", "203.0.113.7") == "203.0.113.7"
    assert await ask("198.51.100.9", "203.0.113.7") == "198.51.100.9"
