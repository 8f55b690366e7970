"""The audit log helper every registry folder can call inside its unit of work.

`await audit.record(session, actor=…, action="user.created", entity="user", entity_id=…,
before=None, after=audit.snapshot(row), at=clock.now())` adds one row in the same transaction as
the write, so the write and its audit entry commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from registry.audit.models import AuditEntry
from service_kit.ids import new_id
from service_kit.logging import request_id_var

# Never copied into the log, whatever table is audited.
SECRET_FIELDS = frozenset({"password_hash", "secret_hash", "private_pem", "password"})


def snapshot(row: SQLModel, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The row as JSON-ready data, secrets left out."""
    hidden = SECRET_FIELDS | set(exclude)
    out: dict[str, Any] = {}
    for name, value in row.model_dump().items():
        if name in hidden:
            continue
        out[name] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


async def record(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    at: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        id=new_id(),
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
        request_id=request_id_var.get() or None,
    )
    session.add(entry)
    return entry
