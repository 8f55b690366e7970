"""Shared edge of every write: Idempotency-Key, the unit of work, the stored answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from fastapi import Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from service_kit.clock import today_in_vietnam
from service_kit.runtime import ServiceRuntime
from service_kit.uow import UnitOfWork
from service_kit.web.idempotency import Created, create_once
from service_kit.web.problems import FieldError, Problem


async def write(
    request: Request,
    runtime: ServiceRuntime,
    idempotency_key: str | None,
    body: BaseModel,
    action: Callable[[UnitOfWork], Awaitable[BaseModel]],
    *,
    status_code: int = 200,
    location: Callable[[BaseModel], str] | None = None,
) -> JSONResponse:
    """Run `action` once per Idempotency-Key, with its audit entry in the same transaction,
    and answer with what it returned."""

    # Imported here: the audit trail reads entities through the services that import this module.
    from registry.audit_trail import audited

    async def create(uow: UnitOfWork) -> Created:
        out = await audited(request, uow, action, runtime.clock.now(), today(runtime))
        return Created(
            status_code, out.model_dump(mode="json"), location=location(out) if location else None
        )

    return await create_once(request, runtime, idempotency_key, body, create)


def invalid(detail: str, errors: list[FieldError], code: str = "validation-error") -> Problem:
    """A 422 naming each offending field (JSON Pointer into the request body)."""
    return Problem(422, code, detail, errors=errors)


def not_found(what: str, ident: str, code: str) -> Problem:
    return Problem(404, code, f"Không có {what} {ident}.")


def today(runtime: ServiceRuntime) -> date:
    """The date in Việt Nam now: what "as of today" means for every dated query."""
    return today_in_vietnam(runtime.clock)


def on_query(
    on: date | None = Query(None, description="ngày cần xem (YYYY-MM-DD); mặc định hôm nay"),
) -> date | None:
    return on
