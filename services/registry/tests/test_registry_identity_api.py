"""Sign-in, tokens, key rotation, admin endpoints and the audit log, on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from registry_factories import Registry, province_with_district, seed_organisation

from chibo_testing.plugin import migrated
from registry.audit.models import AuditEntry
from registry.identity import cli as identity_cli
from registry.identity.keys import load_private
from registry.identity.models import ApiClient, SigningKey, UserAccount
from registry.identity.service import Identity, use_identity
from registry.identity.settings import IdentitySettings
from registry.main import MIGRATIONS, build_app
from registry.members.models import Member
from registry.settings import RegistrySettings
from service_kit.auth import InvalidToken, TokenVerifier, http_jwks_source
from service_kit.clock import FrozenClock

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ADMIN_PASSWORD = "Tinh-uy-2026!"
PASSPHRASE = b"test key passphrase"


@dataclass
class Auth:
    reg: Registry
    app: FastAPI
    identity: Identity
    clock: FrozenClock
    tree: dict[str, dict[str, Any]]
    admin_token: str

    @property
    def client(self) -> httpx.AsyncClient:
        return self.reg.client

    async def login(self, username: str, password: str, **extra: Any) -> httpx.Response:
        return await self.client.post(
            "/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": password},
            **extra,
        )

    async def token(self, username: str, password: str) -> str:
        response = await self.login(username, password)
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    async def as_admin(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return await self.client.post(path, json=body, headers=bearer(self.admin_token))

    async def rows(self, model: Any) -> list[Any]:
        async with self.reg.runtime.db.session() as session:
            return list(await session.scalars(sa.select(model)))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def claims_of(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return decoded


@pytest.fixture
async def auth(db_url: str) -> AsyncIterator[Auth]:
    db = await migrated(db_url, MIGRATIONS)
    await db.dispose()
    settings = RegistrySettings(database_url=db_url, amqp_url="amqp://guest:guest@127.0.0.1:1/")
    app = build_app(settings)
    runtime = app.state.runtime
    clock = FrozenClock(NOW)
    runtime.clock = clock
    identity = Identity(
        runtime,
        IdentitySettings(
            # Cheap argon2 for tests; the production parameters are measured in the report.
            argon2_time_cost=1,
            argon2_memory_kib=8192,
            login_max_failures=3,
            login_max_failures_per_address=6,
            login_window_seconds=60,
            key_passphrase=PASSPHRASE.decode(),
        ),
    )
    use_identity(app, identity)
    # A new deployment: the province is imported, the first admin created from the command
    # line; from then on everything goes over HTTP with the admin's real token.
    ht = await seed_organisation(
        runtime, code="HT", name="Tỉnh ủy Hà Tĩnh", kind="province", valid_from="2000-01-01"
    )
    async with runtime.uow() as uow:
        await identity.bootstrap_admin(uow, "quantri", ADMIN_PASSWORD, None)
        await uow.commit()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://registry") as client:
        reg = Registry(client, runtime)
        auth = Auth(reg, app, identity, clock, {}, "")
        auth.admin_token = await auth.token("quantri", ADMIN_PASSWORD)
        reg.headers = bearer(auth.admin_token)
        auth.tree = await province_with_district(reg, ht)
        yield auth
    await runtime.db.dispose()


async def secretary(auth: Auth) -> dict[str, Any]:
    member = await auth.reg.member(auth.tree["dh"], "Trần Văn Bình", phone="0912 000 111")
    response = await auth.as_admin(
        "/v1/users",
        {
            "username": "Binh.Tran",
            "display_name": "Trần Văn Bình",
            "password": "Dong-Ha-bi-thu-1",
            "member_id": member["id"],
            "organisation_id": auth.tree["dh"]["id"],
            "roles": ["secretary", "member"],
        },
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/v1/users/{response.json()['id']}"
    user: dict[str, Any] = response.json()
    return user


async def test_password_login_gives_a_short_lived_token_with_scope_claims(auth: Auth) -> None:
    user = await secretary(auth)
    assert user["username"] == "binh.tran" and "Dong-Ha" not in json.dumps(user)
    response = await auth.login("BINH.TRAN", "Dong-Ha-bi-thu-1")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    token = body["access_token"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA" and header["typ"] == "at+jwt" and header["kid"]
    claims = claims_of(token)
    assert claims["exp"] - claims["iat"] == 900 and claims["nbf"] == claims["iat"]
    assert claims["iat"] == int(NOW.timestamp())
    assert claims["iss"] == "chibo-registry"
    assert claims["aud"] == [f"chibo:{s}" for s in ("registry", "meetings", "scoring")] + [
        "chibo:notifications",
        "chibo:portal",
    ]
    assert claims["sub"] == user["id"] and claims["jti"]
    assert claims["roles"] == ["member", "secretary"]
    assert claims["org"] == auth.tree["dh"]["id"]
    assert claims["scope_kind"] == "affiliated_branch"
    # Grants resolved today: the account's roles at its branch, and the member's branch.
    dh = auth.tree["dh"]["id"]
    assert claims["grants"] == [{"role": "member", "org": dh}, {"role": "secretary", "org": dh}]
    assert claims["member_id"] == user["member_id"]
    assert "Bình" not in json.dumps(claims) and "0912 000 111" not in json.dumps(claims)
    assert "0912000111" not in json.dumps(claims)

    me = await auth.client.get("/v1/auth/me", headers=bearer(token))
    assert me.json() == {
        "subject": user["id"],
        "roles": ["member", "secretary"],
        "organisation_id": auth.tree["dh"]["id"],
        "scope_kind": "affiliated_branch",
        "client": False,
        "member_id": user["member_id"],
        "grants": [
            {"role": "member", "organisation_id": dh, "province": False, "until": None},
            {"role": "secretary", "organisation_id": dh, "province": False, "until": None},
        ],
    }
    as_json = await auth.client.post(
        "/v1/auth/token",
        json={"grant_type": "password", "username": "binh.tran", "password": "Dong-Ha-bi-thu-1"},
    )
    assert as_json.status_code == 200

    jwks = (await auth.client.get("/.well-known/jwks.json")).json()
    assert [k["kid"] for k in jwks["keys"]] == [header["kid"]]
    assert set(jwks["keys"][0]) == {"kty", "crv", "x", "kid", "use", "alg"}  # no private "d"


async def test_wrong_passwords_unknown_names_and_missing_fields(auth: Auth) -> None:
    await secretary(auth)
    wrong = await auth.login("binh.tran", "not-the-password")
    unknown = await auth.login("nobody", "not-the-password")
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_grant"
        assert response.json()["detail"] == "Tên đăng nhập hoặc mật khẩu không đúng."
    missing = await auth.client.post("/v1/auth/token", data={"grant_type": "password"})
    assert missing.status_code == 422
    assert [e["pointer"] for e in missing.json()["errors"]] == ["/username", "/password"]
    bad_grant = await auth.client.post("/v1/auth/token", data={"grant_type": "implicit"})
    assert (
        bad_grant.status_code == 422 and bad_grant.json()["errors"][0]["pointer"] == "/grant_type"
    )


async def login_from(
    app: FastAPI, address: str, username: str, password: str, **headers: str
) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=(address, 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://registry") as client:
        return await client.post(
            "/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": password},
            headers=headers,
        )


async def test_login_is_limited_per_account_from_every_address(auth: Auth) -> None:
    await secretary(auth)
    for _ in range(3):
        assert (await auth.login("binh.tran", "guess-guess-guess")).status_code == 400
    auth.clock.advance(seconds=15)
    # Even the right password is refused while limited: guessing gains nothing.
    limited = await auth.login("binh.tran", "Dong-Ha-bi-thu-1")
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "45"
    assert limited.json()["code"] == "login-rate-limited"
    assert limited.headers["content-type"] == "application/problem+json"
    # Nor does moving to another address help: the account's count is one.
    elsewhere = await login_from(auth.app, "10.0.0.7", "binh.tran", "Dong-Ha-bi-thu-1")
    assert elsewhere.status_code == 429
    # Another account from the same address is not this account's business.
    assert (await auth.login("quantri", ADMIN_PASSWORD)).status_code == 200

    auth.clock.advance(seconds=46)
    assert (await auth.login("binh.tran", "Dong-Ha-bi-thu-1")).status_code == 200
    # A success starts the account afresh: two slips before it and two after stay answered.
    for _ in range(2):
        assert (await auth.login("binh.tran", "typo-typo-typo")).status_code == 400
    assert (await auth.login("binh.tran", "Dong-Ha-bi-thu-1")).status_code == 200
    for _ in range(2):
        assert (await auth.login("binh.tran", "typo-typo-typo")).status_code == 400
    assert (await auth.login("binh.tran", "Dong-Ha-bi-thu-1")).status_code == 200

    # Guesses sent all at once are counted before any is checked: only 3 get an answer.
    auth.clock.advance(seconds=61)  # the slips above leave the address's window
    flood = await asyncio.gather(*(auth.login("binh.tran", f"guess-{i:04}-x") for i in range(12)))
    assert sorted(r.status_code for r in flood) == [400] * 3 + [429] * 9


async def test_login_is_limited_per_address_across_accounts_and_replicas(
    auth: Auth, db_url: str
) -> None:
    """One address spraying a couple of guesses at many accounts stays under each account's
    limit and is stopped by the address's. The count lives in the database: a second registry
    process over it (behind a proxy it trusts) refuses the same address."""
    await secretary(auth)
    answers = [
        (await login_from(auth.app, "10.0.0.8", f"nguoi.{n}", f"guess-{g}-guess")).status_code
        for n in range(4)
        for g in range(2)
    ]
    assert answers == [400] * 6 + [429] * 2
    assert (
        await login_from(auth.app, "10.0.0.9", "binh.tran", "Dong-Ha-bi-thu-1")
    ).status_code == 200

    settings = RegistrySettings(
        database_url=db_url,
        amqp_url="amqp://guest:guest@127.0.0.1:1/",  # type: ignore[arg-type]
        trusted_proxies=["127.0.0.1/32"],  # type: ignore[list-item]
    )
    replica = build_app(settings)
    replica.state.runtime.clock = auth.clock
    use_identity(replica, Identity(replica.state.runtime, auth.identity.settings))
    try:
        via_proxy = await login_from(
            replica, "127.0.0.1", "binh.tran", "Dong-Ha-bi-thu-1", **{"X-Forwarded-For": "10.0.0.8"}
        )
        assert via_proxy.status_code == 429, via_proxy.text
        # The first process trusts no proxy: the same header from its peer proves nothing.
        spoofed = await login_from(
            auth.app,
            "127.0.0.1",
            "binh.tran",
            "Dong-Ha-bi-thu-1",
            **{"X-Forwarded-For": "10.0.0.8"},
        )
        assert spoofed.status_code == 200
        assert (
            await login_from(
                replica,
                "127.0.0.1",
                "binh.tran",
                "Dong-Ha-bi-thu-1",
                **{"X-Forwarded-For": "10.0.0.10"},
            )
        ).status_code == 200
    finally:
        await replica.state.runtime.db.dispose()


async def test_argon2_hashes_are_stored_and_every_write_is_audited(auth: Auth) -> None:
    user = await secretary(auth)
    reset = await auth.as_admin(f"/v1/users/{user['id']}/password", {"password": "Mat-khau-moi-9"})
    assert reset.status_code == 200 and reset.json()["version"] == 2
    assert (await auth.login("binh.tran", "Dong-Ha-bi-thu-1")).status_code == 400
    assert (await auth.login("binh.tran", "Mat-khau-moi-9")).status_code == 200

    accounts = {u.username: u for u in await auth.rows(UserAccount)}
    for account in accounts.values():
        assert account.password_hash.startswith("$argon2id$v=19$")
    stored = json.dumps([u.model_dump(mode="json") for u in accounts.values()])
    audit = await auth.rows(AuditEntry)
    logged = json.dumps([a.model_dump(mode="json") for a in audit], ensure_ascii=False)
    for secret in ("Dong-Ha-bi-thu-1", "Mat-khau-moi-9", ADMIN_PASSWORD):
        assert secret not in stored and secret not in logged
    assert "$argon2" not in logged and "ENCRYPTED PRIVATE KEY" not in logged

    admin_id = accounts["quantri"].id
    by_action = {(a.action, a.entity_id): a for a in audit}
    created = by_action["user.created", user["id"]]
    assert created.actor == f"user:{admin_id}" and created.before is None
    assert created.after is not None and created.after["roles"] == ["member", "secretary"]
    assert created.at == NOW
    reset_entry = by_action["user.password_reset", user["id"]]
    assert reset_entry.before is not None and reset_entry.after is not None
    assert (reset_entry.before["version"], reset_entry.after["version"]) == (1, 2)
    assert by_action["user.created", admin_id].actor == "cli:create-admin"
    assert any(a.action == "signing_key.created" for a in audit)


async def test_admin_endpoints_need_a_province_admin_and_name_bad_fields(auth: Auth) -> None:
    await secretary(auth)
    body = {
        "username": "vp.thachlong",
        "display_name": "Văn phòng Đảng ủy xã Thạch Long",
        "password": "Van-phong-TL-1",
        "staff_role": "Văn phòng Đảng ủy",
        "organisation_id": auth.tree["tl"]["id"],
        "roles": ["officer"],
    }
    assert (await auth.client.post("/v1/users", json=body)).status_code == 401
    user_token = await auth.token("binh.tran", "Dong-Ha-bi-thu-1")
    denied = await auth.client.post("/v1/users", json=body, headers=bearer(user_token))
    assert denied.status_code == 403 and denied.json()["code"] == "forbidden"
    rotate = await auth.client.post("/v1/auth/keys/rotate", headers=bearer(user_token))
    assert rotate.status_code == 403

    bad = await auth.as_admin(
        "/v1/users",
        {**body, "username": "Văn Phòng", "member_id": "x", "roles": ["admin", "chief"]},
    )
    assert bad.status_code == 422
    assert {e["pointer"] for e in bad.json()["errors"]} == {"/member_id"}  # unknown member first
    bad = await auth.as_admin(
        "/v1/users", {**body, "username": "Văn Phòng", "roles": ["admin", "chief"]}
    )
    assert bad.status_code == 422
    assert [e["pointer"] for e in bad.json()["errors"]] == ["/username", "/roles/1", "/roles"]
    short = await auth.as_admin("/v1/users", {**body, "password": "ngan"})
    assert short.json()["errors"][0] == {
        "pointer": "/password",
        "detail": "Mật khẩu cần ít nhất 10 ký tự.",
        "code": "password-too-short",
    }
    missing = await auth.as_admin("/v1/users", {k: v for k, v in body.items() if k != "roles"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["pointer"] == "/roles"
    nowhere = await auth.as_admin("/v1/users", {**body, "organisation_id": "nope"})
    assert nowhere.json()["errors"][0]["pointer"] == "/organisation_id"

    assert (await auth.as_admin("/v1/users", body)).status_code == 201
    again = await auth.as_admin("/v1/users", {**body, "username": "VP.ThachLong"})
    assert again.status_code == 409 and again.json()["errors"][0]["pointer"] == "/username"

    # An admin scoped below the province cannot administer, even if the role were present.
    officer = await auth.token("vp.thachlong", "Van-phong-TL-1")
    assert (await auth.client.get("/v1/auth/keys", headers=bearer(officer))).status_code == 403


async def officer_of(auth: Auth, org: str, username: str) -> dict[str, str]:
    """A commune office account scoped to `org`, signed in: its Authorization header."""
    response = await auth.as_admin(
        "/v1/users",
        {
            "username": username,
            "display_name": "Văn phòng Đảng ủy",
            "password": "Van-phong-xa-1",
            "staff_role": "Văn phòng Đảng ủy",
            "organisation_id": auth.tree[org]["id"],
            "roles": ["officer"],
        },
    )
    assert response.status_code == 201, response.text
    return bearer(await auth.token(username, "Van-phong-xa-1"))


async def test_a_real_token_reaches_its_subtree_and_nothing_else(auth: Auth) -> None:
    t, client = auth.tree, auth.client
    lan = await auth.reg.member(t["dh"], "Nguyễn Thị Lan")
    hung = await auth.reg.member(t["tb"], "Trần Văn Hùng")
    thach_long = await officer_of(auth, "tl", "vp.thachlong")

    listed = await client.get("/v1/organisations", headers=thach_long)
    assert {o["code"] for o in listed.json()["items"]} == {"HT.TH.TL", "HT.TH.TL.01"}
    assert (await client.get(f"/v1/members/{lan['id']}", headers=thach_long)).status_code == 200
    foreign = await client.get(f"/v1/members/{hung['id']}", headers=thach_long)
    assert foreign.status_code == 403 and foreign.json()["code"] == "forbidden"
    roster = await client.get(f"/v1/organisations/{t['tb']['id']}/roster", headers=thach_long)
    assert roster.status_code == 403
    outside = await client.get(
        "/v1/organisations", params={"parent_id": t["ts"]["id"]}, headers=thach_long
    )
    assert outside.status_code == 403

    # A write naming a branch outside is refused before anything is written.
    write = {**thach_long, "Idempotency-Key": "scope-1"}
    admit = await client.post(
        "/v1/members",
        json={"full_name": "Người ngoài", "branch_id": t["tb"]["id"], "admitted_on": "2020-01-01"},
        headers=write,
    )
    assert admit.status_code == 403
    away = await client.post(
        f"/v1/members/{lan['id']}/transfer",
        json={"branch_id": t["tb"]["id"], "on": "2026-01-01"},
        headers={**write, "Idempotency-Key": "scope-2"},
    )
    assert away.status_code == 403
    assert len(await auth.rows(Member)) == 2  # nothing was written
    imported = await client.post(
        "/v1/imports/organisations",
        content=b"x",
        headers={**thach_long, "Content-Type": "text/csv"},
    )
    assert imported.status_code == 403  # imports are province-level
    assert (await client.get("/v1/auth/me", headers=thach_long)).status_code == 200
    assert (await client.get("/v1/organisations")).status_code == 401


async def test_scope_follows_today_and_keeps_ended_nodes_with_their_last_parent(
    auth: Auth,
) -> None:
    t, client = auth.tree, auth.client
    lan = await auth.reg.member(t["dh"], "Nguyễn Thị Lan")
    thach_long = await officer_of(auth, "tl", "vp.thachlong")
    thach_son = await officer_of(auth, "ts", "vp.thachson")
    member = f"/v1/members/{lan['id']}"

    # A transfer decided for later leaves the member with their branch until that day.
    await auth.reg.post(f"{member}/transfer", {"branch_id": t["tb"]["id"], "on": "2026-06-01"}, 200)
    assert (await client.get(member, headers=thach_long)).status_code == 200
    assert (await client.get(member, headers=thach_son)).status_code == 403
    auth.clock.advance(days=92)  # 2026-06-02 in Việt Nam: everyone signs in again
    thach_long = bearer(await auth.token("vp.thachlong", "Van-phong-xa-1"))
    thach_son = bearer(await auth.token("vp.thachson", "Van-phong-xa-1"))
    auth.reg.headers = bearer(await auth.token("quantri", ADMIN_PASSWORD))
    assert (await client.get(member, headers=thach_long)).status_code == 403
    assert (await client.get(member, headers=thach_son)).status_code == 200

    # A dissolved branch is still Thạch Long's: it is judged by its last day.
    dh = t["dh"]["id"]
    await auth.reg.post(f"/v1/organisations/{dh}/dissolve", {"on": "2026-06-01"}, 200)
    assert (await client.get(f"/v1/organisations/{dh}", headers=thach_long)).status_code == 200
    assert (await client.get(f"/v1/organisations/{dh}", headers=thach_son)).status_code == 403


async def test_client_credentials_for_services_and_agencies(auth: Auth) -> None:
    created = await auth.as_admin(
        "/v1/clients",
        {
            "name": "Dịch vụ chấm điểm",
            "kind": "service",
            "organisation_id": auth.tree["ht"]["id"],
            "roles": ["service"],
        },
    )
    assert created.status_code == 201, created.text
    client = created.json()
    secret = client["client_secret"]
    stored = (await auth.rows(ApiClient))[0]
    assert stored.secret_hash.startswith("$argon2id$") and secret not in stored.secret_hash

    basic = base64.b64encode(f"{client['client_id']}:{secret}".encode()).decode()
    via_basic = await auth.client.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert via_basic.status_code == 200, via_basic.text
    claims = claims_of(via_basic.json()["access_token"])
    assert claims["sub"] == claims["client_id"] == client["client_id"]
    assert claims["roles"] == ["service"] and claims["scope_kind"] == "province"
    principal = await auth.identity.verifier.verify(via_basic.json()["access_token"])
    assert principal.client

    via_form = await auth.client.post(
        "/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": "wrong",
        },
    )
    assert via_form.status_code == 401 and via_form.json()["error"] == "invalid_client"

    agency = await auth.as_admin(
        "/v1/clients",
        {
            "name": "Sở",
            "kind": "agency",
            "organisation_id": auth.tree["ht"]["id"],
            "roles": ["service"],
        },
    )
    assert agency.status_code == 422 and agency.json()["errors"][0]["pointer"] == "/roles/0"
    audit = await auth.rows(AuditEntry)
    assert [a.action for a in audit if a.entity == "client"] == ["client.created"]


async def test_a_rotated_out_key_works_during_its_grace_period_then_stops(auth: Auth) -> None:
    await secretary(auth)
    old_token = await auth.token("binh.tran", "Dong-Ha-bi-thu-1")
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    old_row = (await auth.rows(SigningKey))[0]
    old_private = load_private(old_row, PASSPHRASE)

    rotated = await auth.client.post("/v1/auth/keys/rotate", headers=bearer(auth.admin_token))
    assert rotated.status_code == 200, rotated.text
    out = rotated.json()
    assert out["retired"][0]["kid"] == old_kid and out["active"]["kid"] != old_kid
    assert out["retired"][0]["published_until"].startswith("2026-03-02T01:30:00")
    keys = {k.kid: k for k in await auth.rows(SigningKey)}
    assert keys[old_kid].private_pem is None, "a retired key can no longer sign"

    new_token = await auth.token("binh.tran", "Dong-Ha-bi-thu-1")
    assert jwt.get_unverified_header(new_token)["kid"] == out["active"]["kid"]

    # Another service verifies over HTTP with its own cache, as meetings or scoring will.
    elsewhere = TokenVerifier(
        http_jwks_source("http://registry/.well-known/jwks.json", auth.client),
        issuer="chibo-registry",
        audience="chibo:meetings",
        clock=auth.clock,
    )
    for token in (old_token, new_token):
        await elsewhere.verify(token)
        assert (await auth.client.get("/v1/auth/me", headers=bearer(token))).status_code == 200

    auth.clock.advance(minutes=29)  # still inside the 30-minute grace
    replay = sign_with(old_private, old_kid, claims_of(old_token), auth.clock)
    await elsewhere.verify(replay)

    auth.clock.advance(minutes=1, seconds=1)
    jwks = (await auth.client.get("/.well-known/jwks.json")).json()
    assert [k["kid"] for k in jwks["keys"]] == [out["active"]["kid"]]
    replay = sign_with(old_private, old_kid, claims_of(old_token), auth.clock)
    auth.clock.advance(minutes=5)  # past the other service's JWKS cache age
    with pytest.raises(InvalidToken) as refused:
        await elsewhere.verify(replay)
    assert refused.value.reason == "unknown-key"
    local = await auth.client.get("/v1/auth/me", headers=bearer(replay))
    assert local.status_code == 401 and 'error="invalid_token"' in local.headers["www-authenticate"]
    fresh = await auth.token("binh.tran", "Dong-Ha-bi-thu-1")
    await elsewhere.verify(fresh)
    assert (await auth.client.get("/v1/auth/me", headers=bearer(fresh))).status_code == 200

    audit = {(a.action, a.entity_id) for a in await auth.rows(AuditEntry)}
    assert ("signing_key.retired", old_kid) in audit
    assert ("signing_key.created", out["active"]["kid"]) in audit


def sign_with(
    private: Ed25519PrivateKey, kid: str, claims: dict[str, Any], clock: FrozenClock
) -> str:
    now = int(clock.now().timestamp())
    fresh = {**claims, "iat": now, "nbf": now, "exp": now + 900}
    return jwt.encode(fresh, private, algorithm="EdDSA", headers={"kid": kid, "typ": "at+jwt"})


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def test_token_attacks_are_refused_with_401(auth: Auth) -> None:
    good = auth.admin_token
    kid = jwt.get_unverified_header(good)["kid"]
    private = load_private((await auth.rows(SigningKey))[0], PASSPHRASE)
    jwk = (await auth.client.get("/.well-known/jwks.json")).json()["keys"][0]
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = claims_of(good)
    now = int(NOW.timestamp())

    def forged(header: dict[str, Any], body: dict[str, Any], secret: bytes | None) -> str:
        signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(body).encode())}"
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest() if secret else b""
        return f"{signing_input}.{b64(mac)}"

    def signed(**changes: Any) -> str:
        return jwt.encode({**claims, **changes}, private, algorithm="EdDSA", headers={"kid": kid})

    head, _, signature = good.split(".")
    province_wide = {**claims, "roles": ["admin", "officer", "service"]}
    attacks = {
        "alg-none": forged({"alg": "none", "kid": kid}, claims, None),
        "hs256-with-public-pem": forged({"alg": "HS256", "kid": kid}, claims, public_pem),
        "hs256-with-jwk-x": forged({"alg": "HS256", "kid": kid}, claims, jwk["x"].encode()),
        "expired": signed(iat=now - 1000, nbf=now - 1000, exp=now - 100),
        "wrong-audience": signed(aud="another-system"),
        "wrong-issuer": signed(iss="https://attacker.example"),
        "unknown-kid": jwt.encode(
            claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": "k-999"}
        ),
        "tampered-payload": f"{head}.{b64(json.dumps(province_wide).encode())}.{signature}",
    }
    for name, token in attacks.items():
        response = await auth.client.get("/v1/auth/me", headers=bearer(token))
        assert response.status_code == 401, name
        assert 'error="invalid_token"' in response.headers["www-authenticate"], name
        assert response.headers["content-type"] == "application/problem+json", name
        rotate = await auth.client.post("/v1/auth/keys/rotate", headers=bearer(token))
        assert rotate.status_code == 401, name
    assert (await auth.client.get("/v1/auth/me", headers=bearer(good))).status_code == 200


async def test_create_admin_from_the_command_line(auth: Auth, db_url: str) -> None:
    settings = RegistrySettings(database_url=db_url, amqp_url="amqp://guest:guest@127.0.0.1:1/")
    args = argparse.Namespace(username="Admin2", password="Hai-quan-tri-2", organisation="HT")
    assert await asyncio.to_thread(identity_cli.run, settings, args) == 0
    hashes = {u.username: u.password_hash for u in await auth.rows(UserAccount)}
    # The CLI hashes with the default (production) argon2 parameters …
    assert hashes["admin2"].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    token = await auth.token("admin2", "Hai-quan-tri-2")
    grants = claims_of(token)["grants"]
    assert any(g["role"] == "province_admin" and g.get("province") for g in grants), grants
    # … and a sign-in under other parameters re-hashes the password, audited.
    hashes = {u.username: u.password_hash for u in await auth.rows(UserAccount)}
    assert hashes["admin2"].startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    actions = [
        a.action
        for a in await auth.rows(AuditEntry)
        if a.actor == f"user:{claims_of(token)['sub']}"
    ]
    assert actions == ["user.password_rehashed"]
    args = argparse.Namespace(username="admin2", password="Hai-quan-tri-2", organisation=None)
    assert await asyncio.to_thread(identity_cli.run, settings, args) == 1  # name taken
