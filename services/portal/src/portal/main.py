"""App factory of the portal: sessions database, one connection pool per API, middleware
(request ids and metrics, gzip, security headers, same-origin posts), pages and errors."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from portal.admin.router import router as admin_router
from portal.clients.base import ApiProblem, ServiceDown, SessionEnded
from portal.clients.registry import NameCache
from portal.committee.router import router as committee_router
from portal.home.router import router as home_router
from portal.inbox.router import router as inbox_router
from portal.observer.router import router as observer_router
from portal.offline.router import router as offline_router
from portal.record.router import router as record_router
from portal.requests.router import router as requests_router
from portal.secretary.router import router as secretary_router
from portal.sessions.router import router as sessions_router
from portal.sessions.store import Preferences, SessionStore
from portal.settings import PortalSettings
from portal.web import (
    STATIC,
    NotAllowed,
    PortalState,
    SignInRequired,
    StaleForm,
    render,
    same_origin,
    signin_url,
    wants_json,
)
from service_kit import migrations
from service_kit.auth import TokenVerifier
from service_kit.clock import clock_from
from service_kit.db import Database
from service_kit.metrics import exposition
from service_kit.settings import ServiceSettings
from service_kit.web.app import ObserveMiddleware
from service_kit.web.limits import BodyLimits, install_body_limits
from service_kit.web.limits import detail as limits_detail

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
log = logging.getLogger("portal")
logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per API call is noise

# Pages load only what the portal serves; no inline script or style anywhere.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'"
)


def _pools(settings: PortalSettings) -> dict[str, httpx.AsyncClient]:
    timeout = httpx.Timeout(settings.api_timeout_seconds)
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=20)
    return {
        name: httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits)
        for name, url in (
            ("registry", settings.registry_url),
            ("meetings", settings.meetings_url),
            ("scoring", settings.scoring_url),
            ("notifications", settings.notifications_url),
        )
    }


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    if not isinstance(settings, PortalSettings):
        settings = PortalSettings()
    db = Database(settings.database_url)
    pools = _pools(settings)
    state = PortalState(
        settings=settings,
        store=SessionStore(db),
        http=pools,
        names=NameCache(settings.name_cache_seconds),
        verifier=TokenVerifier.from_settings(settings, client=pools["registry"]),
        preferences=Preferences(db),
        clock=clock_from(settings),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        log.info("portal started", extra={"http_port": settings.http_port})
        try:
            yield
        finally:
            for client in state.http.values():
                await client.aclose()
            await db.dispose()

    app = FastAPI(
        title="chibo portal",
        description="Trang web cho bí thư chi bộ, cấp ủy viên dự họp, cấp ủy và quản trị.",
        version=settings.version,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.portal = state
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (
        sessions_router,
        home_router,
        secretary_router,
        record_router,
        observer_router,
        requests_router,
        inbox_router,
        committee_router,
        admin_router,
        offline_router,
    ):
        app.include_router(router)
    _install_errors(app, state)
    _install_middleware(app, settings)

    @app.get("/healthz/live", include_in_schema=False)
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/healthz/ready", include_in_schema=False)
    async def ready() -> JSONResponse:
        checks: dict[str, str] = {}
        try:
            await db.ping()
            checks["database"] = "ok"
        except Exception as exc:  # readiness reports, never raises
            checks["database"] = type(exc).__name__
        at_head = checks["database"] == "ok" and await migrations.is_at_head(db, MIGRATIONS)
        checks["migrations"] = "ok" if at_head else "behind"
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
        )

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        body, media_type = exposition()
        return Response(body, media_type=media_type)

    return app


def _install_middleware(app: FastAPI, settings: PortalSettings) -> None:
    @app.middleware("http")
    async def guard_and_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # A post from another site is refused before any handler runs (CSRF tokens also apply).
        if request.method not in ("GET", "HEAD") and not same_origin(request):
            return JSONResponse({"detail": "Yêu cầu từ trang khác bị từ chối."}, status_code=403)
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.url.path.startswith("/static/") and request.query_params.get("v"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response

    app.add_middleware(GZipMiddleware, minimum_size=500)
    # A spreadsheet for the import may be as large as the registry takes; any other form is small.
    install_body_limits(
        app,
        BodyLimits(
            settings.max_body_bytes, {"/quan-tri/nhap": settings.import_max_bytes + 64 * 1024}
        ),
        answer=_too_large_page,
    )
    app.add_middleware(ObserveMiddleware, service=settings.service_name)


def _too_large_page(request: Request, limit: int) -> Response:
    detail = f"{limits_detail(limit)} Hãy gửi tệp nhỏ hơn hoặc chia thành nhiều lần."
    return render(request, "error.html", 413, title="Nội dung quá lớn", detail=detail)


def _install_errors(app: FastAPI, state: PortalState) -> None:
    cookie = state.settings.session_cookie

    def to_signin(request: Request, next_path: str, ended: bool, parked: str | None) -> Response:
        url = signin_url(next_path, ended=ended)
        response: Response
        if wants_json(request):
            response = JSONResponse({"signin": url}, status_code=401)
        else:
            response = RedirectResponse(url, status_code=303)
        if parked:
            response.set_cookie(
                "chibo_nhap_do",
                parked,
                max_age=state.settings.parked_form_seconds,
                httponly=True,
                samesite="lax",
                secure=state.settings.cookie_secure,
            )
        if ended:
            response.delete_cookie(cookie)
        return response

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, exc: SignInRequired) -> Response:
        return to_signin(request, exc.next_path, exc.ended, exc.parked)

    @app.exception_handler(SessionEnded)
    async def session_ended(request: Request, exc: SessionEnded) -> Response:
        # The API refused the token before the portal thought it expired (revoked, clock).
        secret = request.cookies.get(cookie)
        if secret:
            await state.store.delete(secret)
        return to_signin(request, request.url.path, True, None)

    @app.exception_handler(StaleForm)
    async def stale_form(request: Request, exc: StaleForm) -> Response:
        detail = "Biểu mẫu đã cũ (phiên làm việc đã đổi). Tải lại trang rồi gửi lại."
        if wants_json(request):
            return JSONResponse({"detail": detail}, status_code=403)
        return render(request, "error.html", 403, title="Biểu mẫu đã cũ", detail=detail)

    @app.exception_handler(NotAllowed)
    async def not_allowed(request: Request, exc: NotAllowed) -> Response:
        return render(
            request, "error.html", 403, title="Không có quyền xem trang này", detail=str(exc)
        )

    @app.exception_handler(ApiProblem)
    async def api_problem(request: Request, exc: ApiProblem) -> Response:
        titles = {403: "Không có quyền", 404: "Không tìm thấy"}
        status = exc.status if exc.status in (403, 404, 409, 412, 422) else 400
        if wants_json(request):
            return JSONResponse({"detail": exc.detail, "problem": exc.problem}, status_code=status)
        return render(
            request,
            "error.html",
            status,
            title=titles.get(exc.status, "Không thực hiện được"),
            detail=exc.detail,
        )

    @app.exception_handler(ServiceDown)
    async def service_down(request: Request, exc: ServiceDown) -> Response:
        detail = (
            f"Dịch vụ «{exc.service}» tạm thời không trả lời. Nội dung bạn nhập chưa mất: "
            "thử lại sau ít phút."
        )
        if wants_json(request):
            return JSONResponse({"detail": detail}, status_code=503)
        return render(request, "error.html", 503, title="Tạm thời gián đoạn", detail=detail)
