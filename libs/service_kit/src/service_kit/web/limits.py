"""Request bodies bounded before they are read.

`BodyLimitMiddleware` (put on every service by `create_app`) answers 413 problem+json at once
when Content-Length is over the path's limit, without running the route (no token check, no
database), and counts the bytes of a body sent without one (chunked): past the limit the next
read raises `BodyTooLarge`, the route stops, 413 goes back and the connection is closed so the
rest is never read. Nothing buffers more than the limit, whatever the client sends.

The limit is `max_body_bytes` (1 MiB by default) unless a path prefix has its own, e.g. the
registry's `/v1/imports/` (a spreadsheet) — the longest matching prefix wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service_kit.web.problems import problem_response

CODE = "body-too-large"
CLOSE = {"Connection": "close"}


def describe(size: int) -> str:
    """`1 MiB`, `10 MiB`, `512 KiB`, `900 byte` — for people."""
    for unit, scale in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= scale:
            amount = size / scale
            return f"{amount:.0f} {unit}" if amount == int(amount) else f"{amount:.1f} {unit}"
    return f"{size} byte"


def detail(limit: int) -> str:
    return f"Nội dung gửi lên vượt quá giới hạn {describe(limit)} cho địa chỉ này."


class BodyTooLarge(HTTPException):
    """The body went past its limit while being read. An HTTPException, so FastAPI's own body
    parsing lets it through (anything else there becomes a 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, detail(limit), headers=CLOSE)
        self.limit = limit


@dataclass(frozen=True)
class BodyLimits:
    default: int
    prefixes: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.default < 0 or any(v < 0 for v in self.prefixes.values()):
            raise ValueError("body limits are byte counts")

    def for_path(self, path: str) -> int:
        matching = [p for p in self.prefixes if path.startswith(p)]
        return self.prefixes[max(matching, key=len)] if matching else self.default


def declared_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    if value is None or not value.strip().isdigit():
        return None  # absent or unreadable: the server refuses a malformed one itself
    return int(value)


async def refuse(scope: Scope, send: Send, limit: int) -> None:
    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    response = problem_response(
        Request(scope), 413, CODE, detail(limit), headers=CLOSE, limit_bytes=limit
    )
    await response(scope, nothing, send)


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_path(scope["path"])
        declared = declared_length(scope)
        if declared is not None and declared > limit:
            await refuse(scope, send, limit)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await refuse(scope, send, limit)


def install_body_limits(app: FastAPI, limits: BodyLimits) -> None:
    """The middleware, and the answer when a route's own read of the body hits the limit."""

    @app.exception_handler(BodyTooLarge)
    async def _too_large(request: Request, exc: BodyTooLarge) -> JSONResponse:
        return problem_response(
            request, 413, CODE, exc.detail, headers=exc.headers, limit_bytes=exc.limit
        )

    app.add_middleware(BodyLimitMiddleware, limits=limits)
