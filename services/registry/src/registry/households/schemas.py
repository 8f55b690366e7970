"""Request and response bodies of household responsibility."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from service_kit.web.dates import PlausibleDate, PlausibleEndDate
from service_kit.web.models import ApiModel


class ResponsibilityIn(ApiModel):
    member_id: str = Field(min_length=1, max_length=64)
    branch_id: str = Field(min_length=1, max_length=64)
    household_codes: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        min_length=1, max_length=100
    )
    valid_from: PlausibleDate
    valid_to: PlausibleEndDate | None = None


class ResponsibilityOut(BaseModel):
    id: str
    member_id: str
    branch_id: str
    household_code: str
    valid_from: date
    valid_to: date | None
