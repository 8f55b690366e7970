"""Revoking tokens by subject: a change to what a person may do takes effect within a minute.

Tokens live 15 minutes; a grant that ends on a known day says so in the token (`until`). For
everything else — an account disabled, a password reset, a role or an observer assignment
ended or begun today, a member moved — the registry records the moment, publishes the list
(`/.well-known/chibo-revocations.json`) and every verifier re-reads it every 30 seconds
(`service_kit.auth.Revocations`): tokens of that subject issued before it are refused.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from registry.identity.models import SubjectRevocation, UserAccount

# Older revocations can no longer matter: every token issued before them has expired.
KEEP_FOR = timedelta(hours=2)


async def revoke(session: AsyncSession, subject: str, at: datetime) -> None:
    row = await session.get(SubjectRevocation, subject)
    if row is None:
        session.add(SubjectRevocation(subject=subject, after=at))
    elif row.after < at:
        row.after = at


async def revoke_member(session: AsyncSession, member_id: str, at: datetime) -> None:
    """Every account of the member: what they hold changed."""
    users = await session.scalars(
        sa.select(UserAccount.id).where(col(UserAccount.member_id) == member_id)
    )
    for user_id in users:
        await revoke(session, user_id, at)


async def published(session: AsyncSession, now: datetime) -> dict[str, Any]:
    rows = await session.scalars(
        sa.select(SubjectRevocation).where(col(SubjectRevocation.after) > now - KEEP_FOR)
    )
    return {"revoked": [{"subject": r.subject, "after": r.after.timestamp()} for r in rows]}
