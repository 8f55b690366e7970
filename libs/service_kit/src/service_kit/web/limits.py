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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
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


# How a refusal is answered: problem+json for the APIs; the portal answers a page.
Refusal = Callable[[Request, int], Response]


def problem_refusal(request: Request, limit: int) -> Response:
    return problem_response(request, 413, CODE, detail(limit), headers=CLOSE, limit_bytes=limit)


async def refuse(scope: Scope, send: Send, limit: int, answer: Refusal) -> None:
    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    await answer(Request(scope), limit)(scope, nothing, send)


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, limits: BodyLimits, answer: Refusal = problem_refusal) -> None:
        self.app, self.limits, self.answer = app, limits, answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_path(scope["path"])
        declared = declared_length(scope)
        if declared is not None and declared > limit:
            await refuse(scope, send, limit, self.answer)
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
            await refuse(scope, send, limit, self.answer)


def install_body_limits(
    app: FastAPI, limits: BodyLimits, answer: Refusal = problem_refusal
) -> None:
    """The middleware, and the answer when a route's own read of the body hits the limit."""

    @app.exception_handler(BodyTooLarge)
    async def _too_large(request: Request, exc: BodyTooLarge) -> Response:
        return answer(request, exc.limit)

    app.add_middleware(BodyLimitMiddleware, limits=limits, answer=answer)
