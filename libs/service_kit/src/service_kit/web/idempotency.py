"""`Idempotency-Key` on creates: the same key never creates a second resource.

The stored response is written in the same transaction as the creation, so a retry after any
crash either finds it (and gets the same answer) or finds nothing created at all. A concurrent
duplicate waits on the primary key, then replays. Same key with another body: 422.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow
from service_kit.errors import Conflict
from service_kit.uow import UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:
    from service_kit.runtime import ServiceRuntime
from service_kit.web.problems import Problem

MAX_KEY_LENGTH = 255


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_record"

    client_id: str = Field(primary_key=True, max_length=200)
    key: str = Field(primary_key=True, max_length=MAX_KEY_LENGTH)
    fingerprint: str = Field(max_length=64)
    status_code: int
    response_body: str = Field(sa_type=sa.Text)
    location: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)


@dataclass
class Created:
    status_code: int
    body: dict[str, Any]
    location: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps(
        body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def require_key(key: str | None) -> str:
    if not key:
        raise Problem(
            400,
            "idempotency-key-missing",
            "Thiếu tiêu đề Idempotency-Key: mỗi lần gửi cần một khóa duy nhất để gửi lại an toàn.",
            errors=[],
        )
    if len(key) > MAX_KEY_LENGTH:
        raise Problem(400, "idempotency-key-invalid", "Idempotency-Key dài quá 255 ký tự.")
    return key


class StoredJSONResponse(JSONResponse):
    """A JSON answer already encoded (the stored response body): sent as is, not re-encoded."""

    def render(self, content: Any) -> bytes:
        return content.encode() if isinstance(content, str) else super().render(content)


def _replay(record: IdempotencyRecord, fp: str) -> JSONResponse:
    if record.fingerprint != fp:
        raise Problem(
            422,
            "idempotency-key-reused",
            "Idempotency-Key này đã được dùng cho một nội dung khác; hãy dùng khóa mới.",
        )
    headers = {"Idempotent-Replayed": "true"}
    if record.location:
        headers["Location"] = record.location
    return StoredJSONResponse(record.response_body, status_code=record.status_code, headers=headers)


_RETRY = object()  # a concurrent request with the same key won the race: replay its answer


async def idempotent(
    uow_factory: UnitOfWorkFactory,
    *,
    client_id: str,
    key: str,
    fp: str,
    ttl_seconds: int,
    create: Callable[[UnitOfWork], Awaitable[Created]],
    grouped: Callable[[Callable[[UnitOfWork], Awaitable[Any]]], Awaitable[Any]] | None = None,
) -> JSONResponse:
    """Run `create` once per (client, key); it must not commit — this does, with the record.

    A `Conflict` from `create` (a uniqueness rule of the domain: one record per branch and
    month) may come from a twin of this very request that won the race and committed while
    this one waited on the key: then the twin's answer is this one's too, not a 409.

    `grouped` (`ServiceRuntime.grouped`): each attempt runs in a commit group's savepoint
    instead of its own transaction; the answer still comes after the commit."""

    async def attempt(uow: UnitOfWork) -> Any:
        existing = await uow.session.get(IdempotencyRecord, (client_id, key))
        if existing is not None and existing.expires_at > utcnow():
            return _replay(existing, fp)
        if existing is not None:
            await uow.session.delete(existing)
            await uow.session.flush()
        try:
            result = await create(uow)
        except Conflict as exc:
            return exc  # left without a commit: rolled back
        body = json.dumps(result.body, ensure_ascii=False, separators=(",", ":"), default=str)
        uow.session.add(
            IdempotencyRecord(
                client_id=client_id,
                key=key,
                fingerprint=fp,
                status_code=result.status_code,
                response_body=body,
                location=result.location,
                expires_at=utcnow() + timedelta(seconds=ttl_seconds),
            )
        )
        try:
            await uow.commit()
        except IntegrityError:
            return _RETRY
        headers = dict(result.headers)
        if result.location:
            headers["Location"] = result.location
        return StoredJSONResponse(body, status_code=result.status_code, headers=headers)

    for _ in range(2):
        if grouped is None:
            async with uow_factory(correlation_id=None) as uow:
                outcome = await attempt(uow)
        else:
            outcome = await grouped(attempt)
        if outcome is _RETRY:
            continue
        if not isinstance(outcome, Conflict):
            return outcome
        # Looked up once the unit has ended: on SQLite it held the only writer connection.
        async with uow_factory(correlation_id=None) as uow:
            twin = await uow.session.get(IdempotencyRecord, (client_id, key))
            if twin is not None and twin.expires_at > utcnow():
                return _replay(twin, fp)
        raise outcome
    raise Problem(409, "idempotency-conflict", "Yêu cầu trùng khóa đang được xử lý; thử lại sau.")


def _caller(request: Request) -> str:
    principal = getattr(request.state, "principal", None)
    return principal.subject if principal is not None else "anonymous"


def _fingerprint(request: Request, body: BaseModel | dict[str, Any]) -> str:
    payload = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    return fingerprint(request.method, request.url.path, payload)


async def stored_answer(
    request: Request,
    runtime: ServiceRuntime,
    idempotency_key: str | None,
    body: BaseModel | dict[str, Any],
) -> JSONResponse | None:
    """The answer already given to this (caller, key), read without the write lock — so a route
    may validate on a read session before `create_once` and still replay a retry unchanged
    (`create_once` checks again inside the write)."""
    key = require_key(idempotency_key)
    caller = _caller(request)
    record = await runtime.db.read(lambda session: session.get(IdempotencyRecord, (caller, key)))
    if record is None or record.expires_at <= utcnow():
        return None
    return _replay(record, _fingerprint(request, body))


async def create_once(
    request: Request,
    runtime: ServiceRuntime,
    idempotency_key: str | None,
    body: BaseModel | dict[str, Any],
    create: Callable[[UnitOfWork], Awaitable[Created]],
    *,
    client_id: str | None = None,
    grouped: bool = False,
) -> JSONResponse:
    """The whole of an idempotent create route: key required, body fingerprinted, one answer
    per (client, key) — `create` does the work in the unit of work it is given. The client is
    the token's subject: one caller's key never replays another caller's answer. `grouped`:
    commit with concurrent creates in one group (`create` must await nothing but its session)."""
    key = require_key(idempotency_key)
    return await idempotent(
        runtime.uow,
        client_id=client_id or _caller(request),
        key=key,
        fp=_fingerprint(request, body),
        ttl_seconds=runtime.settings.idempotency_ttl_seconds,
        create=create,
        grouped=runtime.grouped if grouped and runtime.db.group.enabled else None,
    )
