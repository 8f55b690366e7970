"""Request and response bodies of roles and observer assignments."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from registry.roles.rules import Role
from service_kit.web.dates import PlausibleDate, PlausibleEndDate
from service_kit.web.models import ApiModel

Id = Annotated[str, Field(min_length=1, max_length=64)]


class RoleIn(ApiModel):
    member_id: Id
    organisation_id: Id
    role: Role
    valid_from: PlausibleDate
    valid_to: PlausibleEndDate | None = Field(
        default=None, description="ngày không còn giữ (không tính)"
    )


class ObserverIn(ApiModel):
    member_id: Id
    branch_id: Id
    valid_from: PlausibleDate
    valid_to: PlausibleEndDate | None = None
    named_by_province: bool = Field(
        default=False,
        description="the province names this person (any member, e.g. a department head), "
        "whether or not they sit on a committee above the branch; only a province-wide "
        "caller may; the assignment stays dated",
    )


class EndIn(ApiModel):
    on: PlausibleDate = Field(description="ngày đầu tiên không còn hiệu lực")


class RoleOut(BaseModel):
    id: str
    member_id: str
    organisation_id: str
    role: str
    valid_from: date
    valid_to: date | None
    version: int


class ObserverOut(BaseModel):
    id: str
    member_id: str
    branch_id: str
    valid_from: date
    valid_to: date | None
    version: int
