"""Offline capture: the service worker (served from the root so it controls every page), the
web app manifest and the page shown when a page was never loaded while online."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from portal.web import ASSETS, render, static_url, templates

router = APIRouter()
PRECACHE = ["css/app.css", "js/app.js", "vendor/htmx-2.0.11.min.js", "icon.svg"]
# Pages kept for use without a connection (network first, the last copy when offline).
OFFLINE_PAGES = ["/chi-bo/hop", "/chi-bo", "/du-hop"]
VERSION = hashlib.sha256(repr(sorted(ASSETS.items())).encode()).hexdigest()[:12]


@router.get("/sw.js")
async def service_worker(request: Request) -> Response:
    body = templates.get_template("offline/sw.js").render(
        version=VERSION,
        precache=[static_url(name) for name in PRECACHE] + ["/ngoai-tuyen"],
        offline_pages=OFFLINE_PAGES,
    )
    return Response(
        body,
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


@router.get("/manifest.webmanifest")
async def manifest() -> JSONResponse:
    return JSONResponse(
        {
            "name": "Sinh hoạt chi bộ",
            "short_name": "Chi bộ",
            "lang": "vi",
            "start_url": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#a50e0e",
            "icons": [{"src": static_url("icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
        },
        media_type="application/manifest+json",
    )


@router.get("/ngoai-tuyen")
async def offline_page(request: Request) -> Response:
    return render(request, "offline/offline.html")
