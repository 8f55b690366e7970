"""Errors as the domain speaks them, apart from HTTP and from the bus.

Rules and services raise `NotFound`, `Conflict`, `Invalid`, … with a code, a Vietnamese detail
and the fields at fault. The web edge maps each to problem+json once
(`service_kit.web.problems`); a consumer treats a `DomainError` as permanent (the event goes to
the DLQ at once, retrying cannot change a rule) and `Unavailable` as transient.
"""

from __future__ import annotations

from typing import Any, ClassVar


class PermanentError(Exception):
    """Can never succeed (a rule that will not pass, data that makes no sense): DLQ at once."""


class TransientError(Exception):
    """May succeed later (a dependency down, a lock): retried with back-off, then DLQ."""


class FieldError(dict[str, str]):
    """`{"pointer": "/roll/3/reason", "detail": "…", "code": "…"}` (JSON Pointer into the body)."""

    def __init__(self, pointer: str, detail: str, code: str = "invalid") -> None:
        super().__init__(pointer=pointer, detail=detail, code=code)


class _Described(Exception):
    status: ClassVar[int]

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail
        self.errors = errors or []
        self.extensions = extensions


class DomainError(_Described, PermanentError):
    """A rule refused the request (`status` is what the HTTP edge answers with)."""

    status = 422


class BadRequest(DomainError):
    status = 400


class Unauthenticated(DomainError):
    """Wrong credentials (sign-in), not a missing token (that is the edge's own 401)."""

    status = 401


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class PreconditionFailed(DomainError):
    status = 412


class Invalid(DomainError):
    """The data breaks a rule: `errors` name each field at fault."""

    status = 422


class TooLarge(DomainError):
    """More than one request may carry (a file's bytes, rows, columns)."""

    status = 413


class TooMany(DomainError):
    status = 429


class Unavailable(_Described, TransientError):
    """Something this depends on is away for now (the registry, the signing keys): try later."""

    status = 503


def invalid(detail: str, errors: list[FieldError], code: str = "validation-error") -> Invalid:
    """A 422 naming each offending field (JSON Pointer into the request body)."""
    return Invalid(code, detail, errors=errors)
