"""The observer's pages: branches followed, meetings to attend this month, reports to file
before the 10th (with their deadline) and reports filed; the report form works offline."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from portal.clients.base import ApiProblem
from portal.formatting import month_key
from portal.roles import BRANCH_KINDS, Desk
from portal.secretary.form import FieldErrors, Values
from portal.web import Ctx, at_desk, wants_json

router = APIRouter()
OBSERVER_ITEMS: list[tuple[str, str, float]] = [
    ("C3", "Chất lượng nội dung chuẩn bị (C3)", 3),
    ("C4", "Điều hành của chủ trì (C4)", 20),
    ("C5", "Nguyên tắc tổ chức, sinh hoạt đảng (C5)", 5),
]
MAX_BRANCHES = 60  # an observer follows a handful of branches; a commune has tens


async def _branches(ctx: Ctx, desk: Desk) -> list[dict[str, Any]]:
    org = await ctx.registry.organisation(desk.organisation_id)
    if org["kind"] in BRANCH_KINDS:
        return [org]
    return (await ctx.registry.subtree(org["id"], branches_only=True, max_pages=1))[:MAX_BRANCHES]


@router.get("/du-hop")
async def desk_home(dep: tuple[Ctx, Desk] = Depends(at_desk("observer"))) -> Response:
    ctx, desk = dep
    member = ctx.person.member_id
    reports = await ctx.meetings.observer_reports(observer_member_id=member)
    today = ctx.today()
    month = month_key(today)
    branches, held = await asyncio.gather(
        _branches(ctx, desk),
        ctx.meetings.meetings(organisation_id=desk.organisation_id, month=month),
    )
    recorded = {m["branch_id"]: m for m in held}
    assigned = await asyncio.gather(*(ctx.registry.observers(b["id"]) for b in branches))
    mine = [
        (branch, [o for o in observers if member is None or o["member_id"] == member])
        for branch, observers in zip(branches, assigned, strict=True)
    ]
    mine = [(branch, found) for branch, found in mine if found]
    people = sorted({o["member_id"] for _, found in mine for o in found})
    fulls, names_found = await asyncio.gather(
        asyncio.gather(*(ctx.registry.organisation(b["id"]) for b, _ in mine)),
        asyncio.gather(*(ctx.registry.member_name(m) for m in people)),
    )
    person_names = dict(zip(people, names_found, strict=True))
    followed = [
        {
            "branch": full,
            "observer_names": sorted({person_names[o["member_id"]] for o in found}),
            "meeting": recorded.get(branch["id"]),
        }
        for (branch, found), full in zip(mine, fulls, strict=True)
    ]
    names = {f["branch"]["id"]: f["branch"]["name"] for f in followed}
    for report in reports:
        report["branch_name"] = names.get(report["branch_id"]) or await ctx.registry.name(
            report["branch_id"]
        )
    due = [r for r in reports if r["status"] != "filed"]
    filed = [r for r in reports if r["status"] == "filed"]
    return ctx.render(
        "observer/desk.html",
        month=month,
        today=today,
        followed=followed,
        due=due,
        filed=filed,
        knows_member=member is not None,
        just_filed=ctx.request.query_params.get("da-nop"),
    )


async def _report_row(ctx: Ctx, meeting_id: str) -> dict[str, Any]:
    rows = [
        r
        for r in await ctx.meetings.observer_reports(observer_member_id=ctx.person.member_id)
        if r["meeting_id"] == meeting_id
    ]
    if not rows:
        raise ApiProblem("meetings", 404, {"detail": "Không có báo cáo nào chờ bạn cho buổi này."})
    return rows[0]


async def _form(
    ctx: Ctx,
    meeting_id: str,
    values: Values,
    *,
    errors: FieldErrors | None = None,
    status_code: int = 200,
) -> Response:
    row = await _report_row(ctx, meeting_id)
    meeting = await ctx.meetings.meeting(meeting_id)
    return ctx.render(
        "observer/report_form.html",
        status_code=status_code,
        row=row,
        meeting=meeting,
        branch_name=await ctx.registry.name(meeting["branch_id"]),
        observer_name=await ctx.registry.member_name(row["observer_member_id"]),
        addressees=[
            (a["id"], a["name"]) for a in await ctx.registry.ancestors(meeting["branch_id"])
        ],
        items=OBSERVER_ITEMS,
        values=values,
        errors=errors or FieldErrors(),
        idempotency_key=values.get("idempotency_key") or str(uuid.uuid4()),
    )


@router.get("/du-hop/bao-cao/{meeting_id}")
async def report_form(
    meeting_id: str, dep: tuple[Ctx, Desk] = Depends(at_desk("observer"))
) -> Response:
    ctx, _ = dep
    return await _form(ctx, meeting_id, Values([("attended", "1")]))


def build_report(values: Values) -> tuple[dict[str, Any], FieldErrors]:
    """The report's body; who files it is the signed-in observer (meetings reads the token)."""
    errors = FieldErrors()
    attended = values.get("attended")
    if attended not in ("1", "0"):
        errors.add("attended", "Chọn có dự hay không dự buổi sinh hoạt.")
    scores: dict[str, float] = {}
    for key, label, maximum in OBSERVER_ITEMS:
        text = values.get(f"score-{key}").strip().replace(",", ".")
        if not text:
            continue
        try:
            number = float(text)
        except ValueError:
            errors.add(f"score-{key}", f"{label}: nhập một số.")
            continue
        if not 0 <= number <= maximum:
            errors.add(f"score-{key}", f"{label}: nhập số từ 0 đến {maximum:g}.")
            continue
        scores[key] = number
    body: dict[str, Any] = {
        "attended": attended == "1",
        "scores": scores,
        "comments": values.get("comments").strip() or None,
        "requests_raised": [],
    }
    subject, text = values.get("req-subject").strip(), values.get("req-text").strip()
    if subject or text:
        body["requests_raised"].append(
            {"subject": subject, "text": text, "addressee_id": values.get("req-addressee_id")}
        )
    return body, errors


@router.post("/du-hop/bao-cao/{meeting_id}")
async def file_report(
    meeting_id: str, request: Request, dep: tuple[Ctx, Desk] = Depends(at_desk("observer"))
) -> Response:
    ctx, _ = dep
    form = await request.form()
    values = Values((k, v) for k, v in form.multi_items() if isinstance(v, str))
    await _report_row(ctx, meeting_id)  # 404 unless a report of this person is due
    body, errors = build_report(values)
    if not errors:
        try:
            await ctx.meetings.file_report(
                meeting_id, body, values.get("idempotency_key") or str(uuid.uuid4())
            )
        except ApiProblem as problem:
            if problem.status == 409 and problem.code == "observer-report-filed":
                # Sent before (another phone, a resent form): the report stands, nothing to retry.
                url = f"/du-hop?da-nop={meeting_id}"
                if wants_json(request):
                    return JSONResponse(
                        {"status": "exists", "url": url, "message": "Đã có báo cáo buổi này"}
                    )
                return RedirectResponse(url, status_code=303)
            if problem.status not in (409, 422):
                raise
            for error in problem.errors or [{"detail": problem.detail}]:
                pointer = str(error.get("pointer", ""))
                field = {"/attended": "attended", "/comments": "comments"}.get(pointer)
                if pointer.startswith("/scores/"):
                    field = "score-" + pointer.removeprefix("/scores/")
                elif pointer.startswith("/requests_raised/0/"):
                    field = "req-" + pointer.rsplit("/", 1)[-1].replace(
                        "addressee_id", "addressee_id"
                    )
                errors.add(field, str(error.get("detail", "")))
    if errors:
        if wants_json(request):
            return JSONResponse({"status": "invalid", "errors": errors.summary}, status_code=422)
        return await _form(ctx, meeting_id, values, errors=errors, status_code=422)
    url = f"/du-hop?da-nop={meeting_id}"
    if wants_json(request):
        return JSONResponse({"status": "created", "url": url}, status_code=201)
    return RedirectResponse(url, status_code=303)
