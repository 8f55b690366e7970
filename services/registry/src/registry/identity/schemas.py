"""Request and response bodies of identity (tokens, users, clients, keys)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from service_kit.web.models import ApiModel

Id = Annotated[str, Field(min_length=1, max_length=64)]
Secret = Annotated[str, Field(min_length=1, max_length=256)]


class TokenIn(ApiModel):
    """RFC 6749 §4.3 / §4.4 fields, as a form or as JSON."""

    grant_type: Literal["password", "client_credentials"]
    username: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    password: Secret | None = None
    client_id: Id | None = None
    client_secret: Secret | None = None
    scope: str | None = Field(
        default=None, max_length=200, description="bỏ qua: vai trò lấy từ tài khoản"
    )
    audience: str | None = Field(
        default=None,
        max_length=200,
        description="các dịch vụ mã được dùng, cách nhau bởi dấu cách (mặc định: tất cả)",
    )


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int


class UserIn(ApiModel):
    username: Annotated[str, Field(min_length=3, max_length=64)]
    display_name: Annotated[str, Field(min_length=1, max_length=200)]
    password: Annotated[str, Field(min_length=1, max_length=256)]
    member_id: Id | None = None
    staff_role: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="vị trí công tác khi tài khoản không gắn với đảng viên"
    )
    organisation_id: Id = Field(description="phạm vi: tổ chức mà tài khoản được xem và ghi")
    roles: list[str] = Field(max_length=10)


class UserStatusIn(ApiModel):
    disabled: bool
    reason: str = Field(min_length=1, max_length=500, description="vì sao (ghi vào nhật ký)")


class PasswordIn(ApiModel):
    password: Annotated[str, Field(min_length=1, max_length=256)]


class UserOut(BaseModel):
    id: str
    username: str
    display_name: str
    member_id: str | None
    staff_role: str | None
    organisation_id: str
    roles: list[str]
    disabled: bool
    version: int
    created_at: datetime
    password_changed_at: datetime


class ClientIn(ApiModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Literal["service", "agency"]
    organisation_id: Id
    roles: list[str] = Field(max_length=10)


class ClientOut(BaseModel):
    id: str
    client_id: str
    name: str
    kind: str
    organisation_id: str
    roles: list[str]
    disabled: bool
    version: int
    created_at: datetime


class ClientCreatedOut(ClientOut):
    client_secret: str = Field(description="chỉ trả về một lần; hệ thống chỉ lưu bản băm")


class KeyOut(BaseModel):
    kid: str
    algorithm: str
    created_at: datetime
    retired_at: datetime | None
    published_until: datetime | None = Field(description="rời JWKS lúc này; trống: đang ký")


class RotationOut(BaseModel):
    active: KeyOut
    retired: list[KeyOut]


class GrantOut(BaseModel):
    role: str
    organisation_id: str
    province: bool
    until: date | None


class PrincipalOut(BaseModel):
    subject: str
    roles: list[str]
    organisation_id: str | None
    scope_kind: str | None
    client: bool
    member_id: str | None = None
    grants: list[GrantOut] = []
