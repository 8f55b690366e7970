"""Serving a service's app over HTTP: one process, or several worker processes on one port.

With `http_workers` > 1 (PostgreSQL only: SQLite has one writer per file) uvicorn's supervisor
binds the port and starts that many workers. Each worker builds the whole app (its runtime:
consumers, relay, sweepers — all already safe side by side, as replicas are), so a service uses
more than one core. The workers write their Prometheus samples into a directory of their own
run (`PROMETHEUS_MULTIPROC_DIR`), and whichever worker answers `/metrics` sums them
(`service_kit.metrics.exposition`). A worker whose supervisor dies (kill -9) ends itself
rather than serving on as an orphan.
"""

from __future__ import annotations

import atexit
import importlib
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn
from fastapi import FastAPI
from prometheus_client import multiprocess

from service_kit.logging import configure_logging
from service_kit.settings import ServiceSettings

log = logging.getLogger(__name__)

# Where a worker finds what to build (set by the supervisor for its workers).
APP_FACTORY_VARIABLE = "CHIBO_SERVE_APP_FACTORY"
SETTINGS_FACTORY_VARIABLE = "CHIBO_SERVE_SETTINGS_FACTORY"
PORT_VARIABLE = "CHIBO_SERVE_PORT"
MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
SUPERVISOR_VARIABLE = "CHIBO_SERVE_SUPERVISOR_PID"


def log_as(settings: ServiceSettings) -> None:
    """This process's log lines: the service's name, environment, version, level and format."""
    configure_logging(
        settings.service_name,
        settings.environment,
        settings.version,
        settings.log_level,
        settings.log_format,
    )


def _uvicorn_options(settings: ServiceSettings) -> dict[str, Any]:
    return {
        "host": settings.http_host,
        "port": settings.http_port,
        "log_config": None,
        "access_log": False,
        # X-Forwarded-For is read by the app, from `trusted_proxies` only
        # (service_kit.web.forwarded); uvicorn would believe any loopback peer.
        "proxy_headers": False,
    }


def _dotted(obj: Callable[..., Any]) -> str:
    return f"{obj.__module__}:{obj.__qualname__}"


def _load(dotted: str) -> Any:
    module, _, name = dotted.partition(":")
    found: Any = importlib.import_module(module)
    for part in name.split("."):
        found = getattr(found, part)
    return found


def serve(
    settings: ServiceSettings,
    app: FastAPI,
    settings_factory: Callable[[], ServiceSettings],
    app_factory: Callable[[ServiceSettings], FastAPI],
) -> None:
    """Serve `app` in this process, or, with `http_workers` > 1, the app each worker builds."""
    if settings.http_workers == 1:
        uvicorn.run(app, **_uvicorn_options(settings))
        return
    metrics_dir = tempfile.mkdtemp(prefix=f"chibo-{settings.service_name}-metrics-")
    os.environ.update(
        {
            MULTIPROC_VARIABLE: metrics_dir,
            APP_FACTORY_VARIABLE: _dotted(app_factory),
            SETTINGS_FACTORY_VARIABLE: _dotted(settings_factory),
            PORT_VARIABLE: str(settings.http_port),
            SUPERVISOR_VARIABLE: str(os.getpid()),
        }
    )
    log.info(
        "serving with worker processes",
        extra={"workers": settings.http_workers, "http_port": settings.http_port},
    )
    try:
        uvicorn.run(
            f"{__name__}:worker_app",
            factory=True,
            workers=settings.http_workers,
            **_uvicorn_options(settings),
        )
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)


def worker_app() -> FastAPI:
    """What each worker process serves (uvicorn imports this by name in a fresh interpreter)."""
    settings: ServiceSettings = _load(os.environ[SETTINGS_FACTORY_VARIABLE])()
    settings.http_port = int(os.environ[PORT_VARIABLE])
    log_as(settings)
    _end_with_supervisor(int(os.environ[SUPERVISOR_VARIABLE]))
    # Its live gauges leave the sums when it ends (`multiprocess_mode` in service_kit.metrics).
    atexit.register(multiprocess.mark_process_dead, os.getpid())
    app: FastAPI = _load(os.environ[APP_FACTORY_VARIABLE])(settings)
    return app


def _end_with_supervisor(supervisor: int, every: float = 1.0) -> None:
    """SIGTERM this worker (a graceful stop) once its supervisor is gone."""

    def watch() -> None:
        while os.getppid() == supervisor:
            time.sleep(every)
        log.warning("supervisor gone; stopping this worker", extra={"supervisor": supervisor})
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="supervisor-watch", daemon=True).start()
