"""Request and response bodies of rotation clusters."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from service_kit.web.dates import PlausibleDate, PlausibleEndDate
from service_kit.web.models import ApiModel


class ClusterIn(ApiModel):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    name: str = Field(min_length=1, max_length=300, description="ví dụ Cụm số 2 xã Bình Phú")
    branch_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(max_length=10)
    valid_from: PlausibleDate
    valid_to: PlausibleEndDate | None = None


class ClusterOut(BaseModel):
    id: str
    code: str
    name: str
    branch_ids: list[str]
    valid_from: date
    valid_to: date | None
    version: int
