"""Request and response bodies of the organisations API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from service_kit.web.models import ApiModel

OrganisationKind = Literal[
    "province",
    "commune",
    "legacy_district",
    "sectoral",
    "grassroots_organisation",
    "grassroots_branch",
    "sub_organisation",
    "affiliated_branch",
    "party_group",
]


class OrganisationIn(ApiModel):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    name: str = Field(
        min_length=1, max_length=300, description="Tên đầy đủ, ví dụ Chi bộ thôn Đông Hà"
    )
    kind: OrganisationKind
    parent_id: str | None = Field(default=None, max_length=64)
    valid_from: date


class OrganisationOut(BaseModel):
    id: str
    code: str
    name: str
    kind: str
    parent_id: str | None
    valid_from: date
    valid_to: date | None
    version: int
    created_at: datetime
