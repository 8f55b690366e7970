"""Access tokens for tests of one service in-process: a test signing key, a verifier that
trusts only it, and tokens minted for any scope. The registry's own tests use real logins."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI

from service_kit.auth import TokenVerifier, public_jwk

ISSUER, AUDIENCE, KID = "chibo-registry", "chibo", "test-key"
_KEY = Ed25519PrivateKey.generate()


def jwks() -> dict[str, Any]:
    return {"keys": [public_jwk(_KEY, KID)]}


def test_verifier() -> TokenVerifier:
    """Trusts tokens from `token()` only."""

    async def source() -> dict[str, Any]:
        return jwks()

    return TokenVerifier(source, issuer=ISSUER, audience=AUDIENCE)


test_verifier.__test__ = False  # type: ignore[attr-defined]


def token(
    org: str | None,
    scope_kind: str = "commune",
    roles: Iterable[str] = ("admin", "officer"),
    *,
    subject: str | None = None,
    client_id: str | None = None,
    ttl: int = 3600,
) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": subject or f"user-{uuid.uuid4().hex[:8]}",
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
        "roles": sorted(roles),
        "org": org,
        "scope_kind": scope_kind,
    }
    if client_id:
        claims["client_id"] = client_id
    return jwt.encode(claims, _KEY, algorithm="EdDSA", headers={"kid": KID})


def bearer(org: str | None, scope_kind: str = "commune", **kwargs: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(org, scope_kind, **kwargs)}"}


def province_headers(org: str = "tinh-test") -> dict[str, str]:
    """Headers of a province-level officer: reaches every organisation."""
    return bearer(org, "province")


def signed_client(
    app: FastAPI, base_url: str, headers: dict[str, str] | None = None, **kwargs: Any
) -> httpx.AsyncClient:
    """An in-process client of `app` that trusts the test key, sending a province officer's
    token unless `headers` say otherwise (pass `headers={}` for none)."""
    app.state.verifier = test_verifier()
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=base_url,
        headers=province_headers() if headers is None else headers,
        **kwargs,
    )
