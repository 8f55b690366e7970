"""What every page handler shares: the signed-in person and their API clients (`Ctx`), the
desk guard, CSRF, templates with the Vietnamese filters, and the exceptions pages raise."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from portal.clients.meetings import MeetingsApi
from portal.clients.notifications import NotificationsApi
from portal.clients.registry import NameCache, RegistryApi
from portal.clients.scoring import ScoringApi
from portal.formatting import FILTERS, NAMES
from portal.roles import DESK_TITLES, Desk, DeskKind, Person, person_from_claims
from portal.sessions.store import Preferences, Session, SessionStore
from portal.settings import PortalSettings
from service_kit.auth import TokenVerifier
from service_kit.clock import Clock, today_in_vietnam

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATE_DIRS = [HERE / "templates", *sorted(HERE.glob("*/templates"))]


def _asset_versions() -> dict[str, str]:
    """Each static file's content hash, so its URL changes when it does (cached for a year)."""
    return {
        str(p.relative_to(STATIC)): hashlib.sha256(p.read_bytes()).hexdigest()[:10]
        for p in STATIC.rglob("*")
        if p.is_file()
    }


ASSETS = _asset_versions()


def static_url(name: str) -> str:
    return f"/static/{name}?v={ASSETS.get(name, '0')}"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(d) for d in TEMPLATE_DIRS]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.globals.update(NAMES)
    env.globals["static_url"] = static_url
    return env


templates = Jinja2Templates(env=_environment())


@dataclass
class PortalState:
    """Process-wide: settings, the session store and one connection pool per API."""

    settings: PortalSettings
    store: SessionStore
    http: dict[str, httpx.AsyncClient]
    names: NameCache
    verifier: TokenVerifier
    preferences: Preferences
    clock: Clock


def state_of(request: Request) -> PortalState:
    state: PortalState = request.app.state.portal
    return state


def now_of(request: Request) -> datetime:
    """The portal's clock (the services' injected clock in demos and tests)."""
    return state_of(request).clock.now()


def today_of(request: Request) -> date:
    """Today in Việt Nam on the portal's clock."""
    return today_in_vietnam(state_of(request).clock)


class SignInRequired(Exception):
    """No session (or it ended): back to sign-in, then to `next_path`."""

    def __init__(self, next_path: str, *, ended: bool, parked: str | None = None) -> None:
        super().__init__(next_path)
        self.next_path, self.ended, self.parked = next_path, ended, parked


class NotAllowed(Exception):
    """A page outside the person's desks (or a stale form): a 403 page saying why."""


class StaleForm(Exception):
    """The CSRF token is missing or not this session's."""


def wants_json(request: Request) -> bool:
    """The offline queue and htmx-less scripts ask for JSON; people get pages."""
    return (
        request.headers.get("x-portal-replay") == "1"
        or "application/json" in request.headers.get("accept", "").split(",")[0]
    )


def same_origin(request: Request) -> bool:
    """A form posted from this site (Origin, else Referer, names our host)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return request.headers.get("sec-fetch-site") in (None, "same-origin")
    return urlsplit(origin).netloc == request.headers.get("host")


def signin_url(next_path: str, *, ended: bool) -> str:
    return f"/dang-nhap?next={quote(next_path, safe='')}" + ("&het-han=1" if ended else "")


@dataclass
class Ctx:
    """One request of a signed-in person."""

    request: Request
    session: Session
    person: Person
    registry: RegistryApi
    meetings: MeetingsApi
    scoring: ScoringApi
    notifications: NotificationsApi

    def render(self, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        return render(self.request, template, status_code, ctx=self, **values)

    def now(self) -> datetime:
        return now_of(self.request)

    def today(self) -> date:
        return today_of(self.request)


def render(
    request: Request,
    template: str,
    status_code: int = 200,
    *,
    ctx: Ctx | None = None,
    **values: Any,
) -> HTMLResponse:
    response = templates.TemplateResponse(
        request,
        template,
        {
            "person": ctx.person if ctx else None,
            "csrf_token": ctx.session.csrf_token if ctx else "",
            "path": request.url.path,
            **values,
        },
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


async def _form_token(request: Request) -> str:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    if request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get("csrf_token")
        return value if isinstance(value, str) else ""
    return ""


async def _park(request: Request, state: PortalState) -> str | None:
    """Keep what was typed when the session had ended, for this browser's next sign-in."""
    if not same_origin(request):
        return None
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return None
    form = await request.form()
    fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str) and k != "csrf_token"]
    return await state.store.park(
        request.url.path, fields, state.clock.now(), state.settings.parked_form_seconds
    )


async def signed_in(request: Request) -> Ctx:
    state = state_of(request)
    secret = request.cookies.get(state.settings.session_cookie)
    session, ended = await state.store.load(secret, state.clock.now())
    if session is None:
        parked = None
        if request.method == "POST" and not wants_json(request):
            parked = await _park(request, state)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method == "POST":
            target = request.url.path
        raise SignInRequired(target, ended=ended, parked=parked)
    if request.method == "POST":
        sent = await _form_token(request)
        if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
            raise StaleForm()
    token = session.access_token
    return Ctx(
        request=request,
        session=session,
        person=person_from_claims(session.claims, session.username),
        registry=RegistryApi(state.http["registry"], token, state.names),
        meetings=MeetingsApi(state.http["meetings"], token),
        scoring=ScoringApi(state.http["scoring"], token),
        notifications=NotificationsApi(state.http["notifications"], token),
    )


def at_desk(kind: DeskKind) -> Any:
    """A dependency: the person's desk of this kind, or a 403 page."""

    async def dependency(ctx: Ctx = Depends(signed_in)) -> tuple[Ctx, Desk]:
        desk = ctx.person.desk(kind)
        if desk is None:
            raise NotAllowed(f"Trang «{DESK_TITLES[kind]}» không thuộc vai trò của tài khoản này.")
        return ctx, desk

    return dependency
