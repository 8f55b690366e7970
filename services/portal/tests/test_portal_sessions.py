"""Session edges without any API: sign-in required, forms parked while signed out, CSRF and
same-origin checks, no open redirect."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from portal.main import MIGRATIONS, build_app
from portal.sessions.router import safe_next
from portal.settings import PortalSettings
from service_kit import migrations

HOST = "http://portal.test"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    url = f"sqlite+aiosqlite:///{tmp_path}/portal.db"
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    app = build_app(PortalSettings(database_url=url))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=HOST) as http:
        http.app = app  # type: ignore[attr-defined]
        yield http


async def test_pages_need_a_session(client: httpx.AsyncClient) -> None:
    response = await client.get("/chi-bo/hop?loai=thematic")
    assert response.status_code == 303
    assert response.headers["location"] == "/dang-nhap?next=%2Fchi-bo%2Fhop%3Floai%3Dthematic"


async def test_a_form_posted_without_a_session_is_parked_for_the_next_sign_in(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/chi-bo/hop",
        data={"minutes": "Nội dung đang viết", "csrf_token": "old"},
        headers={"Origin": HOST},
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/dang-nhap?next=%2Fchi-bo%2Fhop")
    parked = response.cookies.get("chibo_nhap_do")
    assert parked
    store = client.app.state.portal.store  # type: ignore[attr-defined]
    fields = await store.take_parked(parked, "/chi-bo/hop", datetime.now(UTC))
    assert fields == [("minutes", "Nội dung đang viết")]  # the stale CSRF token is not kept
    assert await store.take_parked(parked, "/chi-bo/hop", datetime.now(UTC)) is None  # once


async def test_cross_site_posts_and_stale_forms_are_refused(client: httpx.AsyncClient) -> None:
    other = await client.post(
        "/chi-bo/hop", data={"minutes": "x"}, headers={"Origin": "http://evil.example"}
    )
    assert other.status_code == 403
    store = client.app.state.portal.store  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    secret = await store.create(
        access_token="t",
        expires_at=now + timedelta(minutes=10),
        subject="u1",
        username="bithu",
        claims={"roles": ["secretary"], "org": "b1", "scope_kind": "affiliated_branch"},
        now=now,
    )
    client.cookies.set("chibo_phien", secret)
    stale = await client.post(
        "/chi-bo/hop", data={"csrf_token": "not-this-one"}, headers={"Origin": HOST}
    )
    assert stale.status_code == 403
    assert "Biểu mẫu đã cũ" in stale.text
    page = await client.get("/theo-doi")  # not this person's desk
    assert page.status_code == 403


async def test_sign_in_form_needs_its_own_token(client: httpx.AsyncClient) -> None:
    refused = await client.post(
        "/dang-nhap",
        data={"username": "a", "password": "b", "signin_token": "x"},
        headers={"Origin": HOST},
    )
    assert refused.status_code == 400
    assert "Trang đăng nhập đã cũ" in refused.text


def test_next_never_leaves_the_site() -> None:
    assert safe_next("/chi-bo/hop") == "/chi-bo/hop"
    for bad in ("//evil.example/x", "https://evil.example", "\\\\evil", "", None):
        assert safe_next(bad) == "/"


async def test_an_oversized_form_is_refused_with_a_page_before_it_is_read(
    client: httpx.AsyncClient,
) -> None:
    big = "x" * (2 * 1024 * 1024)  # over the 1 MiB of an ordinary form
    response = await client.post("/chi-bo/hop", data={"minutes": big}, headers={"Origin": HOST})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "Nội dung quá lớn" in response.text and "1 MiB" in response.text
    # The import page takes a spreadsheet up to the registry's cap: the same size passes the
    # limit there (and meets the sign-in check instead).
    response = await client.post(
        "/quan-tri/nhap", files={"file": ("a.csv", big.encode())}, headers={"Origin": HOST}
    )
    assert response.status_code == 303
