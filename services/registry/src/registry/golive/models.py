"""Every setting of an organisation's own go-live date, kept as history (the current one is
`organisation.go_live_on`, as the current name is `organisation.name`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime


class OrganisationGoLive(SQLModel, table=True):
    __tablename__ = "organisation_go_live"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: str = Field(foreign_key="organisation.id", max_length=64, index=True)
    go_live_on: date | None = Field(description="null: the own date was removed")
    previous_go_live_on: date | None = None
    set_at: datetime = Field(sa_type=UTCDateTime)
    set_by: str = Field(max_length=200, description="the token's actor, or `import`/`cli`")
    source: str = Field(max_length=20, description="organisation, plan or import")
    plan_id: str | None = Field(default=None, max_length=64, description="the plan it was part of")
