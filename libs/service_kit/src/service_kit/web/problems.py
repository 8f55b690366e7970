"""RFC 9457 problem+json for every error: validation, domain, HTTP and unhandled alike."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from service_kit.errors import DomainError, FieldError, Unavailable
from service_kit.logging import request_id_var
from service_kit.web.validation_messages import message

__all__ = ["FieldError", "Problem", "install_problem_handlers", "problem_response"]

log = logging.getLogger(__name__)

PROBLEM_BASE = "https://chibo.vn/problems/"
MEDIA_TYPE = "application/problem+json"

_TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa xác thực",
    403: "Không có quyền",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    409: "Xung đột trạng thái",
    412: "Điều kiện không thỏa mãn",
    413: "Nội dung quá lớn",
    415: "Định dạng không được hỗ trợ",
    422: "Dữ liệu không hợp lệ",
    429: "Quá nhiều yêu cầu",
    500: "Lỗi hệ thống",
    503: "Dịch vụ tạm thời không sẵn sàng",
}


class Problem(Exception):
    """Raised by the HTTP edge (routers, web mechanics) to answer with problem+json. Domain code
    raises `service_kit.errors` instead; they are mapped here once."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        title: str | None = None,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.title = title or _TITLES.get(status, "Lỗi")
        self.errors = errors or []
        self.headers = headers or {}
        self.extensions = extensions


def problem_response(
    request: Request,
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"{PROBLEM_BASE}{code}",
        "title": title or _TITLES.get(status, "Lỗi"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    if request_id_var.get():
        body["request_id"] = request_id_var.get()
    body.update(extensions)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _pointer(loc: tuple[Any, ...]) -> str:
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        where = parts.pop(0)
        prefix = "" if where == "body" else f"#{where}"
    else:
        prefix = ""
    return prefix + "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    """Each error with its JSON pointer and pydantic's type as `code` (machine-readable, as
    they were) and a Vietnamese sentence naming the field in words (`validation_messages`)."""
    return [
        dict(FieldError(_pointer(tuple(err["loc"])), message(err), err["type"]))
        for err in exc.errors()
    ]


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(
            request,
            exc.status,
            exc.code,
            exc.detail,
            title=exc.title,
            errors=[dict(e) for e in exc.errors],
            headers=exc.headers,
            **exc.extensions,
        )

    async def _domain(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError | Unavailable)
        return problem_response(
            request,
            exc.status,
            exc.code,
            exc.detail,
            errors=[dict(e) for e in exc.errors],
            **exc.extensions,
        )

    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(Unavailable, _domain)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = validation_errors(exc)
        fields = ", ".join(e["pointer"] for e in errors[:5])
        return problem_response(
            request,
            422,
            "validation-error",
            f"Dữ liệu gửi lên không hợp lệ ở: {fields}",
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return problem_response(
            request, exc.status_code, code, detail, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return problem_response(
            request,
            500,
            "internal-error",
            "Đã có lỗi ngoài dự kiến; dữ liệu đã gửi không bị ghi một nửa. Vui lòng thử lại.",
        )
