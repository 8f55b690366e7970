"""Request and response bodies of go-live dates and roll-out plans."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from service_kit.web.dates import PlausibleDate
from service_kit.web.models import ApiModel

# A plausible date (from 1930 to the configured horizon ahead, service_kit.web.dates) or null.
GoLiveDate = Annotated[
    PlausibleDate | None,
    Field(
        description="ngày đưa vào sử dụng; null: bỏ ngày riêng (theo cấp trên)",
        examples=["2026-11-01"],
    ),
]


class GoLiveIn(ApiModel):
    go_live_on: GoLiveDate


class GoLivePlanItemIn(ApiModel):
    organisation_id: str = Field(min_length=1, max_length=64)
    go_live_on: GoLiveDate


class GoLivePlanIn(ApiModel):
    """A roll-out plan: organisations and their dates (e.g. the pilot branch first, then its
    commune, then the district's communes), applied all or none."""

    items: list[GoLivePlanItemIn] = Field(min_length=1, max_length=5_000)
    note: str | None = Field(default=None, max_length=500, examples=["Đợt 2: các xã còn lại"])


class GoLiveSettingOut(BaseModel):
    go_live_on: date | None
    previous_go_live_on: date | None
    set_at: datetime
    set_by: str
    source: str = Field(description="organisation, plan or import")
    plan_id: str | None


class GoLiveOut(BaseModel):
    organisation_id: str
    go_live_on: date | None = Field(description="ngày riêng của tổ chức (trống: theo cấp trên)")
    effective_go_live_on: date | None = Field(
        description="ngày áp dụng (riêng, hoặc của cấp trên gần nhất); trống: chưa có kế hoạch, "
        "hoặc cả hệ thống chưa nơi nào có kế hoạch (khi đó mọi tổ chức đang sử dụng)"
    )
    go_live_from_id: str | None = Field(description="tổ chức có ngày đang áp dụng")
    status: Literal["live", "planned", "not_planned"] = Field(description="vào ngày hỏi")
    on: date
    history: list[GoLiveSettingOut] = Field(description="các lần đặt ngày riêng, cũ trước")


class GoLiveChangeOut(BaseModel):
    organisation_id: str
    go_live_on: date | None
    previous_go_live_on: date | None
    changed: bool = Field(description="false: đã đúng ngày này, không ghi gì")


class GoLivePlanOut(BaseModel):
    id: str = Field(description="mã kế hoạch, ghi cùng mỗi thay đổi")
    changed: int
    unchanged: int
    items: list[GoLiveChangeOut]
