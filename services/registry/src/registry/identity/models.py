"""Tables of identity: user accounts, API clients, signing keys and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class UserAccount(SQLModel, table=True):
    """A person who signs in: linked to a member, or to a staff post (văn phòng cấp ủy…)."""

    __tablename__ = "user_account"

    id: str = Field(primary_key=True, max_length=64)
    username: str = Field(max_length=64, unique=True)
    display_name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    member_id: str | None = Field(default=None, foreign_key="member.id", max_length=64)
    staff_role: str | None = Field(default=None, max_length=100)
    organisation_id: str = Field(foreign_key="organisation.id", max_length=64, index=True)
    roles: list[str] = Field(sa_type=sa.JSON, default_factory=list)
    disabled: bool = False
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    password_changed_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class ApiClient(SQLModel, table=True):
    """A service or an agency using the client-credentials grant."""

    __tablename__ = "api_client"

    id: str = Field(primary_key=True, max_length=64)
    client_id: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    secret_hash: str = Field(max_length=255)
    organisation_id: str = Field(foreign_key="organisation.id", max_length=64)
    roles: list[str] = Field(sa_type=sa.JSON, default_factory=list)
    disabled: bool = False
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class SigningKey(SQLModel, table=True):
    """An Ed25519 token-signing key. The newest unretired key signs; a retired key stays in the
    JWKS until `retired_at + grace`, and its private half is wiped when it is retired."""

    __tablename__ = "signing_key"

    kid: str = Field(primary_key=True, max_length=64)
    algorithm: str = Field(max_length=16)
    public_jwk: dict[str, Any] = Field(sa_type=sa.JSON)
    private_pem: str | None = Field(default=None, sa_type=sa.Text, description="encrypted PKCS#8")
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SubjectRevocation(SQLModel, table=True):
    """Tokens of `subject` issued before `after` no longer count: its account or what it holds
    changed (disabled, password reset, a role or an assignment ended or began)."""

    __tablename__ = "subject_revocation"

    subject: str = Field(primary_key=True, max_length=64)
    after: datetime = Field(sa_type=UTCDateTime, index=True)


class LoginFailure(SQLModel, table=True):
    """A sign-in attempt that counts against its account and its client address until it
    leaves the window (`registry.identity.attempts`). Written before the password is checked,
    so guesses sent in parallel all count; removed when the attempt succeeds. A success also
    clears `account` on the account's earlier rows: they still count for their addresses."""

    __tablename__ = "login_failure"
    __table_args__ = (
        sa.Index("ix_login_failure_account_at", "account", "at"),
        sa.Index("ix_login_failure_address_at", "address", "at"),
    )

    id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
    )
    account: str | None = Field(default=None, max_length=80, description="user:… or client:…")
    address: str = Field(max_length=64, description="an IPv4 address or an IPv6 /64")
    at: datetime = Field(sa_type=UTCDateTime, index=True)
