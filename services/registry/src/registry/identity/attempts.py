"""Failed sign-ins, counted in the registry's database so every replica shares one count.

An attempt is refused (429 with Retry-After) while its account has `login_max_failures` failures
in the window, or its client address `login_max_failures_per_address` (one address guessing
across many accounts). Otherwise it is written as a failure before the password is checked —
parallel guesses cannot all slip past — and removed again if the password was right, which also
clears the account's count. Each check-and-write is one transaction holding the account's and
the address's locks (PostgreSQL advisory locks, SQLite's single writer), so two replicas never
both let the last guess through. Rows older than the window are deleted as attempts come in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from registry.identity.models import LoginFailure
from registry.identity.rules import retry_after
from service_kit.db import Database


@dataclass(frozen=True)
class Limits:
    per_account: int
    per_address: int
    window_seconds: int


@dataclass(frozen=True)
class Attempt:
    """An attempt let through (`id`, to clear it on success), or refused for `wait` seconds."""

    id: int | None
    wait: float | None = None


async def _lock(db: Database, session: AsyncSession, *keys: str) -> None:
    if db.dialect != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE already holds the only write lock
    for key in keys:  # always the account first: no two transactions wait on each other
        await session.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key}
        )


async def _times(
    session: AsyncSession, column: sa.ColumnElement[str | None], value: str, since: datetime
) -> list[float]:
    rows = await session.scalars(
        sa.select(LoginFailure.at).where(column == value, LoginFailure.at > since)
    )
    return [at.timestamp() for at in rows]


async def begin(db: Database, account: str, address: str, now: datetime, limits: Limits) -> Attempt:
    """Refuse while limited, else count this attempt as a failure."""
    since = now - timedelta(seconds=limits.window_seconds)
    async with db.transaction() as session:
        await _lock(db, session, f"login:account:{account}", f"login:address:{address}")
        await session.execute(sa.delete(LoginFailure).where(LoginFailure.at <= since))
        waits = [
            retry_after(
                await _times(session, LoginFailure.account, account, since),
                now.timestamp(),
                limits.window_seconds,
                limits.per_account,
            ),
            retry_after(
                await _times(session, LoginFailure.address, address, since),
                now.timestamp(),
                limits.window_seconds,
                limits.per_address,
            ),
        ]
        longest = max((w for w in waits if w is not None), default=None)
        if longest is not None:
            return Attempt(None, longest)
        row = LoginFailure(account=account, address=address, at=now)
        session.add(row)
        await session.flush()
        return Attempt(row.id)


async def succeeded(db: Database, attempt: Attempt, account: str) -> None:
    """The password was right: this attempt was no failure, and the account starts afresh."""
    async with db.transaction() as session:
        await session.execute(sa.delete(LoginFailure).where(LoginFailure.id == attempt.id))
        await session.execute(
            sa.update(LoginFailure).where(LoginFailure.account == account).values(account=None)
        )
