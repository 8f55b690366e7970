"""The portal's only tables: signed-in sessions and forms parked while their session ended."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime


class PortalSession(SQLModel, table=True):
    """One signed-in browser. The cookie holds a random secret; the row is keyed by its SHA-256,
    so the table alone lets nobody in. The access token never leaves the server."""

    __tablename__ = "portal_session"

    id: str = Field(primary_key=True, max_length=64)
    access_token: str = Field(sa_column=Column(Text, nullable=False))
    expires_at: datetime = Field(
        sa_column=Column(UTCDateTime(timezone=True), nullable=False, index=True)
    )
    subject: str = Field(max_length=200)
    username: str = Field(max_length=64)
    claims: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(timezone=True), nullable=False))


class ParkedForm(SQLModel, table=True):
    """What a person had typed when their session ended: given back once they sign in again,
    to the same browser (its cookie), on the same page."""

    __tablename__ = "parked_form"

    id: str = Field(primary_key=True, max_length=64)
    path: str = Field(max_length=500)
    fields: list[list[str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(timezone=True), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(timezone=True), nullable=False))


class UiPreference(SQLModel, table=True):
    """Small per-account memory of the pages, e.g. which draft and Idempotency-Key belong to
    this month's meeting form (the meetings API has no list of drafts)."""

    __tablename__ = "ui_preference"

    subject: str = Field(primary_key=True, max_length=200)
    key: str = Field(primary_key=True, max_length=200)
    value: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(timezone=True), nullable=False))
