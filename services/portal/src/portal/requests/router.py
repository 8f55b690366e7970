"""Requests (kiến nghị): the branch's own with their timeline, the addressee's list (overdue
first) and the actions each side takes: acknowledge, answer, forward, return, reject; accept
an answer or reopen it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from portal.clients.base import ApiProblem
from portal.roles import Desk
from portal.web import Ctx, at_desk, signed_in

router = APIRouter()

# What each side is offered in each state (the meetings API decides; this only picks buttons).
ADDRESSEE_ACTIONS: dict[str, list[str]] = {
    "submitted": ["acknowledge", "answer", "forward", "return", "reject"],
    "forwarded": ["acknowledge", "answer", "forward", "return", "reject"],
    "acknowledged": ["start", "answer", "forward", "reject"],
    "in_progress": ["answer", "forward", "reject"],
}
BRANCH_ACTIONS: dict[str, list[str]] = {
    "answered": ["accept_answer", "reopen"],
    "rejected": ["reopen"],
    "returned": ["reopen"],
    "closed": ["reopen"],
}
ACTION_LABELS = {
    "acknowledge": "Tiếp nhận",
    "start": "Bắt đầu xử lý",
    "answer": "Trả lời",
    "forward": "Chuyển cấp có thẩm quyền",
    "return": "Trả lại chi bộ",
    "reject": "Từ chối",
    "accept_answer": "Đồng ý với trả lời (đóng)",
    "reopen": "Chưa đồng ý, mở lại",
}
NEEDS_TEXT = frozenset({"answer", "return", "reject", "reopen", "forward"})
OPEN = frozenset({"submitted", "forwarded", "acknowledged", "in_progress"})


def working_days_until(moment: str | None, today: date) -> int | None:
    """Monday–Friday days from today to the moment (negative when past). Public holidays are
    not known to the portal (the API gives no deadline in working days yet)."""
    if not moment:
        return None
    target = datetime.fromisoformat(moment).astimezone(UTC).date()
    sign, start, end = (1, today, target) if target >= today else (-1, target, today)
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return sign * days


def is_overdue(item: dict[str, Any], now: datetime) -> bool:
    check = item.get("next_check_at")
    return item["status"] in OPEN and (
        item["level"] > 0 or (check is not None and datetime.fromisoformat(check) <= now)
    )


async def _named(ctx: Ctx, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    today, now = ctx.today(), ctx.now()
    out = []
    for item in items:
        out.append(
            {
                **item,
                "branch_name": await ctx.registry.name(item["branch_id"]),
                "level_name": await ctx.registry.name(item["level_organisation_id"]),
                "addressee_name": await ctx.registry.name(item["addressee_id"]),
                "working_days_left": working_days_until(item.get("next_check_at"), today),
                "overdue": is_overdue(item, now),
            }
        )
    return out


@router.get("/chi-bo/kien-nghi")
async def branch_requests(dep: tuple[Ctx, Desk] = Depends(at_desk("secretary"))) -> Response:
    ctx, desk = dep
    items = await ctx.meetings.requests(branch_id=desk.organisation_id)
    items.sort(key=lambda r: r["created_at"], reverse=True)
    return ctx.render(
        "requests/branch_list.html",
        branch_name=await ctx.registry.name(desk.organisation_id),
        items=await _named(ctx, items),
    )


@router.get("/tra-loi")
async def addressee_list(dep: tuple[Ctx, Desk] = Depends(at_desk("addressee"))) -> Response:
    ctx, desk = dep
    items = await _named(
        ctx, await ctx.meetings.requests(level_organisation_id=desk.organisation_id, open="true")
    )
    # Overdue first, then the nearest check (reminder or deadline), then the oldest.
    items.sort(key=lambda r: (not r["overdue"], r.get("next_check_at") or "9999", r["created_at"]))
    return ctx.render(
        "requests/addressee_list.html",
        organisation_name=await ctx.registry.name(desk.organisation_id),
        items=items,
    )


@router.get("/kien-nghi/{request_id}")
async def request_page(request_id: str, ctx: Ctx = Depends(signed_in)) -> Response:
    return await _page(ctx, request_id)


async def _page(
    ctx: Ctx, request_id: str, *, error: str = "", status_code: int = 200, text: str = ""
) -> Response:
    item = (await _named(ctx, [await ctx.meetings.request_detail(request_id)]))[0]
    person = ctx.person
    actions: list[str] = []
    addressee = person.desk("addressee")
    if addressee and addressee.can_act:
        actions += ADDRESSEE_ACTIONS.get(item["status"], [])
    secretary = person.desk("secretary")
    if secretary and secretary.organisation_id == item["branch_id"]:
        actions += BRANCH_ACTIONS.get(item["status"], [])
    forward_to: list[tuple[str, str]] = []
    if "forward" in actions:
        ancestors = await ctx.registry.ancestors(item["level_organisation_id"])
        forward_to = [(a["id"], a["name"]) for a in ancestors]
    timeline = []
    for entry in item.get("timeline", []):
        timeline.append(
            {**entry, "level_name": await ctx.registry.name(entry["level_organisation_id"])}
        )
    return ctx.render(
        "requests/detail.html",
        status_code=status_code,
        item=item,
        timeline=timeline,
        actions=[(a, ACTION_LABELS[a], a in NEEDS_TEXT) for a in dict.fromkeys(actions)],
        forward_to=forward_to,
        error=error,
        text=text,
    )


@router.post("/kien-nghi/{request_id}/xu-ly")
async def act(
    request_id: str,
    request: Request,
    ctx: Ctx = Depends(signed_in),
    action: str = Form(...),
    text: str = Form(""),
    forward_to_id: str = Form(""),
    version: int = Form(...),
) -> Response:
    if action not in ACTION_LABELS:
        return await _page(ctx, request_id, error="Hành động không hợp lệ.", status_code=422)
    if action in NEEDS_TEXT and not text.strip():
        return await _page(
            ctx,
            request_id,
            status_code=422,
            text=text,
            error=f"«{ACTION_LABELS[action]}» cần ghi nội dung (trả lời, lý do hoặc giải thích).",
        )
    body: dict[str, Any] = {"action": action, "text": text.strip() or None}
    if action == "forward":
        body["forward_to_id"] = forward_to_id or None
    try:
        await ctx.meetings.act(request_id, body, version)
    except ApiProblem as problem:
        if problem.status in (409, 412, 422):
            detail = problem.detail
            if problem.errors:
                detail = "; ".join(str(e.get("detail", "")) for e in problem.errors)
            return await _page(ctx, request_id, error=detail, status_code=problem.status, text=text)
        raise
    return RedirectResponse(f"/kien-nghi/{request_id}?da-ghi={action}", status_code=303)
