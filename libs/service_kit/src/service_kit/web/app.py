"""The FastAPI app of a service: lifespan, request ids, RED metrics, health, /metrics."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service_kit import metrics
from service_kit.auth import TokenVerifier
from service_kit.bus.paths import OrganisationPaths, one_by_one
from service_kit.clock import today_in_vietnam
from service_kit.logging import request_id_var
from service_kit.runtime import ServiceRuntime
from service_kit.web.access import Resolvers, ScopeTree, check_routes, guard
from service_kit.web.dates import DateWindowMiddleware
from service_kit.web.forwarded import ForwardedMiddleware
from service_kit.web.limits import BodyLimits, install_body_limits
from service_kit.web.permissions import Permissions, check_permissions
from service_kit.web.problems import install_problem_handlers

log = logging.getLogger("service_kit.http")


_QUIET = {"/metrics", "/healthz/live", "/healthz/ready"}


def get_runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


def get_context(request: Request) -> Any:
    """The service's context (`service_kit.context`): each service types it with an alias,
    e.g. `Ctx = Annotated[ScoringContext, Depends(get_context)]`."""
    return request.app.state.runtime.context


class ObserveMiddleware:
    """Request id, one log line and RED metrics per request (pure ASGI: no extra task hop)."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app, self.service = app, service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = headers.get(b"x-request-id", b"").decode() or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            if route not in _QUIET:
                method = scope["method"]
                metrics.HTTP_REQUESTS.labels(self.service, method, route, str(status)).inc()
                metrics.HTTP_DURATION.labels(self.service, method, route).observe(elapsed)
                log.info(
                    "http request",
                    extra={
                        "method": method,
                        "route": route,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 1),
                    },
                )
            request_id_var.reset(token)


def create_app(
    runtime: ServiceRuntime,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter] = (),
    scope_tree: ScopeTree,
    scope_resolvers: Resolvers,
    permissions: Permissions,
    public_routers: Sequence[APIRouter] = (),
    verifier: TokenVerifier | None = None,
    body_limits: Mapping[str, int] | None = None,
) -> FastAPI:
    """The service's app. `routers` need a valid token and are guarded by permission × subtree
    (`service_kit.web.access`); `public_routers` (token issuing, JWKS) need nothing. Every
    request body is bounded by `max_body_bytes`, or by `body_limits` (path prefix → bytes) on
    the paths that take more (`service_kit.web.limits`)."""
    check_routes(routers, scope_resolvers)
    check_permissions(routers, permissions)
    # The tree that scopes callers also places public events: their keys carry its path.
    many = getattr(scope_tree, "ancestors_many", None) or one_by_one(scope_tree.ancestors)
    runtime.relay.paths = OrganisationPaths(many, lambda: today_in_vietnam(runtime.clock))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        log.info("service started", extra={"http_port": runtime.settings.http_port})
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title=title, description=description, version=runtime.settings.version, lifespan=lifespan
    )
    app.state.runtime = runtime
    # Token lifetimes are judged in real time, not on the business clock (which tests and
    # demos shift to reach deadlines): the registry that signs them does not shift with it.
    app.state.verifier = verifier or TokenVerifier.from_settings(runtime.settings)
    app.state.scope_tree = scope_tree
    app.state.scope_resolvers = scope_resolvers
    app.state.permissions = permissions
    install_problem_handlers(app)

    # Outermost last: the client's address first, then the request id and metrics (which see
    # a 413 too), the day the date windows are judged on, then the body limit, before anything
    # reads the body.
    settings = runtime.settings
    install_body_limits(app, BodyLimits(settings.max_body_bytes, dict(body_limits or {})))
    app.add_middleware(DateWindowMiddleware, runtime=runtime)
    app.add_middleware(ObserveMiddleware, service=runtime.name)
    app.add_middleware(ForwardedMiddleware, trusted=settings.trusted_proxies)

    @app.get("/healthz/live", tags=["ops"], summary="Process is up")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/healthz/ready", tags=["ops"], summary="Database, migrations, broker and consumers")
    async def ready() -> JSONResponse:
        checks = await runtime.readiness()
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
        )

    @app.get("/metrics", tags=["ops"], summary="Prometheus metrics", include_in_schema=False)
    async def prometheus() -> Response:
        body, media_type = metrics.exposition()
        return Response(body, media_type=media_type)

    for router in public_routers:
        app.include_router(router)
    for router in routers:
        app.include_router(router, dependencies=[Depends(guard)])
    return app
