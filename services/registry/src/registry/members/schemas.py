"""Request and response bodies of the members API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from event_contracts.vocabulary import MemberStatus
from service_kit.web.dates import BirthDate, PlausibleDate
from service_kit.web.models import ApiModel

Id = Annotated[str, Field(min_length=1, max_length=64)]


class MemberIn(ApiModel):
    full_name: str = Field(min_length=1, max_length=200)
    branch_id: Id = Field(description="chi bộ sinh hoạt chính thức")
    residence_branch_id: Id | None = Field(
        default=None, description="chi bộ nơi cư trú (QĐ 213), nếu khác"
    )
    status: MemberStatus = MemberStatus.PROBATIONARY
    admitted_on: PlausibleDate
    full_member_on: PlausibleDate | None = None
    joined_on: PlausibleDate | None = Field(
        default=None, description="ngày vào danh sách chi bộ (mặc định: ngày kết nạp)"
    )
    party_card_number: str | None = Field(default=None, max_length=32, pattern=r"^[0-9.]+$")
    date_of_birth: BirthDate | None = None
    phone: str | None = Field(default=None, max_length=32, pattern=r"^\+?[0-9 .-]{6,}$")
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    citizen_id: str | None = Field(default=None, pattern=r"^[0-9]{12}$")


class StatusChangeIn(ApiModel):
    status: MemberStatus
    on: PlausibleDate
    reason: str | None = Field(default=None, max_length=500)
    attached_branch_id: Id | None = None


class TransferIn(ApiModel):
    branch_id: Id = Field(description="chi bộ chuyển đến")
    on: PlausibleDate


class StatusPeriodOut(BaseModel):
    status: str
    valid_from: date
    valid_to: date | None
    reason: str | None


class AffiliationOut(BaseModel):
    branch_id: str
    kind: str
    valid_from: date
    valid_to: date | None
    reason: str


class MemberOut(BaseModel):
    id: str
    full_name: str
    party_card_number: str | None
    date_of_birth: date | None
    phone: str | None
    email: str | None
    citizen_id: str | None
    admitted_on: date
    full_member_on: date | None
    version: int
    created_at: datetime
    status_history: list[StatusPeriodOut]
    affiliations: list[AffiliationOut]
    personal_data: Literal["shown", "masked"] = Field(
        default="shown",
        description="masked: CCCD, ngày sinh, điện thoại, thư điện tử được che (không đủ quyền)",
    )


class RosterEntryOut(BaseModel):
    member_id: str
    full_name: str
    status: str = Field(description="trạng thái vào ngày hỏi")
    attachment: str = Field(description="home: sinh hoạt chính thức; attached: tạm thời")
