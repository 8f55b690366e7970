"""Server-side sessions and parked forms in the portal's own database.

Why server-side rather than a signed cookie holding the token: sign-out then really ends the
session (a copied cookie stops working at once, not when the token expires), the token is never
in the browser, and the cookie stays a fixed 43 characters. A session lives as long as its
access token (the registry issues no refresh token), then the person signs in again.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal.sessions.models import ParkedForm, PortalSession, UiPreference
from service_kit.db import Database


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    """What a page needs of the signed-in person."""

    access_token: str
    expires_at: datetime
    subject: str
    username: str
    claims: dict[str, Any]
    csrf_token: str


def _out(row: PortalSession) -> Session:
    return Session(
        access_token=row.access_token,
        expires_at=row.expires_at,
        subject=row.subject,
        username=row.username,
        claims=dict(row.claims),
        csrf_token=row.csrf_token,
    )


class SessionStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self,
        *,
        access_token: str,
        expires_at: datetime,
        subject: str,
        username: str,
        claims: dict[str, Any],
        now: datetime,
    ) -> str:
        """A new session; returns the cookie value (shown to nobody else, stored only hashed)."""
        secret = secrets.token_urlsafe(32)
        async with self.db.transaction() as db:
            # Ended sessions and stale parked forms go on each sign-in: no sweeper needed.
            await db.execute(sa.delete(PortalSession).where(PortalSession.expires_at < now))
            await db.execute(sa.delete(ParkedForm).where(ParkedForm.expires_at < now))
            db.add(
                PortalSession(
                    id=digest(secret),
                    access_token=access_token,
                    expires_at=expires_at,
                    subject=subject,
                    username=username,
                    claims=claims,
                    csrf_token=secrets.token_urlsafe(32),
                    created_at=now,
                )
            )
        return secret

    async def load(self, secret: str | None, now: datetime) -> tuple[Session | None, bool]:
        """(the session, whether one existed but has ended)."""
        if not secret:
            return None, False
        async with self.db.session() as db:
            row = await db.get(PortalSession, digest(secret))
        if row is None:
            return None, False
        if row.expires_at <= now:
            await self.delete(secret)
            return None, True
        return _out(row), False

    async def delete(self, secret: str) -> None:
        async with self.db.transaction() as db:
            await db.execute(sa.delete(PortalSession).where(PortalSession.id == digest(secret)))

    async def park(
        self, path: str, fields: list[tuple[str, str]], now: datetime, seconds: int
    ) -> str:
        secret = secrets.token_urlsafe(24)
        async with self.db.transaction() as db:
            db.add(
                ParkedForm(
                    id=digest(secret),
                    path=path,
                    fields=[[k, v] for k, v in fields],
                    created_at=now,
                    expires_at=now + timedelta(seconds=seconds),
                )
            )
        return secret

    async def take_parked(
        self, secret: str | None, path: str, now: datetime
    ) -> list[tuple[str, str]] | None:
        """The fields parked for this page by this browser, once (the row is removed)."""
        if not secret:
            return None
        async with self.db.transaction() as db:
            row = await db.get(ParkedForm, digest(secret))
            if row is None or row.path != path:
                return None
            await db.delete(row)
        if row.expires_at <= now:
            return None
        return [(k, v) for k, v in row.fields]


class Preferences:
    """`UiPreference` rows of one account."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, subject: str, key: str) -> dict[str, Any] | None:
        async with self.db.session() as db:
            row = await db.get(UiPreference, (subject, key))
        return dict(row.value) if row else None

    async def put(self, subject: str, key: str, value: dict[str, Any], now: datetime) -> None:
        async with self.db.transaction() as db:
            row = await db.get(UiPreference, (subject, key))
            if row is None:
                db.add(UiPreference(subject=subject, key=key, value=value, updated_at=now))
            else:
                row.value, row.updated_at = value, now

    async def delete(self, subject: str, key: str) -> None:
        async with self.db.transaction() as db:
            await db.execute(
                sa.delete(UiPreference).where(
                    UiPreference.subject == subject, UiPreference.key == key
                )
            )
