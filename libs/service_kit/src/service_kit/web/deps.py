"""The dependencies every route takes, as `Annotated` aliases: `runtime: Runtime`,
`access: Caller`, `idempotency_key: IdempotencyKey = None`, `page: PageQuery`,
`on: OnDate = None`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query

from service_kit.runtime import ServiceRuntime
from service_kit.web.access import Access, caller
from service_kit.web.app import get_runtime
from service_kit.web.dates import QueryDate
from service_kit.web.pagination import PageParams, page_params

Runtime = Annotated[ServiceRuntime, Depends(get_runtime)]
Caller = Annotated[Access, Depends(caller)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Chuỗi do máy khách tạo cho mỗi thao tác ghi; gửi lại cùng khóa "
        "thì nhận lại đúng câu trả lời đầu tiên, không ghi hai lần.",
    ),
]
PageQuery = Annotated[PageParams, Depends(page_params)]
IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description="ETag của bản đang sửa; bản đã đổi thì trả 412."),
]
OnDate = Annotated[
    QueryDate | None,
    Query(description="ngày cần xem (YYYY-MM-DD, 1930 – 2199); mặc định hôm nay ở Việt Nam"),
]
