"""The administrator's pages: the organisation tree (browse, search, as of a date) and the
import of organisations and members with its progress and per-row report."""

from __future__ import annotations

import unicodedata
from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from portal.admin.imports import ImportJobs
from portal.formatting import parse_day
from portal.roles import BRANCH_KINDS, Desk
from portal.web import Ctx, at_desk, today_of

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 20 * 1024 * 1024
SEARCH_PAGES = 5  # the search reads at most 1,000 organisations of the subtree


def fold(text: str) -> str:
    """Accent-insensitive key: «Đồng Bài» and «dong bai» match."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in plain if unicodedata.category(ch) != "Mn").lower()


def _day(request: Request) -> date:
    return parse_day(request.query_params.get("ngay", "")) or today_of(request)


def jobs_of(request: Request) -> ImportJobs:
    state = request.app.state
    if not hasattr(state, "import_jobs"):
        state.import_jobs = ImportJobs()
    jobs: ImportJobs = state.import_jobs
    return jobs


@router.get("/quan-tri")
async def tree(request: Request, dep: tuple[Ctx, Desk] = Depends(at_desk("admin"))) -> Response:
    ctx, desk = dep
    day = _day(request)
    org_id = request.query_params.get("org") or desk.organisation_id
    query = request.query_params.get("q", "").strip()
    org = await ctx.registry.organisation(org_id, day)
    ancestors = list(reversed(await ctx.registry.ancestors(org_id, day)))
    children = await ctx.registry.children(org_id, day)
    children.sort(key=lambda o: fold(o["name"]))
    found: list[dict[str, str]] | None = None
    truncated = False
    if query:
        nodes = await ctx.registry.subtree(org_id, day, max_pages=SEARCH_PAGES)
        truncated = len(nodes) >= SEARCH_PAGES * 200
        key = fold(query)
        found = [n for n in nodes if key in fold(n["name"]) or key in fold(n["code"])][:100]
    roster = await ctx.registry.roster(org_id, day) if org["kind"] in BRANCH_KINDS else []
    roles = await ctx.registry.roles(org_id, day)
    names = {m["member_id"]: m["full_name"] for m in roster}
    return ctx.render(
        "admin/tree.html",
        org=org,
        day=day,
        ancestors=ancestors,
        children=children,
        query=query,
        found=found,
        truncated=truncated,
        roster=roster,
        roles=[(r, names.get(r["member_id"])) for r in roles],
        is_today=day == today_of(request),
    )


@router.get("/quan-tri/nhap")
async def import_form(dep: tuple[Ctx, Desk] = Depends(at_desk("admin"))) -> Response:
    ctx, _ = dep
    return ctx.render("admin/import_form.html", error="")


@router.post("/quan-tri/nhap")
async def import_start(
    request: Request, dep: tuple[Ctx, Desk] = Depends(at_desk("admin"))
) -> Response:
    ctx, _ = dep
    form = await request.form()
    upload = form.get("file")
    kind = str(form.get("kind", ""))
    if kind not in ("organisations", "members") or not isinstance(upload, UploadFile):
        return ctx.render("admin/import_form.html", 422, error="Chọn loại danh sách và tệp.")
    data = await upload.read(MAX_UPLOAD + 1)
    if not data or len(data) > MAX_UPLOAD:
        return ctx.render("admin/import_form.html", 422, error="Tệp trống hoặc lớn hơn 20 MB.")
    name = upload.filename or "tep"
    media = XLSX if name.lower().endswith(".xlsx") else "text/csv"
    job = jobs_of(request).start(
        ctx.registry,
        ctx.session.subject,
        kind,
        name,
        data,
        media,
        check_only=form.get("check_only") == "1",
    )
    return RedirectResponse(f"/quan-tri/nhap/{job.id}", status_code=303)


@router.get("/quan-tri/nhap/{job_id}")
async def import_job(
    job_id: str, request: Request, dep: tuple[Ctx, Desk] = Depends(at_desk("admin"))
) -> Response:
    ctx, _ = dep
    job = jobs_of(request).get(job_id, ctx.session.subject)
    if job is None:
        return ctx.render(
            "error.html",
            404,
            title="Không tìm thấy lần nhập này",
            detail="Trang tiến độ chỉ còn khi dịch vụ chưa khởi động lại.",
        )
    template = (
        "admin/import_progress.html"
        if request.headers.get("hx-request")
        else ("admin/import_job.html")
    )
    return ctx.render(template, job=job)
