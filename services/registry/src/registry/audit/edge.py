"""The edge of every registry write: Idempotency-Key, the unit of work, the audit entry and
the stored answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from registry.audit.trail import audited
from service_kit.clock import today_in_vietnam
from service_kit.runtime import ServiceRuntime
from service_kit.uow import UnitOfWork
from service_kit.web.idempotency import Created, create_once


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

    async def create(uow: UnitOfWork) -> Created:
        out = await audited(
            request, uow, action, runtime.clock.now(), today_in_vietnam(runtime.clock)
        )
        return Created(
            status_code, out.model_dump(mode="json"), location=location(out) if location else None
        )

    return await create_once(request, runtime, idempotency_key, body, create)
