"""Sign-in at the registry (password grant), sign-out. The session cookie is HttpOnly and
SameSite=Lax (a link from an e-mail still arrives signed in); the sign-in form itself is
protected by a double-submit token, every other form by the session's CSRF token."""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime
from typing import Any

import jwt
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from portal.clients.registry import password_grant
from portal.web import render, state_of

router = APIRouter()
PRE_COOKIE = "chibo_dang_nhap"


def safe_next(value: str | None) -> str:
    """Only a path of this site: never another host (open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _form(
    request: Request,
    *,
    next_path: str,
    ended: bool,
    username: str = "",
    errors: list[dict[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    pre = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(24)
    response = render(
        request,
        "sessions/signin.html",
        status_code,
        next_path=next_path,
        ended=ended,
        username=username,
        errors=errors or [],
        signin_token=pre,
    )
    state = state_of(request)
    response.set_cookie(
        PRE_COOKIE, pre, httponly=True, samesite="strict", secure=state.settings.cookie_secure
    )
    return response


@router.get("/dang-nhap", response_class=HTMLResponse)
async def signin_page(request: Request) -> HTMLResponse:
    return _form(
        request,
        next_path=safe_next(request.query_params.get("next")),
        ended=request.query_params.get("het-han") == "1",
    )


@router.post("/dang-nhap", response_model=None)
async def signin(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next_path: str = Form("/", alias="next"),
    signin_token: str = Form(""),
) -> Response:
    state = state_of(request)
    next_path = safe_next(next_path)
    pre = request.cookies.get(PRE_COOKIE, "")
    if not pre or not hmac.compare_digest(pre.encode(), signin_token.encode()):
        errors = [{"field": "username", "text": "Trang đăng nhập đã cũ; hãy nhập lại."}]
        return _form(request, next_path=next_path, ended=False, errors=errors, status_code=400)
    errors = []
    if not username.strip():
        errors.append({"field": "username", "text": "Nhập tên đăng nhập."})
    if not password:
        errors.append({"field": "password", "text": "Nhập mật khẩu."})
    if errors:
        return _form(
            request,
            next_path=next_path,
            ended=False,
            username=username,
            errors=errors,
            status_code=422,
        )
    answer = await password_grant(state.http["registry"], username.strip(), password)
    if answer.status_code != 200:
        body: dict[str, Any] = answer.json() if answer.content else {}
        text = (
            str(body.get("detail"))
            if answer.status_code == 429
            else "Tên đăng nhập hoặc mật khẩu không đúng."
        )
        return _form(
            request,
            next_path=next_path,
            ended=False,
            username=username,
            errors=[{"field": "password", "text": text}],
            status_code=429 if answer.status_code == 429 else 422,
        )
    token = str(answer.json()["access_token"])
    principal = await state.verifier.verify(token)  # signed by the registry, for us, in date
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    now = state.clock.now()
    secret = await state.store.create(
        access_token=token,
        expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        subject=principal.subject,
        username=username.strip().lower(),
        claims=claims,
        now=now,
    )
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        state.settings.session_cookie,
        secret,
        max_age=int(claims["exp"]) - int(now.timestamp()),
        httponly=True,
        samesite="lax",
        secure=state.settings.cookie_secure,
    )
    response.delete_cookie(PRE_COOKIE)
    return response


@router.post("/dang-xuat")
async def signout(request: Request) -> RedirectResponse:
    state = state_of(request)
    secret = request.cookies.get(state.settings.session_cookie)
    if secret:
        await state.store.delete(secret)
    response = RedirectResponse("/dang-nhap", status_code=303)
    response.delete_cookie(state.settings.session_cookie)
    return response
