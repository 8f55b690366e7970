"""The import report: what a file did, or would do, and every bad cell by row and column."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ImportKind = Literal["organisations", "members"]


class RowErrorOut(BaseModel):
    row: int = Field(description="dòng trong bảng tính (dòng tiêu đề là 1); 0 = cả tệp")
    column: str | None = Field(description="tiêu đề cột như trong tệp")
    detail: str
    code: str
    message: str = Field(description="«Dòng 5, cột «Ngày sinh»: …», để hiển thị")


class ImportReport(BaseModel):
    kind: ImportKind
    rows: int = Field(description="số dòng dữ liệu (không tính dòng trống)")
    created: int = Field(description="số dòng đã (hoặc sẽ, khi dry_run) được tạo")
    unchanged: int = Field(description="số dòng đã có sẵn, trùng khớp: bỏ qua")
    rejected: int = Field(description="số dòng có lỗi")
    dry_run: bool
    partial: bool
    written: bool = Field(description="đã ghi vào cơ sở dữ liệu")
    events: int = Field(description="số sự kiện đã đưa vào outbox")
    go_live_set: int = Field(
        default=0, description="số tổ chức được đặt (hoặc sẽ được đặt) ngày đưa vào sử dụng"
    )
    seconds: float
    ignored_columns: list[str]
    errors: list[RowErrorOut]
