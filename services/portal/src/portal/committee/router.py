"""The commune and province committees' pages: the month dashboard with charts, flags,
requests by level and rankings; the year's classification; every table as XLSX."""

from __future__ import annotations

import json
import uuid

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from portal.committee import classification, dashboard
from portal.committee.tables import XLSX, Table, slug, to_xlsx
from portal.formatting import LEVELS
from portal.roles import BRANCH_KINDS, Desk
from portal.web import Ctx, NotAllowed, at_desk, today_of

router = APIRouter()


def _year(request: Request) -> int:
    try:
        year = int(request.query_params.get("nam", ""))
    except ValueError:
        return today_of(request).year
    return year if 2000 <= year <= 2100 else today_of(request).year


def _xlsx(table: Table, name: str) -> Response:
    filename = f"{slug(table.title)}-{slug(name)}.xlsx"
    return Response(
        to_xlsx(table),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _org(request: Request, desk: Desk) -> str:
    """The organisation looked at: the desk's, or one under it (the APIs check the subtree)."""
    return request.query_params.get("org") or desk.organisation_id


@router.get("/theo-doi")
async def overview(
    request: Request, dep: tuple[Ctx, Desk] = Depends(at_desk("committee"))
) -> Response:
    ctx, desk = dep
    year = _year(request)
    board = await dashboard.build(ctx, _org(request, desk), year, ctx.today())
    tables = {
        t.key: t
        for t in (board.grid, board.children, board.flags, board.requests, board.ranking)
        if t is not None
    }
    wanted = request.query_params.get("bang")
    if request.query_params.get("dinh-dang") == "xlsx" and wanted in tables:
        return _xlsx(tables[wanted], board.organisation["name"])
    return ctx.render(
        "committee/dashboard.html",
        board=board,
        desk=desk,
        chart_json=json.dumps(board.chart, ensure_ascii=False),
        base=f"/theo-doi?org={board.organisation['id']}&nam={year}",
    )


@router.post("/theo-doi/xep-hang")
async def publish_ranking(
    dep: tuple[Ctx, Desk] = Depends(at_desk("committee")),
    organisation_id: str = Form(...),
    period: str = Form(...),
    idempotency_key: str = Form(...),
) -> Response:
    ctx, desk = dep
    if not desk.can_act:
        raise NotAllowed("Tài khoản chỉ xem, không công bố xếp hạng.")
    ranking = await ctx.scoring.publish_ranking(organisation_id, period, idempotency_key)
    return RedirectResponse(f"/theo-doi/xep-hang/{ranking['id']}", status_code=303)


@router.get("/theo-doi/xep-hang/{ranking_id}")
async def ranking_page(
    ranking_id: str, request: Request, dep: tuple[Ctx, Desk] = Depends(at_desk("committee"))
) -> Response:
    ctx, _ = dep
    ranking = await ctx.scoring.ranking(ranking_id)
    groups = []
    for group in ranking["groups"]:
        table = Table(
            f"nhom-{group['branch_kind']}",
            f"Xếp hạng {group['label']}",
            ["Hạng", "Chi bộ", "Số buổi họp", "Điểm bình quân"],
            numeric={0, 2, 3},
        )
        for line in group["branches"]:
            table.add(
                line["rank"] or "–",
                await ctx.registry.name(line["branch_id"]),
                line["meetings"],
                line["average_points"],
            )
        groups.append(table)
    wanted = request.query_params.get("bang")
    for table in groups:
        if request.query_params.get("dinh-dang") == "xlsx" and wanted == table.key:
            return _xlsx(table, ranking["period"])
    return ctx.render(
        "committee/ranking.html",
        ranking=ranking,
        organisation_name=await ctx.registry.name(ranking["organisation_id"]),
        groups=groups,
    )


async def _names(ctx: Ctx, organisation_id: str, year: int) -> dict[str, str]:
    from datetime import date

    day = min(ctx.today(), date(year, 12, 31))
    branches = await ctx.registry.subtree(organisation_id, day, branches_only=True, max_pages=3)
    return {b["id"]: b["name"] for b in branches if b["kind"] in BRANCH_KINDS}


@router.get("/theo-doi/xep-loai")
async def classification_page(
    request: Request, dep: tuple[Ctx, Desk] = Depends(at_desk("committee"))
) -> Response:
    ctx, desk = dep
    year = _year(request)
    organisation_id = _org(request, desk)
    names = await _names(ctx, organisation_id, year)
    branch_rows = [
        r for r in await ctx.scoring.classifications(year, "branch") if r["subject_id"] in names
    ]
    member_rows = [
        r for r in await ctx.scoring.classifications(year, "member") if r["branch_id"] in names
    ]
    proposals = classification.proposals_table(branch_rows, names, year)
    annual = classification.annual_table(branch_rows, member_rows, year)
    wanted = request.query_params.get("bang")
    if request.query_params.get("dinh-dang") == "xlsx":
        chosen = annual if wanted == annual.key else proposals
        return _xlsx(chosen, await ctx.registry.name(organisation_id))
    undecided = [r for r in branch_rows if not r["decided_level"]]
    return ctx.render(
        "committee/classification.html",
        year=year,
        desk=desk,
        organisation_id=organisation_id,
        organisation_name=await ctx.registry.name(organisation_id),
        proposals=proposals,
        annual=annual,
        undecided=[(r, names[r["subject_id"]]) for r in undecided],
        levels=list(LEVELS.items()),
        base=f"/theo-doi/xep-loai?org={organisation_id}&nam={year}",
        key=str(uuid.uuid4()),
    )


@router.post("/theo-doi/xep-loai/de-xuat")
async def propose(
    dep: tuple[Ctx, Desk] = Depends(at_desk("committee")),
    organisation_id: str = Form(...),
    year: int = Form(...),
    idempotency_key: str = Form(...),
) -> Response:
    ctx, desk = dep
    if not desk.can_act:
        raise NotAllowed("Tài khoản chỉ xem.")
    await ctx.scoring.propose(year, organisation_id, idempotency_key)
    return RedirectResponse(f"/theo-doi/xep-loai?org={organisation_id}&nam={year}", status_code=303)


@router.post("/theo-doi/xep-loai/quyet-dinh")
async def decide(
    dep: tuple[Ctx, Desk] = Depends(at_desk("committee")),
    organisation_id: str = Form(...),
    year: int = Form(...),
    subject_id: str = Form(...),
    level: str = Form(...),
    reason: str = Form(""),
    idempotency_key: str = Form(...),
) -> Response:
    ctx, desk = dep
    if not desk.can_act:
        raise NotAllowed("Tài khoản chỉ xem.")
    await ctx.scoring.decide(
        year, "branch", subject_id, level, reason.strip() or "Cấp ủy quyết định", idempotency_key
    )
    return RedirectResponse(f"/theo-doi/xep-loai?org={organisation_id}&nam={year}", status_code=303)
