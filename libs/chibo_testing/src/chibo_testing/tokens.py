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
from service_kit.grants import Grant
from service_kit.settings import audience_of

ISSUER, KID = "chibo-registry", "test-key"
SERVICES = ("registry", "meetings", "scoring", "notifications", "portal")
AUDIENCE = [audience_of(s) for s in SERVICES]  # test tokens are good at every service
_KEY = Ed25519PrivateKey.generate()


def jwks() -> dict[str, Any]:
    return {"keys": [public_jwk(_KEY, KID)]}


def test_verifier(audience: str = audience_of("meetings")) -> TokenVerifier:
    """Trusts tokens from `token()` only, as the service of `audience` would."""

    async def source() -> dict[str, Any]:
        return jwks()

    return TokenVerifier(source, issuer=ISSUER, audience=audience)


test_verifier.__test__ = False  # type: ignore[attr-defined]


def token(
    org: str | None,
    scope_kind: str = "commune",
    roles: Iterable[str] = ("admin", "officer"),
    *,
    subject: str | None = None,
    client_id: str | None = None,
    ttl: int = 3600,
    grants: Iterable[Grant] | None = None,
    member_id: str | None = None,
    audience: Iterable[str] | None = None,
    client_kind: str | None = None,
) -> str:
    """A signed access token. Without `grants` the token says only its account roles at `org`
    (each service reads them as grants there); with them, exactly those grants."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": list(audience) if audience is not None else AUDIENCE,
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
    if client_kind:
        claims["client_kind"] = client_kind
    if grants is not None:
        claims["grants"] = [g.claim() for g in grants]
    if member_id:
        claims["member_id"] = member_id
    return jwt.encode(claims, _KEY, algorithm="EdDSA", headers={"kid": KID, "typ": "at+jwt"})


def bearer(org: str | None, scope_kind: str = "commune", **kwargs: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(org, scope_kind, **kwargs)}"}


def holding(
    *grants: tuple[str, str], member_id: str | None = None, **kwargs: Any
) -> dict[str, str]:
    """Headers of a person holding exactly these (role, organisation) grants, e.g.
    `holding(("secretary", "branch-dong-ha"))`."""
    held = [Grant(role, org) for role, org in grants]
    first = grants[0][1] if grants else None
    return {
        "Authorization": "Bearer "
        + token(first, "branch", roles=(), grants=held, member_id=member_id, **kwargs)
    }


def province_headers(org: str = "tinh-test") -> dict[str, str]:
    """Headers of a province-level officer: reaches every organisation."""
    return bearer(org, "province")


def signed_client(
    app: FastAPI, base_url: str, headers: dict[str, str] | None = None, **kwargs: Any
) -> httpx.AsyncClient:
    """An in-process client of `app` that trusts the test key, sending a province officer's
    token unless `headers` say otherwise (pass `headers={}` for none)."""
    app.state.verifier = test_verifier(app.state.runtime.settings.effective_audience)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=base_url,
        headers=province_headers() if headers is None else headers,
        **kwargs,
    )
