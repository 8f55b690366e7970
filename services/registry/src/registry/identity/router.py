"""HTTP edge of identity: the token endpoint, JWKS, key rotation, users and clients.

`POST /v1/auth/token` takes the OAuth 2.0 form (`application/x-www-form-urlencoded`, RFC 6749)
or the same fields as JSON; a client may also send its credentials with HTTP Basic. Those two
are public (`public_router`); everything else needs a token (`router`, guarded by subtree scope
like every protected route) and the admin endpoints a grant at the province giving the route's
permission (`registry.permissions`: the province admin; reading one client, never its secret,
also a province-level service).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from urllib.parse import parse_qs, unquote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from registry.identity import rules
from registry.identity.schemas import (
    ClientCreatedOut,
    ClientIn,
    ClientOut,
    GrantOut,
    KeyOut,
    PasswordIn,
    PrincipalOut,
    RotationOut,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
    UserStatusIn,
)
from registry.identity.service import Identity, actor_of, get_identity
from service_kit.auth import Principal
from service_kit.web.access import principal_of
from service_kit.web.deps import Caller
from service_kit.web.pagination import Page
from service_kit.web.problems import FieldError, Problem
from service_kit.web.validation_messages import message

public_router = APIRouter(tags=["identity"])
router = APIRouter(tags=["identity"])


async def province_admin(access: Caller) -> Principal:
    """The caller, if one of their grants gives the route's permission at the province (the
    permission table says which roles: identity administration is the province admin's)."""
    access.require_province()
    return access.principal


_TOKEN_FIELDS = {
    "type": "object",
    "required": ["grant_type"],
    "properties": {
        "grant_type": {"type": "string", "enum": ["password", "client_credentials"]},
        **{
            name: {"type": "string", "maxLength": most}
            for name, most in (
                ("username", 64),
                ("password", 256),
                ("client_id", 64),
                ("client_secret", 256),
                ("scope", 200),
                ("audience", 200),
            )
        },
    },
}
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


async def _token_fields(request: Request) -> dict[str, Any]:
    raw = await request.body()
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/json":
        try:
            data = json.loads(raw or b"{}")
        except ValueError as exc:
            raise Problem(
                400, "invalid-request", "JSON không hợp lệ.", error="invalid_request"
            ) from exc
        if not isinstance(data, dict):
            raise Problem(
                400, "invalid-request", "Cần một đối tượng JSON.", error="invalid_request"
            )
        fields: dict[str, Any] = data
    elif media in ("application/x-www-form-urlencoded", ""):
        parsed = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        repeated = [name for name, values in parsed.items() if len(values) > 1]
        if repeated:
            raise Problem(
                400,
                "invalid-request",
                "Mỗi tham số chỉ được gửi một lần.",
                errors=[FieldError(f"/{n}", "Tham số bị lặp.", "repeated") for n in repeated],
                error="invalid_request",
            )
        fields = {name: values[0] for name, values in parsed.items()}
    else:
        raise Problem(415, "unsupported-media-type", "Gửi dạng form hoặc JSON.")
    basic = _basic_credentials(request)
    if basic is not None:
        fields.setdefault("client_id", basic[0])
        fields.setdefault("client_secret", basic[1])
    return fields


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise Problem(
            401, "invalid-client", "Thông tin ứng dụng không đọc được.", error="invalid_client"
        ) from exc
    client_id, _, secret = decoded.partition(":")
    return unquote(client_id), unquote(secret)


def _required(body: TokenIn, *names: str) -> None:
    missing = [n for n in names if getattr(body, n) is None]
    if missing:
        raise Problem(
            422,
            "validation-error",
            f"Thiếu {', '.join(missing)} cho grant_type={body.grant_type}.",
            errors=[
                FieldError(f"/{n}", message({"type": "missing", "loc": ("body", n)}), "missing")
                for n in missing
            ],
            error="invalid_request",
        )


@public_router.post(
    "/v1/auth/token",
    response_model=TokenOut,
    summary="Issue an access token (password or client_credentials grant)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {"schema": _TOKEN_FIELDS},
                "application/json": {"schema": _TOKEN_FIELDS},
            },
        }
    },
)
async def token(request: Request, identity: Identity = Depends(get_identity)) -> JSONResponse:
    fields = await _token_fields(request)
    try:
        body = TokenIn.model_validate(fields)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        ) from exc
    ip = request.client.host if request.client else "unknown"
    audience = rules.audiences(body.audience)
    if audience is None:
        raise Problem(
            400,
            "invalid-target",
            "audience chỉ gồm tên các dịch vụ: " + ", ".join(rules.SERVICES) + ".",
            errors=[FieldError("/audience", "Dịch vụ không có.", "unknown-service")],
            error="invalid_target",
        )
    if body.grant_type == "password":
        _required(body, "username", "password")
        assert body.username is not None and body.password is not None
        out = await identity.password_grant(body.username, body.password, ip, audience)
    else:
        _required(body, "client_id", "client_secret")
        assert body.client_id is not None and body.client_secret is not None
        out = await identity.client_grant(body.client_id, body.client_secret, ip, audience)
    return JSONResponse(out.model_dump(mode="json"), headers=_NO_STORE)


@public_router.get(
    "/.well-known/jwks.json",
    summary="Public keys that sign access tokens (JWKS)",
    tags=["identity"],
)
async def jwks(response: Response, identity: Identity = Depends(get_identity)) -> dict[str, Any]:
    # Short: verifiers also refresh on an unknown kid, and a dropped key must vanish quickly.
    response.headers["Cache-Control"] = "public, max-age=60"
    return await identity.jwks()


@router.get("/v1/auth/me", response_model=PrincipalOut, summary="Who the token says I am")
async def me(principal: Principal = Depends(principal_of)) -> PrincipalOut:
    return PrincipalOut(
        subject=principal.subject,
        roles=sorted(principal.roles),
        organisation_id=principal.organisation_id,
        scope_kind=principal.scope_kind,
        client=principal.client,
        member_id=principal.member_id,
        grants=[
            GrantOut(role=g.role, organisation_id=g.org, province=g.province, until=g.until)
            for g in principal.grants
        ],
    )


@router.post(
    "/v1/auth/keys/rotate",
    response_model=RotationOut,
    summary="Start signing with a new key; the old one stays published for the grace period",
)
async def rotate(
    principal: Principal = Depends(province_admin),
    identity: Identity = Depends(get_identity),
) -> RotationOut:
    async with identity.runtime.uow() as uow:
        out = await identity.rotate(uow, actor_of(principal))
        await uow.commit()
    return out


@router.get("/v1/auth/keys", response_model=Page[KeyOut], summary="Signing keys still published")
async def keys(
    _: Principal = Depends(province_admin),
    identity: Identity = Depends(get_identity),
) -> Page[KeyOut]:
    return Page[KeyOut](items=await identity.key_list())


@router.post("/v1/users", status_code=201, response_model=UserOut, summary="Create a user")
async def create_user(
    body: UserIn,
    access: Caller,
    principal: Principal = Depends(province_admin),
    identity: Identity = Depends(get_identity),
) -> JSONResponse:
    await access.require(body.organisation_id)
    async with identity.runtime.uow() as uow:
        out = await identity.create_user(uow, body, actor_of(principal))
        await uow.commit()
    return JSONResponse(
        out.model_dump(mode="json"), status_code=201, headers={"Location": f"/v1/users/{out.id}"}
    )


@router.get("/v1/users/{user_id}", response_model=UserOut, summary="A user")
async def get_user(
    user_id: str,
    _: Principal = Depends(province_admin),
    identity: Identity = Depends(get_identity),
) -> UserOut:
    return await identity.user(user_id)


@router.post(
    "/v1/users/{user_id}/password", response_model=UserOut, summary="Reset a user's password"
)
async def reset_password(
    user_id: str,
    body: PasswordIn,
    principal: Principal = Depends(province_admin),
    identity: Identity = Depends(get_identity),
) -> UserOut:
    async with identity.runtime.uow() as uow:
        out = await identity.reset_password(uow, user_id, body, actor_of(principal))
        await uow.commit()
    return out


@router.post(
    "/v1/users/{user_id}/status",
    response_model=UserOut,
    summary="Disable or enable a user; their tokens stop working within a minute",
)
async def set_user_status(
    user_id: str,
    body: UserStatusIn,
    principal: Principal = Depends(province_admin),
    identity: Identity = Depends(get_identity),
) -> UserOut:
    async with identity.runtime.uow() as uow:
        out = await identity.set_user_status(uow, user_id, body, actor_of(principal))
        await uow.commit()
    return out


@public_router.get(
    "/.well-known/chibo-revocations.json",
    summary="Subjects whose tokens issued before a moment no longer count (read every 30 s)",
    tags=["identity"],
)
async def revocations(
    response: Response, identity: Identity = Depends(get_identity)
) -> dict[str, Any]:
    response.headers["Cache-Control"] = "no-store"
    return await identity.revocations()


@router.post(
    "/v1/clients",
    status_code=201,
    response_model=ClientCreatedOut,
    summary="Register a service or agency client (the secret is shown once)",
)
async def create_client(
    body: ClientIn,
    principal: Principal = Depends(province_admin),
    identity: Identity = Depends(get_identity),
) -> JSONResponse:
    async with identity.runtime.uow() as uow:
        out = await identity.create_client(uow, body, actor_of(principal))
        await uow.commit()
    return JSONResponse(out.model_dump(mode="json"), status_code=201, headers=_NO_STORE)


@router.get(
    "/v1/clients/{client_id}",
    response_model=ClientOut,
    summary="A service or agency client (never its secret)",
)
async def get_client(
    client_id: str,
    _: Principal = Depends(province_admin),
    identity: Identity = Depends(get_identity),
) -> ClientOut:
    return await identity.client(client_id)
