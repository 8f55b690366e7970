"""Verifying the registry's access tokens locally: JWKS cache, strict JWT checks, subtree scope.

Every service builds one `TokenVerifier` (`TokenVerifier.from_settings`) and guards routes with
`authenticated(...)`. Keys come from the registry's `/.well-known/jwks.json`; the registry itself
plugs in a source that reads its own key table, so there is one verification path for all.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Request

from service_kit.clock import Clock, SystemClock
from service_kit.grants import Grant, GrantError, account_grants, parse_grants
from service_kit.settings import ServiceSettings
from service_kit.web.problems import Problem

log = logging.getLogger(__name__)

EDDSA = "EdDSA"  # what the registry signs with
# Asymmetric only: `none` and HS* would let anyone holding the public key mint tokens.
ALLOWED_ALGORITHMS: tuple[str, ...] = ("EdDSA", "ES256")
# Which JWK key types may verify which algorithm: a key is never used with a foreign algorithm.
_KEY_TYPES = {"EdDSA": ("OKP", "Ed25519"), "ES256": ("EC", "P-256")}
REQUIRED_CLAIMS = ("iss", "aud", "sub", "exp", "iat", "nbf", "jti")
# RFC 9068: an access token says so in its header, so an ID token or any other JWT signed by the
# same keys is never taken for one.
ACCESS_TOKEN_TYPE = "at+jwt"
# Verified tokens remembered per process (a token is ~1 KB: ~10 MB at most).
VERIFIED_CACHE_SIZE = 10_000

JwksSource = Callable[[], Awaitable[dict[str, Any]]]
Ancestry = Callable[[str, date], Awaitable[Sequence[str]]]


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user (`client=False`) or a service/agency client (`client=True`), the
    member they are (if any) and what they hold where (`grants`)."""

    subject: str
    roles: frozenset[str]
    organisation_id: str | None
    scope_kind: str | None
    client: bool
    token_id: str = ""
    member_id: str | None = None
    grants: tuple[Grant, ...] = ()
    issued_at: float = 0.0

    @property
    def actor(self) -> str:
        """How logs and histories name this caller: `user:<subject>` or `client:<subject>`."""
        return f"{'client' if self.client else 'user'}:{self.subject}"

    def has_any(self, roles: Iterable[str]) -> bool:
        return not self.roles.isdisjoint(roles)

    def grants_on(self, today: date) -> tuple[Grant, ...]:
        return tuple(g for g in self.grants if g.active(today))


class InvalidToken(Exception):
    """The token is refused; `reason` is a short code for logs and the problem body."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


class KeysUnavailable(Exception):
    """No key set could be had at all (the registry never answered): not the caller's fault."""


def http_jwks_source(url: str, client: httpx.AsyncClient | None = None) -> JwksSource:
    """Fetch the JWKS over HTTP (one shared client; 5 s timeout)."""
    own = client or httpx.AsyncClient(timeout=5.0)

    async def fetch() -> dict[str, Any]:
        response = await own.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    return fetch


RevocationSource = Callable[[], Awaitable[dict[str, Any]]]


class Revocations:
    """Subjects whose tokens issued before a moment no longer count (a user disabled, a role
    ended early, a password changed): the registry publishes them, every verifier re-reads them
    at most every `refresh_seconds` (30 s), so such a change takes effect within a minute.
    A failed read keeps the last list: a registry outage must not let anyone in nor out."""

    def __init__(
        self, source: RevocationSource, *, refresh_seconds: float = 30.0, clock: Clock | None = None
    ) -> None:
        self.source, self.refresh_seconds = source, refresh_seconds
        self.clock = clock or SystemClock()
        self._after: dict[str, float] = {}
        self._read_at: float | None = None
        self._lock = asyncio.Lock()

    async def not_before(self, subject: str) -> float | None:
        now = self.clock.now().timestamp()
        if self._read_at is None or now - self._read_at >= self.refresh_seconds:
            async with self._lock:
                if self._read_at is None or now - self._read_at >= self.refresh_seconds:
                    try:
                        document = await self.source()
                        self._after = {
                            str(r["subject"]): float(r["after"])
                            for r in document.get("revoked", [])
                        }
                    except Exception as exc:
                        log.warning("revocations fetch failed", extra={"error": type(exc).__name__})
                    self._read_at = now
        return self._after.get(subject)


class TokenVerifier:
    """Verifies compact JWS access tokens against a cached key set.

    The key set is refreshed when older than `cache_seconds`, and at once when a token names an
    unknown `kid` (a rotation just happened) — but at most once per `min_refresh_seconds`, so a
    flood of made-up kids cannot hammer the registry. If a refresh fails the last good set is
    kept: a registry outage must not log everyone out.
    """

    def __init__(
        self,
        source: JwksSource,
        *,
        issuer: str,
        audience: str,
        algorithms: Sequence[str] = ALLOWED_ALGORITHMS,
        leeway_seconds: float = 30.0,
        cache_seconds: float = 300.0,
        min_refresh_seconds: float = 10.0,
        clock: Clock | None = None,
        revocations: Revocations | None = None,
    ) -> None:
        refused = [a for a in algorithms if a not in ALLOWED_ALGORITHMS]
        if refused:
            raise ValueError(f"algorithms not allowed for access tokens: {refused}")
        self.source = source
        self.revocations = revocations
        self.issuer, self.audience = issuer, audience
        self.algorithms = tuple(algorithms)
        self.leeway_seconds = leeway_seconds
        self.cache_seconds = cache_seconds
        self.min_refresh_seconds = min_refresh_seconds
        self.clock = clock or SystemClock()
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._forced_at: float | None = None
        self._attempts = 0
        self._lock = asyncio.Lock()
        self.fetches = 0
        # Token → (its claims' principal, expiry, the key that verified it): the signature and
        # claim checks of a token seen before are not redone; expiry, the key still being in the
        # set and revocation are checked on every call.
        self._verified: dict[str, tuple[Principal, float, str, jwt.PyJWK]] = {}
        self.cache_hits = 0

    @classmethod
    def from_settings(
        cls,
        settings: ServiceSettings,
        *,
        client: httpx.AsyncClient | None = None,
        clock: Clock | None = None,
    ) -> TokenVerifier:
        return cls(
            http_jwks_source(settings.effective_jwks_url, client),
            issuer=settings.auth_issuer,
            audience=settings.effective_audience,
            revocations=Revocations(
                http_jwks_source(settings.effective_revocations_url, client), clock=clock
            ),
            leeway_seconds=settings.auth_leeway_seconds,
            cache_seconds=settings.jwks_cache_seconds,
            min_refresh_seconds=settings.jwks_min_refresh_seconds,
            clock=clock,
        )

    def _now(self) -> float:
        return self.clock.now().timestamp()

    async def _refresh(self, *, forced: bool) -> None:
        attempt = self._attempts
        async with self._lock:
            if self._attempts != attempt:
                return  # another caller refreshed while this one waited
            now = self._now()
            if forced:
                if self._forced_at is not None and now - self._forced_at < self.min_refresh_seconds:
                    return
                self._forced_at = now
            elif self._fetched_at is not None and now - self._fetched_at < self.cache_seconds:
                return
            self._attempts += 1
            try:
                document = await self.source()
            except Exception as exc:
                log.warning("jwks fetch failed", extra={"error": type(exc).__name__})
                if self._fetched_at is None:
                    raise KeysUnavailable from exc
                # Keep the old set; try again after `min_refresh_seconds`, not on every call.
                self._fetched_at = now - self.cache_seconds + self.min_refresh_seconds
                return
            self.fetches += 1
            self._keys = _parse_jwks(document, self.algorithms)
            self._fetched_at = now

    async def _key_for(self, kid: str) -> jwt.PyJWK:
        if self._fetched_at is None or self._now() - self._fetched_at >= self.cache_seconds:
            await self._refresh(forced=False)
        if kid not in self._keys:
            await self._refresh(forced=True)
        key = self._keys.get(kid)
        if key is None:
            raise InvalidToken("unknown-key", "Khóa ký của mã truy cập không được công nhận.")
        return key

    async def verify(self, token: str) -> Principal:
        cached = self._verified.get(token)
        if cached is not None:
            principal, exp, kid, key = cached
            if self._now() >= exp + self.leeway_seconds:
                del self._verified[token]
                raise InvalidToken("expired", "Mã truy cập đã hết hạn; vui lòng đăng nhập lại.")
            current = await self._key_for(kid)  # raises if the key was withdrawn
            if current is not key and current._jwk_data != key._jwk_data:  # replaced
                del self._verified[token]
                raise InvalidToken("unknown-key", "Khóa ký của mã truy cập không được công nhận.")
            self.cache_hits += 1
            await self._check_revoked(principal)
            return principal
        principal, exp, kid, key = await self._verify_signed(token)
        await self._check_revoked(principal)
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            self._verified.pop(next(iter(self._verified)))  # the oldest entry
        self._verified[token] = (principal, exp, kid, key)
        return principal

    async def _check_revoked(self, principal: Principal) -> None:
        if self.revocations is not None:
            after = await self.revocations.not_before(principal.subject)
            if after is not None and principal.issued_at < after:
                raise InvalidToken(
                    "revoked", "Quyền của tài khoản vừa thay đổi; vui lòng đăng nhập lại."
                )

    async def _verify_signed(self, token: str) -> tuple[Principal, float, str, jwt.PyJWK]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed", "Mã truy cập không đúng định dạng.") from exc
        alg, kid = header.get("alg"), header.get("kid")
        if header.get("typ") != ACCESS_TOKEN_TYPE:
            raise InvalidToken("type", "Đây không phải mã truy cập (typ at+jwt).")
        if alg not in self.algorithms:
            raise InvalidToken("algorithm", f"Thuật toán ký {alg!r} không được chấp nhận.")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("unknown-key", "Mã truy cập thiếu định danh khóa (kid).")
        key = await self._key_for(kid)
        if key.algorithm_name != alg:
            raise InvalidToken("algorithm", "Thuật toán ký không khớp với khóa.")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                # Times are checked below against our clock (injectable), the rest here.
                options={
                    "require": list(REQUIRED_CLAIMS),
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
        except jwt.InvalidAudienceError as exc:
            raise InvalidToken("audience", "Mã truy cập không dành cho dịch vụ này.") from exc
        except jwt.InvalidIssuerError as exc:
            raise InvalidToken("issuer", "Mã truy cập không do hệ thống cấp.") from exc
        except jwt.InvalidSignatureError as exc:
            raise InvalidToken("signature", "Chữ ký mã truy cập không hợp lệ.") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed", "Mã truy cập không hợp lệ.") from exc
        return self._principal(claims), float(claims["exp"]), kid, key

    def _principal(self, claims: dict[str, Any]) -> Principal:
        now, leeway = self._now(), self.leeway_seconds
        try:
            exp, nbf, iat = float(claims["exp"]), float(claims["nbf"]), float(claims["iat"])
        except (TypeError, ValueError) as exc:
            raise InvalidToken("malformed", "Thời hạn mã truy cập không hợp lệ.") from exc
        if now >= exp + leeway:
            raise InvalidToken("expired", "Mã truy cập đã hết hạn; vui lòng đăng nhập lại.")
        if now + leeway < nbf or now + leeway < iat:
            raise InvalidToken("not-yet-valid", "Mã truy cập chưa có hiệu lực.")
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise InvalidToken("malformed", "Danh sách vai trò không hợp lệ.")
        org, scope_kind = claims.get("org"), claims.get("scope_kind")
        org = org if isinstance(org, str) else None
        client_kind = claims.get("client_kind")
        if "grants" in claims:
            try:
                grants = parse_grants(claims["grants"])
            except GrantError as exc:
                raise InvalidToken("malformed", "Quyền trong mã truy cập không hợp lệ.") from exc
        else:  # an account's own access roles at its organisation
            grants = tuple(
                account_grants(
                    roles,
                    org,
                    province=scope_kind == "province",
                    client_kind=client_kind if isinstance(client_kind, str) else None,
                )
            )
        member_id = claims.get("member_id")
        return Principal(
            subject=str(claims["sub"]),
            roles=frozenset(roles),
            organisation_id=org,
            scope_kind=scope_kind if isinstance(scope_kind, str) else None,
            client=isinstance(claims.get("client_id"), str),
            token_id=str(claims["jti"]),
            member_id=member_id if isinstance(member_id, str) else None,
            grants=grants,
            issued_at=iat,
        )


def public_jwk(private: Ed25519PrivateKey, kid: str) -> dict[str, Any]:
    """The public half of an Ed25519 signing key as a JWK (RFC 8037)."""
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "use": "sig", "alg": EDDSA}


def _parse_jwks(document: dict[str, Any], algorithms: Sequence[str]) -> dict[str, jwt.PyJWK]:
    """Signature keys of an allowed algorithm with a matching key type; anything else is
    skipped (a key set may carry keys meant for others)."""
    keys: dict[str, jwt.PyJWK] = {}
    for jwk in document.get("keys", []):
        if not isinstance(jwk, dict):
            continue
        alg, kid = jwk.get("alg"), jwk.get("kid")
        if not isinstance(alg, str) or alg not in algorithms or not isinstance(kid, str):
            continue
        if jwk.get("use", "sig") != "sig":
            continue
        if (jwk.get("kty"), jwk.get("crv")) != _KEY_TYPES[alg] or "d" in jwk:
            continue
        try:
            keys[kid] = jwt.PyJWK(jwk, algorithm=alg)
        except jwt.PyJWTError:
            log.warning("jwks key skipped", extra={"kid": kid})
    return keys


def _challenge(error: str | None = None, description: str | None = None) -> dict[str, str]:
    value = 'Bearer realm="chibo"'
    if error:
        value += f', error="{error}"'
    if description:
        value += f', error_description="{json.dumps(description)[1:-1]}"'
    return {"WWW-Authenticate": value}


def unauthorized(detail: str, reason: str | None) -> Problem:
    """401 problem+json; `reason=None` when no token was sent at all (RFC 6750 §3.1)."""
    if reason is None:
        return Problem(401, "missing-token", detail, headers=_challenge())
    return Problem(
        401, "invalid-token", detail, headers=_challenge("invalid_token", reason), reason=reason
    )


def forbidden(detail: str) -> Problem:
    return Problem(403, "forbidden", detail, headers=_challenge("insufficient_scope"))


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


VerifierOf = Callable[[Request], TokenVerifier]


def authenticated(
    verifier_of: VerifierOf,
    *,
    any_role: Iterable[str] = (),
    check: Callable[[Principal], bool] | None = None,
) -> Callable[[Request], Awaitable[Principal]]:
    """A FastAPI dependency: the caller's `Principal`, or problem+json 401/403/503.

    `any_role`: at least one of these roles is needed; `check`: a further condition on the
    principal (e.g. "scoped to a province"). Both failing give 403, never 401.
    """
    needed = frozenset(any_role)

    async def dependency(request: Request) -> Principal:
        principal = await verified_principal(request, verifier_of(request))
        if needed and not principal.has_any(needed):
            raise forbidden("Tài khoản không có vai trò cần thiết cho thao tác này.")
        if check is not None and not check(principal):
            raise forbidden("Tài khoản không có quyền ở phạm vi này.")
        return principal

    return dependency


async def verified_principal(request: Request, verifier: TokenVerifier) -> Principal:
    """The request's verified caller, once per request (kept on `request.state`), or
    problem+json 401 (no or bad token) / 503 (no key set could be had)."""
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    token = bearer_token(request)
    if token is None:
        raise unauthorized("Cần mã truy cập (Authorization: Bearer …).", None)
    try:
        principal = await verifier.verify(token)
    except InvalidToken as exc:
        raise unauthorized(exc.detail, exc.reason) from exc
    except KeysUnavailable as exc:
        raise Problem(
            503, "keys-unavailable", "Chưa lấy được khóa xác thực; vui lòng thử lại sau."
        ) from exc
    request.state.principal = principal
    return principal


async def is_within(principal: Principal, target_org_id: str, ancestry: Ancestry, on: date) -> bool:
    """Whether `target_org_id` lies in the subtree of the principal's scope organisation on `on`.

    `ancestry(target, on)` returns the target's ancestor ids that day (each service answers from
    its own replica). A principal without an organisation scope reaches nothing.
    """
    scope = principal.organisation_id
    if scope is None:
        return False
    if scope == target_org_id:
        return True
    return scope in await ancestry(target_org_id, on)
