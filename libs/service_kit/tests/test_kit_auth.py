"""Token verification: every known attack on a JWT is refused with 401, keys rotate, scopes nest."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Depends, FastAPI

from service_kit.auth import (
    InvalidToken,
    KeysUnavailable,
    Principal,
    Revocations,
    TokenVerifier,
    authenticated,
    http_jwks_source,
    is_within,
)
from service_kit.clock import FrozenClock
from service_kit.grants import Grant
from service_kit.settings import ServiceSettings
from service_kit.web.problems import install_problem_handlers

ISSUER, AUDIENCE = "chibo-registry", "chibo"
NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Keys:
    """A registry stand-in: Ed25519 keys served as a JWKS through an httpx transport."""

    def __init__(self) -> None:
        self.private: dict[str, Ed25519PrivateKey] = {}
        self.fetches = 0
        self.down = False
        self.add("k1")

    def add(self, kid: str) -> None:
        self.private[kid] = Ed25519PrivateKey.generate()

    def jwk(self, kid: str) -> dict[str, Any]:
        raw = (
            self.private[kid]
            .public_key()
            .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        )
        return {"kty": "OKP", "crv": "Ed25519", "x": b64(raw), "kid": kid, "alg": "EdDSA"}

    def public_pem(self, kid: str) -> bytes:
        return (
            self.private[kid]
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        if self.down:
            return httpx.Response(503)
        return httpx.Response(200, json={"keys": [self.jwk(k) for k in self.private]})

    def claims(self, **overrides: Any) -> dict[str, Any]:
        issued = int(NOW.timestamp())
        base: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "user-1",
            "iat": issued,
            "nbf": issued,
            "exp": issued + 900,
            "jti": "t-1",
            "roles": ["secretary"],
            "org": "branch-1",
            "scope_kind": "affiliated_branch",
        }
        base.update(overrides)
        return {k: v for k, v in base.items() if v is not None}

    def token(self, kid: str = "k1", **overrides: Any) -> str:
        return jwt.encode(
            self.claims(**overrides),
            self.private[kid],
            algorithm="EdDSA",
            headers={"kid": kid, "typ": "at+jwt"},
        )


@pytest.fixture
def keys() -> Keys:
    return Keys()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def verifier(keys: Keys, clock: FrozenClock) -> TokenVerifier:
    client = httpx.AsyncClient(transport=httpx.MockTransport(keys.handler))
    return TokenVerifier(
        http_jwks_source("http://registry/.well-known/jwks.json", client),
        issuer=ISSUER,
        audience=AUDIENCE,
        clock=clock,
    )


def forged(header: dict[str, Any], claims: dict[str, Any], sign: Any = None) -> str:
    head = b64(json.dumps(header).encode())
    body = b64(json.dumps(claims).encode())
    signature = sign(f"{head}.{body}".encode()) if sign else b""
    return f"{head}.{body}.{b64(signature)}"


async def test_a_good_token_gives_its_principal(verifier: TokenVerifier, keys: Keys) -> None:
    principal = await verifier.verify(keys.token())
    assert principal == Principal(
        subject="user-1",
        roles=frozenset({"secretary"}),
        organisation_id="branch-1",
        scope_kind="affiliated_branch",
        client=False,
        token_id="t-1",
        # No `grants` claim: the account's roles hold at its organisation.
        grants=(Grant("secretary", "branch-1"),),
        issued_at=NOW.timestamp(),
    )
    client = await verifier.verify(keys.token(client_id="meetings", sub="meetings"))
    assert client.client and client.subject == "meetings"


def attacks(keys: Keys) -> dict[str, str]:
    claims = keys.claims()
    good = keys.token()
    head, _, signature = good.split(".")
    tampered = b64(json.dumps({**claims, "roles": ["admin"], "org": "province"}).encode())
    es_key = ec.generate_private_key(ec.SECP256R1())
    return {
        "alg-none": forged({"alg": "none", "kid": "k1", "typ": "at+jwt"}, claims),
        "alg-none-capitalised": forged({"alg": "None", "kid": "k1", "typ": "at+jwt"}, claims),
        # Signed by the right key but not an access token (an ID token, any other JWT).
        "not-an-access-token": jwt.encode(
            claims, keys.private["k1"], algorithm="EdDSA", headers={"kid": "k1", "typ": "JWT"}
        ),
        # The classic confusion: the public key (PEM or raw) used as an HMAC secret.
        "hs256-with-public-pem": forged(
            {"alg": "HS256", "kid": "k1", "typ": "at+jwt"},
            claims,
            lambda m: hmac.new(keys.public_pem("k1"), m, hashlib.sha256).digest(),
        ),
        "hs256-with-public-x": forged(
            {"alg": "HS256", "kid": "k1", "typ": "at+jwt"},
            claims,
            lambda m: hmac.new(keys.jwk("k1")["x"].encode(), m, hashlib.sha256).digest(),
        ),
        "es256-against-an-ed25519-kid": jwt.encode(
            claims, es_key, algorithm="ES256", headers={"kid": "k1", "typ": "at+jwt"}
        ),
        "expired": keys.token(exp=int(NOW.timestamp()) - 31),
        "not-yet-valid": keys.token(nbf=int(NOW.timestamp()) + 120),
        "wrong-audience": keys.token(aud="someone-else"),
        "wrong-issuer": keys.token(iss="https://evil.example"),
        "unknown-kid": forged(
            {"alg": "EdDSA", "kid": "k-forged", "typ": "at+jwt"},
            claims,
            lambda m: Ed25519PrivateKey.generate().sign(m),
        ),
        "no-kid": jwt.encode(
            claims, keys.private["k1"], algorithm="EdDSA", headers={"typ": "at+jwt"}
        ),
        "tampered-payload": f"{head}.{tampered}.{signature}",
        "signed-by-another-key": jwt.encode(
            claims,
            Ed25519PrivateKey.generate(),
            algorithm="EdDSA",
            headers={"kid": "k1", "typ": "at+jwt"},
        ),
        "missing-exp": keys.token(exp=None),
        "missing-audience": keys.token(aud=None),
        "garbage": "not.a.token",
    }


async def test_token_attacks_are_refused(verifier: TokenVerifier, keys: Keys) -> None:
    reasons = {}
    for name, token in attacks(keys).items():
        with pytest.raises(InvalidToken) as refused:
            await verifier.verify(token)
        reasons[name] = refused.value.reason
    assert reasons["alg-none"] == "algorithm"
    assert reasons["not-an-access-token"] == "type"
    assert reasons["hs256-with-public-pem"] == "algorithm"
    assert reasons["es256-against-an-ed25519-kid"] == "algorithm"
    assert reasons["expired"] == "expired"
    assert reasons["wrong-audience"] == "audience"
    assert reasons["wrong-issuer"] == "issuer"
    assert reasons["unknown-kid"] == "unknown-key"
    assert reasons["tampered-payload"] == "signature"


async def test_leeway_and_expiry_follow_the_clock(
    verifier: TokenVerifier, keys: Keys, clock: FrozenClock
) -> None:
    token = keys.token()
    clock.advance(seconds=900 + 29)
    await verifier.verify(token)  # within the 30 s leeway
    clock.advance(seconds=2)
    with pytest.raises(InvalidToken, match="hết hạn"):
        await verifier.verify(token)


async def test_unknown_kid_refreshes_once_then_is_rate_limited(
    verifier: TokenVerifier, keys: Keys, clock: FrozenClock
) -> None:
    await verifier.verify(keys.token())
    assert keys.fetches == 1
    keys.add("k2")  # a rotation: the first k2 token makes the verifier fetch again
    await verifier.verify(keys.token("k2"))
    assert keys.fetches == 2
    bogus = attacks(keys)["unknown-kid"]
    for _ in range(20):
        with pytest.raises(InvalidToken):
            await verifier.verify(bogus)
    assert keys.fetches == 2, "made-up kids must not hammer the registry"
    clock.advance(seconds=11)
    with pytest.raises(InvalidToken):
        await verifier.verify(bogus)
    assert keys.fetches == 3


async def test_a_key_dropped_from_the_jwks_stops_verifying_after_the_cache_age(
    verifier: TokenVerifier, keys: Keys, clock: FrozenClock
) -> None:
    await verifier.verify(keys.token("k1"))
    keys.add("k2")
    dropped = keys.private.pop("k1")
    clock.advance(seconds=299)
    await verifier.verify(_sign(dropped, "k1", keys))  # still cached
    clock.advance(seconds=2)  # cache age passed: the next verify refetches
    with pytest.raises(InvalidToken) as refused:
        await verifier.verify(_sign(dropped, "k1", keys))
    assert refused.value.reason == "unknown-key"
    await verifier.verify(keys.token("k2"))


def _sign(private: Ed25519PrivateKey, kid: str, keys: Keys) -> str:
    return jwt.encode(
        keys.claims(), private, algorithm="EdDSA", headers={"kid": kid, "typ": "at+jwt"}
    )


async def test_registry_outage_keeps_the_last_keys_and_no_keys_is_503(
    verifier: TokenVerifier, keys: Keys, clock: FrozenClock
) -> None:
    await verifier.verify(keys.token())
    keys.down = True
    clock.advance(seconds=1000)
    with pytest.raises(InvalidToken, match="hết hạn"):  # keys still known: only the time fails
        await verifier.verify(keys.token())
    fresh = TokenVerifier(verifier.source, issuer=ISSUER, audience=AUDIENCE)
    with pytest.raises(KeysUnavailable):
        await fresh.verify(keys.token())


def test_symmetric_algorithms_cannot_be_configured(verifier: TokenVerifier) -> None:
    with pytest.raises(ValueError):
        TokenVerifier(verifier.source, issuer=ISSUER, audience=AUDIENCE, algorithms=["HS256"])


def test_settings_point_at_the_registry_jwks(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ServiceSettings().effective_jwks_url == "http://127.0.0.1:8001/.well-known/jwks.json"
    monkeypatch.setenv("CHIBO_REGISTRY_URL", "http://registry.internal:9000/")
    assert (
        ServiceSettings().effective_jwks_url
        == "http://registry.internal:9000/.well-known/jwks.json"
    )
    assert ServiceSettings(jwks_url="http://x/jwks").effective_jwks_url == "http://x/jwks"


@pytest.fixture
def guarded(verifier: TokenVerifier) -> httpx.AsyncClient:
    app = FastAPI()
    install_problem_handlers(app)
    anyone = authenticated(lambda _: verifier)
    secretaries = authenticated(lambda _: verifier, any_role={"secretary"})
    admins = authenticated(lambda _: verifier, any_role={"admin"})

    @app.get("/anyone")
    async def _anyone(p: Principal = Depends(anyone)) -> dict[str, str]:
        return {"subject": p.subject}

    @app.get("/secretaries")
    async def _secretaries(p: Principal = Depends(secretaries)) -> dict[str, str]:
        return {"subject": p.subject}

    @app.get("/admins")
    async def _admins(p: Principal = Depends(admins)) -> dict[str, str]:
        return {"subject": p.subject}

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc")


async def test_the_dependency_answers_401_and_403_as_problem_json(
    guarded: httpx.AsyncClient, keys: Keys
) -> None:
    bearer = {"Authorization": f"Bearer {keys.token()}"}
    ok = await guarded.get("/secretaries", headers=bearer)
    assert ok.status_code == 200 and ok.json() == {"subject": "user-1"}

    missing = await guarded.get("/anyone")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == 'Bearer realm="chibo"'
    assert missing.headers["content-type"] == "application/problem+json"

    for name, token in attacks(keys).items():
        refused = await guarded.get("/anyone", headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 401, name
        assert 'error="invalid_token"' in refused.headers["www-authenticate"], name
        assert refused.json()["code"] == "invalid-token", name

    forbidden = await guarded.get("/admins", headers=bearer)
    assert forbidden.status_code == 403
    assert 'error="insufficient_scope"' in forbidden.headers["www-authenticate"]
    assert forbidden.json()["code"] == "forbidden"


async def test_is_within_follows_the_ancestry_on_the_date() -> None:
    tree = {
        date(2025, 1, 1): {"branch": ["old-commune", "district", "province"]},
        date(2025, 8, 1): {"branch": ["new-commune", "province"]},
    }
    asked: list[tuple[str, date]] = []

    async def ancestry(org_id: str, on: date) -> Sequence[str]:
        asked.append((org_id, on))
        return tree[on].get(org_id, [])

    def scoped(org: str | None) -> Principal:
        return Principal("u", frozenset({"officer"}), org, "commune", False)

    before, after = date(2025, 1, 1), date(2025, 8, 1)
    assert await is_within(scoped("old-commune"), "branch", ancestry, before)
    assert not await is_within(scoped("old-commune"), "branch", ancestry, after)
    assert await is_within(scoped("new-commune"), "branch", ancestry, after)
    assert await is_within(scoped("province"), "branch", ancestry, after)
    assert not await is_within(scoped("new-commune"), "province", ancestry, after)
    assert await is_within(scoped("branch"), "branch", ancestry, after)
    assert not await is_within(scoped(None), "branch", ancestry, after)


async def test_grants_in_the_token_are_read_with_their_end(
    verifier: TokenVerifier, keys: Keys
) -> None:
    grants = [
        {"role": "secretary", "org": "branch-1"},
        {"role": "observer", "org": "branch-9", "until": "2026-12-01"},
        {"role": "officer", "org": "tinh", "province": True},
    ]
    principal = await verifier.verify(keys.token(grants=grants, member_id="m-7"))
    assert principal.member_id == "m-7"
    assert principal.grants == (
        Grant("secretary", "branch-1"),
        Grant("observer", "branch-9", until=date(2026, 12, 1)),
        Grant("officer", "tinh", province=True),
    )
    # The observer assignment ended on 1 Dec: from that day the grant no longer holds.
    assert [g.role for g in principal.grants_on(date(2026, 11, 30))] == [
        "secretary",
        "observer",
        "officer",
    ]
    assert [g.role for g in principal.grants_on(date(2026, 12, 1))] == ["secretary", "officer"]
    with pytest.raises(InvalidToken):
        await verifier.verify(keys.token(grants=[{"role": "emperor", "org": "x"}]))


async def test_a_revoked_subject_is_refused_for_tokens_issued_before(
    keys: Keys, clock: FrozenClock
) -> None:
    published: dict[str, Any] = {"revoked": []}

    async def source() -> dict[str, Any]:
        return published

    client = httpx.AsyncClient(transport=httpx.MockTransport(keys.handler))
    verifier = TokenVerifier(
        http_jwks_source("http://registry/.well-known/jwks.json", client),
        issuer=ISSUER,
        audience=AUDIENCE,
        clock=clock,
        revocations=Revocations(source, refresh_seconds=30, clock=clock),
    )
    before = keys.token()
    await verifier.verify(before)
    published["revoked"] = [{"subject": "user-1", "after": NOW.timestamp() + 5}]
    clock.advance(seconds=29)
    await verifier.verify(before)  # the list is read at most every 30 s
    clock.advance(seconds=2)
    with pytest.raises(InvalidToken) as refused:
        await verifier.verify(before)
    assert refused.value.reason == "revoked"
    after = keys.token(iat=int(NOW.timestamp()) + 10, nbf=int(NOW.timestamp()) + 10)
    assert (await verifier.verify(after)).subject == "user-1"  # a new sign-in works


async def test_a_token_seen_before_skips_the_signature_but_not_expiry_keys_or_revocation(
    keys: Keys, clock: FrozenClock
) -> None:
    published: dict[str, Any] = {"revoked": []}

    async def source() -> dict[str, Any]:
        return published

    client = httpx.AsyncClient(transport=httpx.MockTransport(keys.handler))
    verifier = TokenVerifier(
        http_jwks_source("http://registry/.well-known/jwks.json", client),
        issuer=ISSUER,
        audience=AUDIENCE,
        clock=clock,
        revocations=Revocations(source, refresh_seconds=0, clock=clock),
    )
    token = keys.token()
    first = await verifier.verify(token)
    assert await verifier.verify(token) == first and verifier.cache_hits == 1
    published["revoked"] = [{"subject": "user-1", "after": NOW.timestamp() + 5}]
    with pytest.raises(InvalidToken) as refused:
        await verifier.verify(token)  # from the cache, revocation re-read
    assert refused.value.reason == "revoked" and verifier.cache_hits == 2
    published["revoked"] = []
    clock.advance(seconds=900 + 31)
    with pytest.raises(InvalidToken) as expired:
        await verifier.verify(token)
    assert expired.value.reason == "expired"
