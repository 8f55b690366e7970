"""Request and response bodies of the organisations API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from event_contracts.vocabulary import BranchKind, OrganisationKind
from service_kit.web.dates import PlausibleDate
from service_kit.web.models import ApiModel

Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]
Name = Annotated[
    str, Field(min_length=1, max_length=300, description="Tên đầy đủ, ví dụ Chi bộ thôn Đông Hà")
]
Id = Annotated[str, Field(min_length=1, max_length=64)]


class OrganisationIn(ApiModel):
    code: Code
    name: Name
    kind: OrganisationKind
    parent_id: str | None = Field(default=None, max_length=64)
    valid_from: PlausibleDate
    branch_kind: BranchKind | None = None
    meeting_day_from: int | None = Field(default=None, ge=1, le=31)
    meeting_day_to: int | None = Field(default=None, ge=1, le=31)


class NewOrganisationIn(ApiModel):
    """A node created by a merge or split: its parent and start date come from the operation."""

    code: Code
    name: Name
    kind: OrganisationKind | None = Field(default=None, description="mặc định: như tổ chức cũ")
    branch_kind: BranchKind | None = None
    meeting_day_from: int | None = Field(default=None, ge=1, le=31)
    meeting_day_to: int | None = Field(default=None, ge=1, le=31)


class RenameIn(ApiModel):
    name: Name
    on: PlausibleDate


class MoveIn(ApiModel):
    parent_id: Id
    on: PlausibleDate


class MergeIn(ApiModel):
    source_ids: list[Id] = Field(min_length=1, max_length=50)
    into_id: str | None = Field(default=None, max_length=64, description="tổ chức nhận sáp nhập")
    new: NewOrganisationIn | None = Field(
        default=None, description="hoặc: tổ chức mới hợp nhất (khi không có into_id)"
    )
    parent_id: str | None = Field(
        default=None, max_length=64, description="cấp trên của tổ chức mới (mặc định: của nguồn)"
    )
    on: PlausibleDate


class SplitPartIn(NewOrganisationIn):
    child_ids: list[Id] = Field(default_factory=list, max_length=2_000)
    member_ids: list[Id] = Field(default_factory=list, max_length=10_000)


class SplitIn(ApiModel):
    parts: list[SplitPartIn] = Field(min_length=2, max_length=20)
    on: PlausibleDate


class DissolveIn(ApiModel):
    on: PlausibleDate
    children_to_id: str | None = Field(
        default=None, max_length=64, description="nơi nhận tổ chức con (mặc định: cấp trên)"
    )
    members_to_id: str | None = Field(
        default=None, max_length=64, description="chi bộ nhận đảng viên, nếu là chi bộ"
    )


class OrganisationOut(BaseModel):
    id: str
    code: str
    name: str
    kind: str
    parent_id: str | None = Field(description="cấp trên vào ngày hỏi (mặc định: hôm nay)")
    branch_kind: str | None
    meeting_day_from: int | None
    meeting_day_to: int | None
    valid_from: date
    valid_to: date | None
    end_reason: str | None
    go_live_on: date | None = Field(
        default=None, description="ngày đưa vào sử dụng của chính tổ chức (trống: theo cấp trên)"
    )
    effective_go_live_on: date | None = Field(
        default=None,
        description="ngày đưa vào sử dụng áp dụng: của chính nó, nếu không thì của cấp trên gần "
        "nhất; trống khi chưa có kế hoạch (xem go_live_status)",
    )
    go_live_status: Literal["live", "planned", "not_planned"] | None = Field(
        default=None,
        description="live: đang sử dụng (cũng là mọi tổ chức khi chưa nơi nào có kế hoạch); "
        "planned: có ngày, chưa đến; not_planned: chưa có kế hoạch",
    )
    go_live_from_id: str | None = Field(
        default=None, description="tổ chức có ngày đưa vào sử dụng đang áp dụng (nó hoặc cấp trên)"
    )
    version: int
    created_at: datetime


class TreeNodeOut(BaseModel):
    """A node as it was on the date asked: its name and parent then, and its depth."""

    id: str
    code: str
    name: str
    kind: str
    branch_kind: str | None
    parent_id: str | None
    depth: int = Field(description="ancestors: 1 = cấp trên trực tiếp; subtree: 0 = gốc")


class ChangeOut(BaseModel):
    """What an operation did: the organisations it created and the ones it moved."""

    organisation_ids: list[str] = Field(description="tổ chức được tạo hoặc nhận")
    moved_ids: list[str] = Field(default_factory=list)
    transferred_member_ids: list[str] = Field(default_factory=list)
    ended_ids: list[str] = Field(default_factory=list)
    on: date
