"""HTTP edge of bulk import: the file is the raw request body (no multipart)."""

from __future__ import annotations

from typing import Any, cast

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from registry.audit.trail import actor
from registry.imports import service
from registry.imports.reader import Limits
from registry.imports.schemas import ImportKind, ImportReport
from service_kit.web.deps import Caller, Runtime
from service_kit.web.problems import problem_response

router = APIRouter(prefix="/v1/imports", tags=["imports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "Tệp CSV (UTF-8, có hoặc không BOM) hoặc XLSX, gửi nguyên nội dung.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.post(
    "/{kind}",
    response_model=ImportReport,
    summary="Import organisations or members from a CSV/XLSX file sent as the request body",
    description=(
        "All-or-nothing by default: any bad row → 422 problem+json whose `errors` name each "
        "row and column, and nothing is written. `partial=true` writes the good rows. Rows are "
        "matched on their codes, so sending the same file again changes nothing; no "
        "Idempotency-Key is needed. Province-level accounts only. At most 10 MiB, 50,000 rows "
        "and 50 columns by default (413 past them). Columns: "
        "services/registry/src/registry/imports/README.md."
    ),
    responses={
        413: {"description": "Tệp vượt giới hạn byte, dòng hoặc cột (import_max_*)."},
        422: {"description": "Tệp có dòng lỗi; không ghi gì."},
    },
    openapi_extra=_BODY,
)
async def import_file(
    kind: ImportKind,
    request: Request,
    runtime: Runtime,
    access: Caller,
    dry_run: bool = Query(False, description="chỉ kiểm tra, không ghi"),
    partial: bool = Query(False, description="ghi các dòng hợp lệ, bỏ qua dòng lỗi"),
) -> JSONResponse:
    access.require_province()  # a file may touch any part of the tree
    data = await request.body()
    report = await service.import_file(
        runtime.uow,
        kind,
        data,
        dry_run=dry_run,
        partial=partial,
        actor=actor(request),
        at=runtime.clock.now(),
        limits=Limits.of(runtime.settings),
    )
    body = report.model_dump(mode="json")
    if report.errors and not partial:
        errors = [
            {
                "pointer": f"/rows/{e.row}" + (f"/{e.column}" if e.column else ""),
                "row": e.row,
                "column": e.column,
                "detail": e.message,
                "code": e.code,
            }
            for e in report.errors
        ]
        return problem_response(
            request,
            422,
            "import-rejected",
            f"Tệp có {report.rejected} dòng lỗi; chưa ghi dòng nào.",
            errors=cast("list[dict[str, str]]", errors),
            report={k: v for k, v in body.items() if k != "errors"},
        )
    return JSONResponse(body)
