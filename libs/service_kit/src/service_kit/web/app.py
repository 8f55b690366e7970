"""The FastAPI app of a service: lifespan, request ids, RED metrics, health, /metrics."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service_kit import metrics
from service_kit.logging import request_id_var
from service_kit.runtime import ServiceRuntime
from service_kit.web.problems import install_problem_handlers

log = logging.getLogger("service_kit.http")


def get_runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


def _route_template(request: Request) -> str:
    """The matched route's template (bounded label values), known once routing has run."""
    route = request.scope.get("route")
    return getattr(route, "path", None) or "unmatched"


def create_app(
    runtime: ServiceRuntime,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter] = (),
) -> FastAPI:
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
    install_problem_handlers(app)
    service = runtime.name

    @app.middleware("http")
    async def observe(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            response.headers["X-Request-Id"] = request_id
            return response
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(request)
            if route not in ("/metrics", "/healthz/live", "/healthz/ready"):
                metrics.HTTP_REQUESTS.labels(service, request.method, route, str(status)).inc()
                metrics.HTTP_DURATION.labels(service, request.method, route).observe(elapsed)
                log.info(
                    "http request",
                    extra={
                        "method": request.method,
                        "route": route,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 1),
                    },
                )
            request_id_var.reset(token)

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
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    for router in routers:
        app.include_router(router)
    return app
